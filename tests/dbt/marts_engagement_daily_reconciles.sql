-- Sessions and bounces of the daily engagement mart summed over a month equal the session fact of that month.
with

fact_totals as (
    select
        company_id,
        experience_id,
        date_trunc('month', local_date) as local_month,
        count(*) as sessions,
        count(*) filter (where is_bounce) as bounces
    from {{ ref('fct_widget_sessions') }}
    group by 1, 2, 3
),

daily_totals as (
    select
        company_id,
        experience_id,
        date_trunc('month', local_date) as local_month,
        sum(sessions) as sessions,
        sum(bounces) as bounces
    from {{ ref('fct_engagement_daily') }}
    group by 1, 2, 3
)

select
    fact_totals.company_id,
    fact_totals.experience_id,
    fact_totals.local_month,
    fact_totals.sessions as fact_sessions,
    daily_totals.sessions as daily_sessions,
    fact_totals.bounces as fact_bounces,
    daily_totals.bounces as daily_bounces
from fact_totals
left join daily_totals
    on
        fact_totals.company_id = daily_totals.company_id
        and fact_totals.experience_id = daily_totals.experience_id
        and fact_totals.local_month = daily_totals.local_month
where
    daily_totals.company_id is null
    or fact_totals.sessions <> daily_totals.sessions
    or fact_totals.bounces <> daily_totals.bounces
