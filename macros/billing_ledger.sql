{#- The invoice ledger (docs/billing.md, "Ledger"): final invoices, header and lines, appended to a
    DuckDB file outside the rebuildable warehouse (attached as `ledger` by profiles.yml, path
    BILLING_LEDGER_PATH of orchestration/settings.py), one content hash per invoice. A row is never
    updated or deleted. fct_invoice_lines restores the ledger's invoices into a new build file and
    refuses to run when the build file and the ledger disagree. -#}

{%- macro billing_ledger_line_columns() -%}
    {{ return([
        ('invoice_line_id', 'varchar'), ('invoice_id', 'varchar'), ('line_number', 'integer'),
        ('company_id', 'bigint'), ('invoice_month', 'date'), ('period_month', 'date'),
        ('is_adjustment', 'boolean'), ('line_kind', 'varchar'), ('usage_company_id', 'bigint'),
        ('service', 'varchar'), ('description', 'varchar'), ('unit', 'varchar'), ('usage_count', 'bigint'),
        ('quantity_base', 'bigint'), ('quantity', 'decimal(18,6)'), ('unit_price', 'decimal(18,6)'),
        ('price_currency', 'varchar'), ('amount', 'decimal(18,4)'), ('currency', 'varchar'),
        ('invoice_status', 'varchar'), ('finalisation_due_at', 'timestamp'), ('issued_at', 'timestamp'),
        ('generated_at', 'timestamp'),
    ]) }}
{%- endmacro -%}

{%- macro billing_ledger_invoice_columns() -%}
    {{ return([
        ('invoice_id', 'varchar'), ('company_id', 'bigint'), ('company_name', 'varchar'),
        ('client_type', 'varchar'), ('issuer_company_id', 'bigint'), ('issuer_name', 'varchar'),
        ('invoice_month', 'date'), ('period_start', 'date'), ('period_end', 'date'), ('timezone', 'varchar'),
        ('currency', 'varchar'), ('usage_amount', 'decimal(18,4)'), ('wholesale_amount', 'decimal(18,4)'),
        ('adjustment_amount', 'decimal(18,4)'), ('total_amount', 'decimal(18,4)'), ('line_count', 'integer'),
        ('adjustment_line_count', 'integer'), ('invoice_status', 'varchar'), ('finalisation_due_at', 'timestamp'),
        ('issued_at', 'timestamp'), ('generated_at', 'timestamp'),
    ]) }}
{%- endmacro -%}

{%- macro billing_ledger_column_names(columns, alias=none) -%}
    {%- for name, type in columns -%}
        {{ alias ~ '.' if alias }}{{ name }}{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro -%}

{#- The ledger's tables (idempotent; run before fct_invoice_lines reads them). -#}
{% macro billing_ledger_create() -%}
    {{ return(adapter.dispatch('billing_ledger_create')()) }}
{%- endmacro %}
{% macro default__billing_ledger_create() -%}
    create table if not exists {{ ledger_table('invoice_lines') }} (
        {%- for name, type in billing_ledger_line_columns() %}
        {{ name }} {{ type }}{{ ' primary key' if name == 'invoice_line_id' }},
        {%- endfor %}
        recorded_at timestamp not null
    );
    create table if not exists {{ ledger_table('invoices') }} (
        {%- for name, type in billing_ledger_invoice_columns() %}
        {{ name }} {{ type }}{{ ' primary key' if name == 'invoice_id' }},
        {%- endfor %}
        content_hash varchar not null,
        recorded_at timestamp not null
    );
{%- endmacro %}

{#- One row of text per record, every column in a fixed order, NULL spelled out. -#}
{% macro billing_ledger_row_text(columns, alias) -%}
    concat_ws('|'
        {%- for name, type in columns -%}
            , coalesce(cast({{ alias }}.{{ name }} as {{ text_type() }}), '\N')
        {%- endfor -%}
    )
{%- endmacro %}

{#- Content hash per invoice: sha256 of its header and its lines in line order. -#}
{% macro billing_invoice_hashes(invoices_relation, lines_relation) -%}
    select
        invoices.invoice_id,
        {{ sha256_hex(
            billing_ledger_row_text(billing_ledger_invoice_columns(), 'invoices') ~ " || chr(10)
            || coalesce((
                select " ~ ordered_string_agg(
                    billing_ledger_row_text(billing_ledger_line_columns(), 'lines'), 'chr(10)', 'lines.line_number'
                ) ~ "
                from " ~ lines_relation ~ " as lines
                where lines.invoice_id = invoices.invoice_id
            ), '')") }} as content_hash
    from {{ invoices_relation }} as invoices
{%- endmacro %}

{#- Invoices of the build file and of the ledger that disagree (run before fct_invoice_lines is rebuilt
    and as the data test billing_ledger_matches_final_invoices): a final invoice whose content differs,
    a final invoice whose ledger hash does not match the ledger's own rows, or an invoice the ledger
    holds as final that the build file has as a draft. -#}
{% macro billing_ledger_mismatches(invoices_relation, lines_relation) -%}
    with

    ledger_headers as (
        select {{ billing_ledger_column_names(billing_ledger_invoice_columns()) }}
        from {{ ledger_table('invoices') }}
    ),

    recomputed_ledger as (
        {{ billing_invoice_hashes('ledger_headers', ledger_table('invoice_lines')) }}
    ),

    build_final as (
        select {{ billing_ledger_column_names(billing_ledger_invoice_columns()) }}
        from {{ invoices_relation }}
        where invoice_status = 'final'
    ),

    build_hashes as (
        {{ billing_invoice_hashes('build_final', lines_relation) }}
    )

    select
        ledger.invoice_id,
        'ledger rows do not match their recorded content hash' as problem
    from {{ ledger_table('invoices') }} as ledger
    inner join recomputed_ledger on ledger.invoice_id = recomputed_ledger.invoice_id
    where ledger.content_hash <> recomputed_ledger.content_hash
    union all
    select
        ledger.invoice_id,
        'final invoice differs from the ledger' as problem
    from {{ ledger_table('invoices') }} as ledger
    inner join build_hashes on ledger.invoice_id = build_hashes.invoice_id
    where ledger.content_hash <> build_hashes.content_hash
    union all
    select
        ledger.invoice_id,
        'the ledger holds it as final, the build file as a draft' as problem
    from {{ ledger_table('invoices') }} as ledger
    inner join {{ invoices_relation }} as build on ledger.invoice_id = build.invoice_id
    where build.invoice_status <> 'final'
{%- endmacro %}

{#- Pre-hook of fct_invoice_lines: create the ledger tables, then refuse to run (DuckDB error()) when
    the build file's issued invoices disagree with the ledger. -#}
{% macro billing_ledger_verify() -%}
    {{ return(adapter.dispatch('billing_ledger_verify')()) }}
{%- endmacro %}
{% macro default__billing_ledger_verify() -%}
    {{ billing_ledger_create() }}
    {%- set invoices = adapter.get_relation(database=this.database, schema=this.schema, identifier='fct_invoices') -%}
    {%- set lines = adapter.get_relation(database=this.database, schema=this.schema, identifier='fct_invoice_lines') -%}
    {%- if invoices is not none and lines is not none %}
    select error(
        'billing ledger: ' || count(*) || ' issued invoice(s) differ between the build file and the ledger ('
        || string_agg(invoice_id || ': ' || problem, '; ' order by invoice_id)
        || '); final invoices never change: restore the build file or the ledger, do not rebuild over it'
    )
    from ({{ billing_ledger_mismatches(invoices, lines) }}) as mismatches
    having count(*) > 0;
    {%- endif %}
{%- endmacro %}

{#- Post-hook of fct_invoices: append invoices that became final (header, lines, content hash) in one
    transaction. Rows already in the ledger are never touched. -#}
{% macro billing_ledger_append() -%}
    {{ return(adapter.dispatch('billing_ledger_append')()) }}
{%- endmacro %}
{% macro default__billing_ledger_append() -%}
    begin transaction;
    insert into {{ ledger_table('invoice_lines') }}
    select {{ billing_ledger_column_names(billing_ledger_line_columns(), 'lines') }}, cast({{ utc_now() }} as timestamp) as recorded_at
    from {{ ref('fct_invoice_lines') }} as lines
    where
        lines.invoice_status = 'final'
        and lines.invoice_id not in (select invoice_id from {{ ledger_table('invoices') }});
    insert into {{ ledger_table('invoices') }}
    with new_final as (
        select {{ billing_ledger_column_names(billing_ledger_invoice_columns()) }}
        from {{ this }}
        where invoice_status = 'final' and invoice_id not in (select invoice_id from {{ ledger_table('invoices') }})
    ),
    hashes as (
        {{ billing_invoice_hashes('new_final', ledger_table('invoice_lines')) }}
    )
    select {{ billing_ledger_column_names(billing_ledger_invoice_columns(), 'new_final') }},
        hashes.content_hash, cast({{ utc_now() }} as timestamp) as recorded_at
    from new_final
    inner join hashes on new_final.invoice_id = hashes.invoice_id;
    commit;
{%- endmacro %}
