{#- The billing ledger on Apache Spark: the Parquet tables of database `ledger` in the same metastore as
    the build (SPARK_DIR, orchestration/spark/session.py). Spark runs one statement at a time and has no
    transactions, so the hooks run their statements here and return a no-op; the append skips rows the
    ledger already holds, so a run interrupted between its two inserts completes on the next run. -#}

{#- Runs each statement at execution time (never while parsing). -#}
{% macro spark_run_statements(statements) -%}
    {%- if execute -%}
        {%- for statement in statements -%}
            {%- do run_query(statement) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{% macro spark_ledger_table_ddl(name, columns) -%}
    create table if not exists {{ ledger_table(name) }} (
        {%- for column_name, type in columns %}
        {{ ledger_column(column_name, type) }},
        {%- endfor %}
        recorded_at timestamp
    ) using parquet
{%- endmacro %}

{% macro spark__billing_ledger_create() -%}
    {{ spark_run_statements([
        'create database if not exists ledger',
        spark_ledger_table_ddl('invoice_lines', billing_ledger_line_columns()),
        spark_ledger_table_ddl('invoices', billing_ledger_invoice_columns() + [('content_hash', 'varchar')]),
    ]) }}
{%- endmacro %}

{% macro spark__billing_topup_ledger_create() -%}
    {{ spark_run_statements([
        'create database if not exists ledger',
        spark_ledger_table_ddl('topup_invoices', [
            ('topup_invoice_id', 'varchar'), ('company_id', 'bigint'), ('invoice_number', 'integer'),
            ('company_name', 'varchar'), ('company_country', 'varchar'), ('issuer_company_id', 'bigint'),
            ('issuer_name', 'varchar'), ('amount', 'decimal(18, 4)'), ('currency', 'varchar'),
            ('created_at', 'timestamp'), ('created_by', 'varchar'), ('document_path', 'varchar'),
        ]),
    ]) }}
{%- endmacro %}

{#- Refuses the run (raise_error) when the build's issued invoices and the ledger disagree. -#}
{% macro spark__billing_ledger_verify() -%}
    {{ spark__billing_ledger_create() }}
    {%- set invoices = adapter.get_relation(database=this.database, schema=this.schema, identifier='fct_invoices') -%}
    {%- set lines = adapter.get_relation(database=this.database, schema=this.schema, identifier='fct_invoice_lines') -%}
    {%- if invoices is not none and lines is not none %}
    union all
    select 1 from (
        select {{ raise_sql_error(
            "'billing ledger: ' || count(*) || ' issued invoice(s) differ between the build and the ledger ('
            || " ~ ordered_string_agg("invoice_id || ': ' || problem", "'; '", 'invoice_id') ~ "
            || '); final invoices never change: restore the build or the ledger, do not rebuild over it'") }}
        from ({{ billing_ledger_mismatches(invoices, lines) }}) as mismatches
        having count(*) > 0
    ) as refused
    {%- endif %}
{%- endmacro %}

{% macro spark__billing_ledger_append() -%}
    {%- set append_lines -%}
    insert into {{ ledger_table('invoice_lines') }}
    select {{ billing_ledger_column_names(billing_ledger_line_columns(), 'lines') }}, cast({{ utc_now() }} as timestamp) as recorded_at
    from {{ ref('fct_invoice_lines') }} as lines
    where
        lines.invoice_status = 'final'
        and lines.invoice_id not in (select invoice_id from {{ ledger_table('invoices') }})
        and lines.invoice_line_id not in (select invoice_line_id from {{ ledger_table('invoice_lines') }})
    {%- endset -%}
    {%- set append_invoices -%}
    with new_final as (
        select {{ billing_ledger_column_names(billing_ledger_invoice_columns()) }}
        from {{ this }}
        where invoice_status = 'final' and invoice_id not in (select invoice_id from {{ ledger_table('invoices') }})
    ),
    hashes as (
        {{ billing_invoice_hashes('new_final', ledger_table('invoice_lines')) }}
    )
    insert into {{ ledger_table('invoices') }}
    select {{ billing_ledger_column_names(billing_ledger_invoice_columns(), 'new_final') }},
        hashes.content_hash, cast({{ utc_now() }} as timestamp) as recorded_at
    from new_final
    inner join hashes on new_final.invoice_id = hashes.invoice_id
    {%- endset -%}
    {{ spark_run_statements([append_lines, append_invoices]) }}
{%- endmacro %}
