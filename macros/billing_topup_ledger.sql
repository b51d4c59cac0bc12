{#- The ledger's table of top-up invoices (docs/billing.md, "Top-up invoices"): appended by
    orchestration/billing/topup.py (same DDL, LEDGER_DDL there), never updated or deleted. Created
    here too so a build before the first top-up reads an empty table. -#}

{% macro billing_topup_ledger_create() -%}
    {{ return(adapter.dispatch('billing_topup_ledger_create')()) }}
{%- endmacro %}
{% macro default__billing_topup_ledger_create() -%}
    create table if not exists {{ ledger_table('topup_invoices') }} (
        topup_invoice_id varchar primary key,
        company_id bigint not null,
        invoice_number integer not null,
        company_name varchar not null,
        company_country varchar,
        issuer_company_id bigint not null,
        issuer_name varchar not null,
        amount decimal(18, 4) not null,
        currency varchar not null,
        created_at timestamp not null,
        created_by varchar not null,
        document_path varchar not null,
        recorded_at timestamp not null
    )
{%- endmacro %}
