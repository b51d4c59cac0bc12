{#- Incremental by local date: a run recomputes every local date touched by the export window (all
    module visits of those dates, late ones included) and replaces those dates whole. Staged widget events
    are never replaced or deleted once loaded, so the window's own events give the touched dates. -#}

with

all_widget_events as (
    select * from {{ ref('stg_platform__widget_events') }}
    where event_type = 'module_visit' and module_id is not null
),

time_zones as (
    select
        company_id,
        timezone
    from {{ ref('int_company_time_zones') }}
),

{% if is_incremental() %}
    affected_dates as (
        select distinct
            cast({{ local_timestamp('all_widget_events.occurred_at', 'time_zones.timezone') }} as date) as local_date
        from all_widget_events
        left join time_zones on all_widget_events.company_id = time_zones.company_id
        where {{ in_export_window('all_widget_events.export_date') }}
        union
        {{ retimed_event_local_dates('all_widget_events', 'occurred_at') }}
    ),
{% endif %}

widget_events as (
    select * from all_widget_events
    {% if is_incremental() %}
        -- a local date spans at most 14 hours either side of its UTC date
        where
            occurred_at >= (select min(affected_dates.local_date) - interval 2 day from affected_dates)
            and occurred_at < (select max(affected_dates.local_date) + interval 3 day from affected_dates)
    {% endif %}
),

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
