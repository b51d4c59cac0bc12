{{ config(severity='warn', tags=['billing']) }}
-- Usage that could not be priced (no tariff, no exchange rate, unknown service or company) in the
-- run's month (every month without billing_month): one row per month and reason, with the count.
select
    billing_month,
    rating_issue,
    count(*) as events
from {{ ref('fct_unpriced_usage') }}
{%- if var('billing_month', none) is not none %}
where billing_month = {{ billing_run_month() }}
{%- endif %}
group by all
