{#- Incremental strategies on Apache Spark with Parquet tables (no row-level DELETE or MERGE without
    Delta/Iceberg, whose jars would be downloaded at run time): daily aggregates and event staging use
    `insert_overwrite` of their date partitions (dbt_project.yml); the models keyed by a unique_key keep
    `delete+insert`, done here as a rebuild: the kept rows plus the batch are written to a side table,
    then copied over the model with INSERT OVERWRITE (Spark cannot overwrite a table it reads). -#}

{#- dbt-spark's check, with delete+insert accepted (microbatch is not used here). -#}
{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) -%}
    {%- if raw_strategy not in ['append', 'merge', 'insert_overwrite', 'delete+insert'] -%}
        {%- do exceptions.raise_compiler_error(
            'Invalid incremental strategy ' ~ raw_strategy ~ ': one of append, merge, insert_overwrite, delete+insert') -%}
    {%- endif -%}
    {%- if raw_strategy == 'merge' and file_format not in ['delta', 'iceberg', 'hudi'] -%}
        {%- do exceptions.raise_compiler_error('merge needs file_format delta, iceberg or hudi') -%}
    {%- endif -%}
    {%- do return(raw_strategy) -%}
{%- endmacro %}

{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) -%}
    {%- if strategy == 'delete+insert' -%}
        {%- set keys = [unique_key] if unique_key is string else unique_key -%}
        {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='quoted') | join(', ') -%}
        {%- set kept_rows -%}
            select {{ columns }} from {{ target }} as existing
            where not exists (
                select 1 from {{ source }} as batch
                where {% for key in keys %}batch.{{ key }} = existing.{{ key }}{{ ' and ' if not loop.last }}{% endfor %}
            )
            union all
            select {{ columns }} from {{ source }}
        {%- endset -%}
        {{ spark_overwrite_with(target, kept_rows) }}
    {%- elif strategy == 'insert_overwrite' -%}
        {#- the batch usually reads the model itself (affected dates): stage it first -#}
        {%- set side = target.incorporate(path={"identifier": target.identifier ~ '__dbt_batch'}) -%}
        {%- if execute -%}
            {%- do run_query('drop table if exists ' ~ side) -%}
            {%- do run_query('create table ' ~ side ~ ' using parquet as select * from ' ~ source) -%}
        {%- endif -%}
        {{ get_insert_overwrite_sql(side, target, existing) }}
    {%- elif strategy == 'append' -%}
        {{ get_insert_into_sql(source, target) }}
    {%- else -%}
        {{ get_merge_sql(target, source, unique_key, dest_columns=none, incremental_predicates=incremental_predicates) }}
    {%- endif -%}
{%- endmacro %}

{#- Writes the rows of `query` to a side table <target>__dbt_rebuilt (run now), and returns the statement
    that replaces every row of `target` with them (static overwrite: partitions left empty vanish). -#}
{% macro spark_overwrite_with(target, query) -%}
    {%- set side = target.incorporate(path={"identifier": target.identifier ~ '__dbt_rebuilt'}) -%}
    {%- if execute -%}
        {%- do run_query('drop table if exists ' ~ side) -%}
        {%- do run_query('create table ' ~ side ~ ' using parquet as ' ~ query) -%}
        {%- do run_query('set spark.sql.sources.partitionOverwriteMode = static') -%}
    {%- endif -%}
    insert overwrite table {{ target }} select * from {{ side }}
{%- endmacro %}

{#- Post-hook deleting rows of the model: DuckDB deletes them; Spark rewrites the model without them. -#}
{% macro delete_rows_where(alias, condition) -%}
    {{ return(adapter.dispatch('delete_rows_where')(alias, condition)) }}
{%- endmacro %}
{% macro default__delete_rows_where(alias, condition) -%}
    delete from {{ this }} as {{ alias }}
        where {{ condition }}
{%- endmacro %}
{% macro spark__delete_rows_where(alias, condition) -%}
    {%- set kept_rows -%}
        select {{ alias }}.* from {{ this }} as {{ alias }} where not coalesce({{ condition }}, false)
    {%- endset -%}
    {{ spark_overwrite_with(this, kept_rows) }}
{%- endmacro %}

{#- Post-hook of an incremental model deleting its stored rows (alias `stored`) where the condition written in the
    call block holds; a no-op statement on a full build. The block is rendered only on an incremental run: its
    condition may read the model itself. -#}
{% macro delete_stored_rows_where() -%}
    {%- if is_incremental() -%}
        {{ delete_rows_where('stored', caller()) }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
