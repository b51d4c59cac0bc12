-- The hourly telephony aggregate summed over a month equals the month's calls in the fact.
with

fact_totals as (
    select
        date_trunc('month', local_date) as local_month,
        company_id,
        count(*) as calls,
        count(*) filter (where is_answered) as answered,
        sum(billable_seconds) as billable_seconds
    from {{ ref('fct_calls') }}
    group by 1, 2
),

aggregate_totals as (
    select
        date_trunc('month', local_date) as local_month,
        company_id,
        sum(calls) as calls,
        sum(answered_calls) as answered,
        sum(billable_seconds) as billable_seconds
    from {{ ref('fct_calls_hourly') }}
    group by 1, 2
)

select
    local_month,
    company_id,
    fact_totals.calls as fact_calls,
    aggregate_totals.calls as aggregate_calls,
    fact_totals.answered as fact_answered,
    aggregate_totals.answered as aggregate_answered,
    fact_totals.billable_seconds as fact_billable_seconds,
    aggregate_totals.billable_seconds as aggregate_billable_seconds
from fact_totals
full outer join aggregate_totals using (local_month, company_id)
where
    fact_totals.calls is distinct from aggregate_totals.calls
    or fact_totals.answered is distinct from aggregate_totals.answered
    or fact_totals.billable_seconds is distinct from aggregate_totals.billable_seconds
