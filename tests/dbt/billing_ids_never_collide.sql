{{ config(tags=['billing']) }}
-- Invoice and invoice line ids are unique for any integer company id and any number of lines:
-- DuckDB's lpad truncates, so 123456 and 1234567 once shared INV-YYYY-MM-123456, and line 1000 of
-- an invoice became line 100. Rows returned = ids produced by two different inputs.
with

company_ids as (
    select
        unnest([
            0, 1, 7, 999, 123456, 999999, 1000000, 1234567, 12345678, 2147483647, 9223372036854775807,
            -1, -7, -123456, -9223372036854775807
        ]) as company_id
    union all
    select range as company_id from range(0, 2000000, 997)
),

invoices as (
    select
        company_id,
        {{ billing_invoice_id("date '2026-07-01'", 'company_id') }} as invoice_id
    from company_ids
),

invoice_collisions as (
    select
        'invoice_id' as id_kind,
        invoice_id as id_value,
        count(distinct company_id) as inputs
    from invoices
    group by invoice_id
    having count(distinct company_id) > 1
),

line_numbers as (
    select range as line_number from range(1, 12001)
),

lines as (
    -- two invoices whose ids differ only in length, each with 12000 lines
    select
        invoices.company_id,
        line_numbers.line_number,
        {{ billing_invoice_line_id('invoices.invoice_id', 'line_numbers.line_number') }} as invoice_line_id
    from invoices
    cross join line_numbers
    where invoices.company_id in (123456, 1234567, 12345678, -1)
),

line_collisions as (
    select
        'invoice_line_id' as id_kind,
        invoice_line_id as id_value,
        count(*) as inputs
    from lines
    group by invoice_line_id
    having count(*) > 1
)

select * from invoice_collisions
union all
select * from line_collisions
