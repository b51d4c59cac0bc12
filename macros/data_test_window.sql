{#- Data tests of a daily run look at the rows of that run, not the whole history (issue 9).

    dbt wraps the model of every generic data test in get_where_subquery(); this override adds the
    export-day window of the run (vars min_date/max_date, as the models use it) when the tested
    relation has an export-date column: export_date or last_export_date exactly, else local_date
    from var test_window_late_days before the window (late rows land on older local dates).
    Relations without those columns (dimensions, small marts) are tested whole. The monthly billing
    run (var billing_month, no min_date) tests the rows of its month in relations with a billing_month
    column: a unique test of the usage is then one month's, not the history's (it ran out of memory on
    the large profile). A run without min_date and billing_month (a plain `dbt build`, a full refresh)
    or with var full_tests = true tests everything. The window is applied when the test runs, so a
    reused manifest serves every day. -#}
{% macro get_where_subquery(relation) -%}
    {%- set filters = [] -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}{%- do filters.append('(' ~ where ~ ')') -%}{%- endif -%}
    {%- set window = data_test_window(relation) -%}
    {%- if window -%}{%- do filters.append(window) -%}{%- endif -%}
    {%- if filters -%}
        (select * from {{ relation }} where {{ filters | join(' and ') }}) dbt_subquery
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}

{#- The window predicate of a data test on relation, or '' when the test covers everything. -#}
{% macro data_test_window(relation) -%}
    {%- if not execute or var('full_tests', false) -%}
        {{ return('') }}
    {%- endif -%}
    {%- if var('min_date', none) is none -%}
        {%- if var('billing_month', none) is not none
            and 'billing_month' in adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') -%}
            {{ return('billing_month = ' ~ billing_run_month()) }}
        {%- endif -%}
        {{ return('') }}
    {%- endif -%}
    {%- set min_date = "date '" ~ var('min_date') ~ "'" -%}
    {%- set max_date = "date '" ~ (var('max_date', none) or var('min_date')) ~ "'" -%}
    {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {%- for column in ['export_date', 'last_export_date'] -%}
        {%- if column in columns -%}
            {{ return(column ~ ' between ' ~ min_date ~ ' and ' ~ max_date) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if 'local_date' in columns -%}
        {{ return('local_date between ' ~ min_date ~ ' - ' ~ var('test_window_late_days', 7) | int
            ~ ' and ' ~ max_date ~ ' + 1') }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
