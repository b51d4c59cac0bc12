-- The hourly telephony aggregate summed over a month equals the month's calls in the fact.
with

fact as (
    select
        date_trunc('month', local_date) as local_month,
        company_id,
        count(*) as calls,
        count(*) filter (where is_answered) as answered,
        sum(billable_seconds) as billable_seconds
    from {{ ref('fct_calls') }}
    group by 1, 2
),

aggregate as (
    select
        date_trunc('month', local_date) as local_month,
        company_id,
        sum(calls) as calls,
        sum(answered_calls) as answered,
        sum(billable_seconds) as billable_seconds
    from {{ ref('fct_calls_hourly') }}
    group by 1, 2
)

select *
from fact
full outer join aggregate using (local_month, company_id)
where fact.calls is distinct from aggregate.calls
    or fact.answered is distinct from aggregate.answered
    or fact.billable_seconds is distinct from aggregate.billable_seconds
