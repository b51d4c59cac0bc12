-- Rebuilt whole every run: data_entered events are few, and a table needs no incremental bookkeeping.

with

data_entered_events as (
    select * from {{ ref('stg_platform__widget_events') }}
    where event_type = 'data_entered'
),

time_zones as (
    select
        company_id,
        timezone
    from {{ ref('int_company_time_zones') }}
),

localized as (
    select
        data_entered_events.company_id,
        data_entered_events.experience_id,
        data_entered_events.visitor_id,
        -- an entry without its field is kept and named, so that the fields add up to the daily total
        coalesce(nullif(trim(data_entered_events.data_field), ''), '(field missing)') as data_field,
        coalesce(data_entered_events.device, 'unknown') as device,
        cast({{ local_timestamp('data_entered_events.occurred_at', 'time_zones.timezone') }} as date) as local_date,
        data_entered_events.export_date
    from data_entered_events
    left join time_zones on data_entered_events.company_id = time_zones.company_id
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
    group by all
)

select * from final
