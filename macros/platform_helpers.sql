{#- Local calendar date of a UTC timestamp in an IANA time zone (daily figures use the company's date). -#}
{% macro local_timestamp(utc_column, timezone_column) -%}
    timezone(coalesce({{ timezone_column }}, 'UTC'), timezone('UTC', {{ utc_column }}))
{%- endmacro %}

{% macro local_date(utc_column, timezone_column) -%}
    cast({{ local_timestamp(utc_column, timezone_column) }} as date)
{%- endmacro %}

{#- Export-day window of an incremental run. With vars min_date/max_date (Dagster's daily partition)
    that window is processed, together with any day newer than the last one already processed (a run
    that failed or was skipped leaves no hole: the next daily run catches up); without them a plain
    `dbt build` processes the last loaded day again and everything after it. A full refresh processes
    all days. -#}
{% macro export_day_window(column='_export_date') -%}
    {%- if is_incremental() -%}
        {%- if var('min_date') is not none -%}
            ({{ column }} between cast('{{ var("min_date") }}' as date)
                and cast('{{ var("max_date") or var("min_date") }}' as date)
                or {{ column }} > (select max(export_date) from {{ this }}))
        {%- else -%}
            {{ column }} >= (select coalesce(max(export_date), date '1900-01-01') from {{ this }})
        {%- endif -%}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Keys of an incremental batch that were already first seen on an earlier export day stay as
    they are: a later duplicate of a row never replaces the original (full refresh keeps the first too). -#}
{% macro not_seen_before(key_column, batch_alias='batch') -%}
    {%- if is_incremental() -%}
        not exists (
            select 1 from {{ this }} as existing
            where existing.{{ key_column }} = {{ batch_alias }}.{{ key_column }}
                and existing.export_date < {{ batch_alias }}.export_date
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
