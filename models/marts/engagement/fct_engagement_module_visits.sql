{%- set counted_events = "event_type = 'module_visit' and module_id is not null" -%}
{{ config(post_hook="{{ delete_vanished_widget_event_dates(\"" ~ counted_events ~ "\") }}") }}
{#- Incremental by local date: a run recomputes every local date touched by the export window (all
    module visits of those dates, late ones included) and replaces those dates whole
    (macros/incremental.sql: widget_event_daily_ctes). -#}

with

{{ widget_event_daily_ctes(counted_events) }},

final as (
    select
        cast({{ local_timestamp('widget_events.occurred_at', 'time_zones.timezone') }} as date) as local_date,
        widget_events.company_id,
        widget_events.experience_id,
        widget_events.module_id,
        coalesce(widget_events.device, 'unknown') as device,
        count(*) as visits,
        count(distinct widget_events.visitor_id) as visitors,
        max(widget_events.export_date) as last_export_date
    from widget_events
    left join time_zones on widget_events.company_id = time_zones.company_id
    {% if is_incremental() %}
        where
            cast({{ local_timestamp('widget_events.occurred_at', 'time_zones.timezone') }} as date)
            in (select affected_dates.local_date from affected_dates)
    {% endif %}
    group by all
)

select * from final
