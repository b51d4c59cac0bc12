{%- set counted_events = "event_type = 'data_entered'" -%}
{{ config(post_hook="{{ delete_vanished_widget_event_dates(\"" ~ counted_events ~ "\") }}") }}
{#- Incremental by local date: a run recomputes every local date touched by the export window (all
    entries of those dates, late ones included) and replaces those dates whole
    (macros/incremental.sql: widget_event_daily_ctes). Rebuilt whole, it read every entry of the history
    each day. -#}

with

{{ widget_event_daily_ctes(counted_events) }},

localized as (
    select
        widget_events.company_id,
        widget_events.experience_id,
        widget_events.visitor_id,
        -- an entry without its field is kept and named, so that the fields add up to the daily total
        coalesce(nullif(trim(widget_events.data_field), ''), '(field missing)') as data_field,
        coalesce(widget_events.device, 'unknown') as device,
        {{ local_date('widget_events.occurred_at', 'time_zones.timezone') }} as local_date,
        widget_events.export_date
    from widget_events
    left join time_zones on widget_events.company_id = time_zones.company_id
),

final as (
    select
        local_date,
        company_id,
        experience_id,
        device,
        data_field,
        count(*) as entries,
        count(distinct visitor_id) as customers,
        max(export_date) as last_export_date
    from localized
    {% if is_incremental() %}
        where local_date in (select affected_dates.local_date from affected_dates)
    {% endif %}
    group by all
)

select * from final
