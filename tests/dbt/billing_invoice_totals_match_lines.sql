{{ config(tags=['billing']) }}
-- An invoice's total is the sum of its lines, and every line belongs to an invoice header.
with

line_totals as (
    select
        invoice_id,
        sum(amount) as line_total,
        count(*) as line_count
    from {{ ref('fct_invoice_lines') }}
    group by invoice_id
)

select
    coalesce(invoices.invoice_id, line_totals.invoice_id) as invoice_id,
    invoices.total_amount,
    line_totals.line_total
from {{ ref('fct_invoices') }} as invoices
full outer join line_totals on invoices.invoice_id = line_totals.invoice_id
where
    invoices.invoice_id is null or line_totals.invoice_id is null
    or invoices.total_amount <> line_totals.line_total or invoices.line_count <> line_totals.line_count
