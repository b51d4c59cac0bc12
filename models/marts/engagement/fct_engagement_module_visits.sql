with

widget_events as (
    select * from {{ ref('stg_platform__widget_events') }}
    where event_type = 'module_visit' and module_id is not null
),

companies as (
    select
        company_id,
        timezone
    from {{ ref('dim_companies') }}
),

final as (
    select
        cast({{ local_timestamp('widget_events.occurred_at', 'companies.timezone') }} as date) as local_date,
        widget_events.company_id,
        widget_events.experience_id,
        widget_events.module_id,
        coalesce(widget_events.device, 'unknown') as device,
        count(*) as visits,
        count(distinct widget_events.visitor_id) as visitors
    from widget_events
    left join companies on widget_events.company_id = companies.company_id
    group by all
)

select * from final
