{{ config(tags=['billing']) }}
-- Composite grains of the billing models are unique.
select 'int_billing_usage_monthly' as model, cast(company_id as varchar) || '|' || billing_month || '|' || service as grain_key
from {{ ref('int_billing_usage_monthly') }}
group by all having count(*) > 1
union all
select 'rpt_reseller_companies', cast(reseller_id as varchar) || '|' || company_id || '|' || billing_month
from {{ ref('rpt_reseller_companies') }}
group by all having count(*) > 1
union all
select 'fct_invoices (company, month)', cast(company_id as varchar) || '|' || invoice_month
from {{ ref('fct_invoices') }}
group by all having count(*) > 1
