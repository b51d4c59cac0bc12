{{ config(tags=['billing']) }}
-- Every issued invoice of the build file is in the ledger with the same content (header and lines,
-- sha256), every ledger invoice is in the build file, and the ledger's rows match their recorded hash.
-- Rows returned = invoices that disagree (the fct_invoice_lines pre-hook refuses to build over them).
with

mismatches as (
    {{ billing_ledger_mismatches(ref('fct_invoices'), ref('fct_invoice_lines')) }}
),

missing as (
    select
        invoices.invoice_id,
        'final invoice missing from the ledger' as problem
    from {{ ref('fct_invoices') }} as invoices
    where
        invoices.invoice_status = 'final'
        and invoices.invoice_id not in (
            select ledger.invoice_id from {{ source('billing_ledger', 'invoices') }} as ledger
        )
    union all
    select
        ledger.invoice_id,
        'ledger invoice missing from the build file' as problem
    from {{ source('billing_ledger', 'invoices') }} as ledger
    where ledger.invoice_id not in (select invoices.invoice_id from {{ ref('fct_invoices') }} as invoices)
)

select * from mismatches
union all
select * from missing
