{{ config(tags=['billing']) }}
-- A final invoice was issued after its grace period, a draft has no issued_at, and no line of an
-- invoice bills a period after the invoice's month.
select
    invoice_id,
    'final before due' as problem
from {{ ref('fct_invoices') }}
where invoice_status = 'final' and (issued_at is null or issued_at < finalisation_due_at)
union all
select
    invoice_id,
    'draft with issued_at' as problem
from {{ ref('fct_invoices') }}
where invoice_status = 'draft' and issued_at is not null
union all
select
    invoice_id,
    'period after invoice month' as problem
from {{ ref('fct_invoice_lines') }}
where period_month > invoice_month
