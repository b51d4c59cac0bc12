with

widget_events as (
    select * from {{ ref('stg_platform__widget_events') }}
    where event_type = 'nps_rating' and nps_score between 1 and 10
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
        cast(widget_events.nps_score as integer) as nps_score,
        {{ marts_nps_category('widget_events.nps_score') }} as nps_category,
        count(*) as ratings
    from widget_events
    left join companies on widget_events.company_id = companies.company_id
    group by all
)

select * from final
