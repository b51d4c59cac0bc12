-- The daily notification aggregate summed over a month equals the notifications of that month in the fact.
with

fact as (
    select
        date_trunc('month', local_date) as local_month,
        company_id,
        count(*) as notifications,
        count(*) filter (where is_sent) as sent,
        count(*) filter (where is_delivered) as delivered
    from {{ ref('fct_notifications') }}
    group by 1, 2
),

aggregate as (
    select
        date_trunc('month', local_date) as local_month,
        company_id,
        sum(notifications_created) as notifications,
        sum(notifications_sent) as sent,
        sum(notifications_delivered) as delivered
    from {{ ref('fct_notifications_daily') }}
    group by 1, 2
)

select *
from fact
full outer join aggregate using (local_month, company_id)
where fact.notifications is distinct from aggregate.notifications
    or fact.sent is distinct from aggregate.sent
    or fact.delivered is distinct from aggregate.delivered
