-- The daily notification aggregate summed over a month equals the notifications of that month in the fact.
with

fact_totals as (
    select
        date_trunc('month', local_date) as local_month,
        company_id,
        count(*) as notifications,
        count(*) filter (where is_sent) as sent,
        count(*) filter (where is_delivered) as delivered
    from {{ ref('fct_notifications') }}
    group by 1, 2
),

aggregate_totals as (
    select
        date_trunc('month', local_date) as local_month,
        company_id,
        sum(notifications_created) as notifications,
        sum(notifications_sent) as sent,
        sum(notifications_delivered) as delivered
    from {{ ref('fct_notifications_daily') }}
    group by 1, 2
)

select
    local_month,
    company_id,
    fact_totals.notifications as fact_notifications,
    aggregate_totals.notifications as aggregate_notifications,
    fact_totals.sent as fact_sent,
    aggregate_totals.sent as aggregate_sent,
    fact_totals.delivered as fact_delivered,
    aggregate_totals.delivered as aggregate_delivered
from fact_totals
full outer join aggregate_totals using (local_month, company_id)
where
    fact_totals.notifications is distinct from aggregate_totals.notifications
    or fact_totals.sent is distinct from aggregate_totals.sent
    or fact_totals.delivered is distinct from aggregate_totals.delivered
