{#- Hooks and model contracts on Apache Spark. -#}

{#- dbt-spark's materializations run hooks once, inside the (absent) transaction, which skips the
    before_begin/after_commit hooks of the billing models (ledger verify and append): on Spark every hook
    runs at that point; other adapters keep dbt's own behaviour. -#}
{% macro run_hooks(hooks, inside_transaction=True) -%}
    {%- if target.type == 'spark' -%}
        {%- for hook in hooks -%}
            {%- set rendered = render(hook.get('sql')) | trim -%}
            {%- if (rendered | length) > 0 -%}
                {%- call statement(auto_begin=false) -%}
                    {{ rendered }}
                {%- endcall -%}
            {%- endif -%}
        {%- endfor -%}
    {%- else -%}
        {{ return(dbt.run_hooks(hooks, inside_transaction)) }}
    {%- endif -%}
{%- endmacro %}

{#- Contracts on Spark check the column names: the declared types are DuckDB's, and Spark types some
    columns differently (row_number() int instead of bigint, a decimal quotient instead of a double);
    the parity test (tests/spark/test_parity.py) compares the values. -#}
{% macro spark__get_assert_columns_equivalent(sql) -%}
    {%- set declared = model['columns'].values() | map(attribute='name') | map('lower') | sort | list -%}
    {%- set built = get_column_schema_from_query(sql) | map(attribute='name') | map('lower') | sort | list -%}
    {%- if declared != built -%}
        {%- do exceptions.raise_compiler_error(
            'contract of ' ~ model['name'] ~ ': declared columns ' ~ declared ~ ', the model has ' ~ built) -%}
    {%- endif -%}
{%- endmacro %}
