{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='invoice_id',
    on_schema_change='append_new_columns',
    full_refresh=false,
    post_hook=after_commit("{{ billing_ledger_append() }}"),
) }}

{#- One invoice per company and month (header of fct_invoice_lines). Like the lines, a final
    invoice is never rebuilt (full_refresh=false): only invoices still draft here are refreshed.
    Issued invoices the build file lacks come back from the ledger as issued; the post-hook appends
    the invoices that became final in this run to the ledger (macros/billing_ledger.sql). -#}

{%- set not_final_in_build -%}
    {%- if is_incremental() -%}
        not exists (
            select 1 from {{ this }} as issued
            where issued.invoice_id = invoice_lines.invoice_id and issued.invoice_status = 'final'
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endset %}

with

ledger_invoices as (
    select {{ star_except(['content_hash', 'recorded_at']) }} from {{ source('billing_ledger', 'invoices') }}
),

lines as (
    select invoice_lines.*
    from {{ ref('fct_invoice_lines') }} as invoice_lines
    where
        not exists (
            select 1 from ledger_invoices
            where ledger_invoices.invoice_id = invoice_lines.invoice_id
        )
        and {{ not_final_in_build }}
),

companies as (
    select
        company_id,
        company_name,
        parent_company_id,
        client_type,
        currency,
        timezone
    from {{ ref('stg_platform__companies') }}
),

headers as (
    select
        invoice_id,
        any_value(company_id) as company_id,
        any_value(invoice_month) as invoice_month,
        any_value(currency) as currency,
        sum(amount) filter (where not is_adjustment and line_kind = 'usage') as usage_amount,
        sum(amount) filter (where not is_adjustment and line_kind = 'wholesale') as wholesale_amount,
        sum(amount) filter (where is_adjustment) as adjustment_amount,
        sum(amount) as total_amount,
        count(*) as line_count,
        count(*) filter (where is_adjustment) as adjustment_line_count,
        any_value(invoice_status) as invoice_status,
        any_value(finalisation_due_at) as finalisation_due_at,
        any_value(issued_at) as issued_at,
        any_value(generated_at) as generated_at
    from lines
    group by invoice_id
),

final as (
    select
        headers.invoice_id,
        headers.company_id,
        companies.company_name,
        companies.client_type,
        coalesce(companies.parent_company_id, 0) as issuer_company_id,
        coalesce(issuers.company_name, 'Platform') as issuer_name,
        headers.invoice_month,
        headers.invoice_month as period_start,
        cast(headers.invoice_month + interval 1 month - interval 1 day as date) as period_end,
        companies.timezone,
        headers.currency,
        cast(coalesce(headers.usage_amount, 0) as decimal(18, 4)) as usage_amount,
        cast(coalesce(headers.wholesale_amount, 0) as decimal(18, 4)) as wholesale_amount,
        cast(coalesce(headers.adjustment_amount, 0) as decimal(18, 4)) as adjustment_amount,
        cast(headers.total_amount as decimal(18, 4)) as total_amount,
        cast(headers.line_count as integer) as line_count,
        cast(headers.adjustment_line_count as integer) as adjustment_line_count,
        headers.invoice_status,
        headers.finalisation_due_at,
        headers.issued_at,
        headers.generated_at
    from headers
    left join companies on headers.company_id = companies.company_id
    left join companies as issuers on companies.parent_company_id = issuers.company_id
),

restored as (
    select * from ledger_invoices
    {%- if is_incremental() %}
        where not exists (select 1 from {{ this }} as built where built.invoice_id = ledger_invoices.invoice_id)
    {%- endif %}
)

select * from final
union all
select * from restored
