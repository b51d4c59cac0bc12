{{ config(tags=['billing']) }}
-- An invoice's total is the sum of its lines, and every line belongs to an invoice header.
select coalesce(invoices.invoice_id, lines.invoice_id) as invoice_id, invoices.total_amount, lines.line_total
from {{ ref('fct_invoices') }} as invoices
full outer join (
    select invoice_id, sum(amount) as line_total, count(*) as line_count
    from {{ ref('fct_invoice_lines') }}
    group by invoice_id
) as lines on invoices.invoice_id = lines.invoice_id
where invoices.invoice_id is null or lines.invoice_id is null
    or invoices.total_amount <> lines.line_total or invoices.line_count <> lines.line_count
