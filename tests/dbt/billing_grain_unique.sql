{{ config(tags=['billing']) }}
-- Composite grains of the billing models are unique.
-- RF04 is suppressed on the failure-row column "model": the name is kept, and it is not a DuckDB keyword.
select
    'int_billing_usage_monthly' as model,  -- noqa: RF04
    cast(company_id as varchar) || '|' || billing_month || '|' || service as grain_key
from {{ ref('int_billing_usage_monthly') }}
group by all
having count(*) > 1
union all
select
    'rpt_reseller_companies' as model,  -- noqa: RF04
    cast(reseller_id as varchar) || '|' || company_id || '|' || billing_month as grain_key
from {{ ref('rpt_reseller_companies') }}
group by all
having count(*) > 1
union all
select
    'fct_invoices (company, month, currency)' as model,  -- noqa: RF04
    cast(company_id as varchar) || '|' || invoice_month || '|' || coalesce(currency, '') as grain_key
from {{ ref('fct_invoices') }}
group by all
having count(*) > 1
