{%- set counted_events = "event_type = 'nps_rating' and nps_score between 1 and 10" -%}
{{ config(post_hook="{{ delete_vanished_widget_event_dates(\"" ~ counted_events ~ "\") }}") }}
{#- Incremental by local date: a run recomputes every local date touched by the export window (all
    NPS ratings of those dates, late ones included) and replaces those dates whole
    (macros/incremental.sql: widget_event_daily_ctes). -#}

with

{{ widget_event_daily_ctes(counted_events) }},

final as (
    select
        {{ local_date('widget_events.occurred_at', 'time_zones.timezone') }} as local_date,
        widget_events.company_id,
        widget_events.experience_id,
        cast(widget_events.nps_score as integer) as nps_score,
        {{ nps_category('widget_events.nps_score') }} as nps_category,
        count(*) as ratings,
        max(widget_events.export_date) as last_export_date
    from widget_events
    left join time_zones on widget_events.company_id = time_zones.company_id
    {% if is_incremental() %}
        where
            {{ local_date('widget_events.occurred_at', 'time_zones.timezone') }}
            in (select affected_dates.local_date from affected_dates)
    {% endif %}
    group by all
)

select * from final
