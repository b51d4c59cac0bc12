{{ config(severity='warn', tags=['billing']) }}
-- Reconciliation: for every company and invoiced period up to the run's month, the invoice lines that
-- bill the period (its regular lines plus later adjustment lines) add up to the current rating of the
-- period (int_billing_period_lines). A warning, not an error: usage that arrives after the last run is
-- rated but waits for the next invoice. tests/test_billing_e2e.py asserts it exactly.
with

invoiced as (
    select
        company_id,
        period_month,
        sum(amount) as invoiced_amount
    from {{ ref('fct_invoice_lines') }}
    group by all
),

rated as (
    select
        billed_company_id as company_id,
        billing_month as period_month,
        sum(amount) as rated_amount
    from {{ ref('int_billing_period_lines') }}
    group by all
),

periods as (
    select distinct
        company_id,
        invoice_month as period_month
    from {{ ref('fct_invoices') }}
    {%- if var('billing_month', none) is not none %}
    where invoice_month <= {{ billing_run_month() }}
    {%- endif %}
)

select
    periods.company_id,
    periods.period_month,
    invoiced.invoiced_amount,
    rated.rated_amount
from periods
left join invoiced using (company_id, period_month)
left join rated using (company_id, period_month)
where coalesce(invoiced.invoiced_amount, 0) <> coalesce(rated.rated_amount, 0)
