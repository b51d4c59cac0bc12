{#- SQL that DuckDB and Apache Spark spell differently, one macro each through adapter.dispatch: the
    default__ form is DuckDB's (its compiled SQL is unchanged), spark__ is Spark SQL 4. -#}

{#- Milliseconds since the epoch of a timestamp. -#}
{% macro epoch_milliseconds(timestamp_column) -%}
    {{ return(adapter.dispatch('epoch_milliseconds')(timestamp_column)) }}
{%- endmacro %}
{% macro default__epoch_milliseconds(timestamp_column) -%}epoch_ms({{ timestamp_column }}){%- endmacro %}
{% macro spark__epoch_milliseconds(timestamp_column) -%}unix_millis({{ timestamp_column }}){%- endmacro %}

{#- Integer division of non-negative integers (DuckDB //, Spark div). -#}
{% macro integer_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('integer_divide')(numerator, denominator)) }}
{%- endmacro %}
{% macro default__integer_divide(numerator, denominator) -%}{{ numerator }} // {{ denominator }}{%- endmacro %}
{% macro spark__integer_divide(numerator, denominator) -%}{{ numerator }} div {{ denominator }}{%- endmacro %}

{#- Every column of a relation but some (DuckDB exclude, Spark except). -#}
{% macro star_except(columns) -%}
    {{ return(adapter.dispatch('star_except')(columns)) }}
{%- endmacro %}
{% macro default__star_except(columns) -%}* exclude ({{ columns | join(', ') }}){%- endmacro %}
{% macro spark__star_except(columns) -%}* except ({{ columns | join(', ') }}){%- endmacro %}

{#- The type of text (Spark refuses a VARCHAR without length). -#}
{% macro text_type() -%}
    {{ return(adapter.dispatch('text_type')()) }}
{%- endmacro %}
{% macro default__text_type() -%}varchar{%- endmacro %}
{% macro spark__text_type() -%}string{%- endmacro %}

{#- 'YYYY-MM' of a date. -#}
{% macro year_month_text(date_column) -%}
    {{ return(adapter.dispatch('year_month_text')(date_column)) }}
{%- endmacro %}
{% macro default__year_month_text(date_column) -%}strftime({{ date_column }}, '%Y-%m'){%- endmacro %}
{% macro spark__year_month_text(date_column) -%}date_format({{ date_column }}, 'yyyy-MM'){%- endmacro %}

{#- The current UTC time as a timestamp without time zone. -#}
{% macro utc_now() -%}
    {{ return(adapter.dispatch('utc_now')()) }}
{%- endmacro %}
{% macro default__utc_now() -%}timezone('UTC', now()){%- endmacro %}
{% macro spark__utc_now() -%}current_timestamp(){%- endmacro %}

{#- An interval of a whole number of days. -#}
{% macro days_interval(days) -%}
    {{ return(adapter.dispatch('days_interval')(days)) }}
{%- endmacro %}
{% macro default__days_interval(days) -%}to_days({{ days }}){%- endmacro %}
{% macro spark__days_interval(days) -%}make_interval(0, 0, 0, {{ days }}){%- endmacro %}

{#- A named part of a date: iso_year, iso_week, iso_day_of_week (1 = Monday), day_name, month_name. -#}
{% macro calendar_part(part, date_column) -%}
    {{ return(adapter.dispatch('calendar_part')(part, date_column)) }}
{%- endmacro %}
{% macro default__calendar_part(part, date_column) -%}
    {{ {'iso_year': 'isoyear', 'iso_week': 'week', 'iso_day_of_week': 'isodow', 'day_name': 'dayname',
        'month_name': 'monthname'}[part] }}({{ date_column }})
{%- endmacro %}
{% macro spark__calendar_part(part, date_column) -%}
    {%- if part == 'day_name' -%}date_format({{ date_column }}, 'EEEE')
    {%- elif part == 'month_name' -%}date_format({{ date_column }}, 'MMMM')
    {%- else -%}extract({{ {'iso_year': 'yearofweek', 'iso_week': 'week', 'iso_day_of_week': 'dayofweek_iso'}[part] }} from {{ date_column }})
    {%- endif -%}
{%- endmacro %}

{#- A table `alias` (column `column_name`) of the timestamps from `start` (inclusive) to `stop` (exclusive),
    one day apart. -#}
{% macro day_range(start, stop, alias, column_name) -%}
    {{ return(adapter.dispatch('day_range')(start, stop, alias, column_name)) }}
{%- endmacro %}
{% macro default__day_range(start, stop, alias, column_name) -%}
range(
        {{ start }},
        {{ stop }},
        interval 1 day
    ) as {{ alias }} ({{ column_name }})
{%- endmacro %}
{% macro spark__day_range(start, stop, alias, column_name) -%}
    (select explode(sequence({{ start }}, {{ stop }} - interval 1 day, interval 1 day)) as {{ column_name }}) as {{ alias }}
{%- endmacro %}

{#- The value of `value_column` on the row with the largest `order_column` of a group. -#}
{% macro arg_max_of(value_column, order_column) -%}
    {{ return(adapter.dispatch('arg_max_of')(value_column, order_column)) }}
{%- endmacro %}
{% macro default__arg_max_of(value_column, order_column) -%}arg_max({{ value_column }}, {{ order_column }}){%- endmacro %}
{% macro spark__arg_max_of(value_column, order_column) -%}max_by({{ value_column }}, {{ order_column }}){%- endmacro %}

{#- One row per element of a list of SQL expressions (a select-list item). -#}
{% macro unnest_values(values) -%}
    {{ return(adapter.dispatch('unnest_values')(values)) }}
{%- endmacro %}
{% macro default__unnest_values(values) -%}unnest([{{ values | join(', ') }}]){%- endmacro %}
{% macro spark__unnest_values(values) -%}explode(array({{ values | join(', ') }})){%- endmacro %}

{#- One row per day from first_date to last_date inclusive (a select-list item of type date). -#}
{% macro date_series(first_date, last_date) -%}
    {{ return(adapter.dispatch('date_series')(first_date, last_date)) }}
{%- endmacro %}
{% macro default__date_series(first_date, last_date) -%}
    cast(unnest(generate_series({{ first_date }}, {{ last_date }}, interval 1 day)) as date)
{%- endmacro %}
{% macro spark__date_series(first_date, last_date) -%}
    explode(sequence(cast({{ first_date }} as date), cast({{ last_date }} as date), interval 1 day))
{%- endmacro %}

{#- One row per key of a JSON object held as text (a select-list item). -#}
{% macro unnest_json_keys(json_column) -%}
    {{ return(adapter.dispatch('unnest_json_keys')(json_column)) }}
{%- endmacro %}
{% macro default__unnest_json_keys(json_column) -%}unnest(json_keys({{ json_column }})){%- endmacro %}
{% macro spark__unnest_json_keys(json_column) -%}explode(json_object_keys({{ json_column }})){%- endmacro %}

{#- Text value of the key named by `key_expression` of a JSON object held as text. -#}
{% macro json_text_at_key(json_column, key_expression) -%}
    {{ return(adapter.dispatch('json_text_at_key')(json_column, key_expression)) }}
{%- endmacro %}
{% macro default__json_text_at_key(json_column, key_expression) -%}
    json_extract_string({{ json_column }}, '$."' || {{ key_expression }} || '"')
{%- endmacro %}
{% macro spark__json_text_at_key(json_column, key_expression) -%}
    get_json_object({{ json_column }}, concat('$[\'', {{ key_expression }}, '\']'))
{%- endmacro %}

{#- sha256 of text, lowercase hex. -#}
{% macro sha256_hex(text) -%}
    {{ return(adapter.dispatch('sha256_hex')(text)) }}
{%- endmacro %}
{% macro default__sha256_hex(text) -%}sha256({{ text }}){%- endmacro %}
{% macro spark__sha256_hex(text) -%}sha2({{ text }}, 256){%- endmacro %}

{#- Texts of a group joined by a separator in a given order. -#}
{% macro ordered_string_agg(text, separator, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg')(text, separator, order_by)) }}
{%- endmacro %}
{% macro default__ordered_string_agg(text, separator, order_by) -%}
    string_agg({{ text }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}
{% macro spark__ordered_string_agg(text, separator, order_by) -%}
    string_agg({{ text }}, {{ separator }}) within group (order by {{ order_by }})
{%- endmacro %}

{#- A query that fails with a message (DuckDB error(), Spark raise_error()). -#}
{% macro raise_sql_error(message) -%}
    {{ return(adapter.dispatch('raise_sql_error')(message)) }}
{%- endmacro %}
{% macro default__raise_sql_error(message) -%}error({{ message }}){%- endmacro %}
{% macro spark__raise_sql_error(message) -%}raise_error({{ message }}){%- endmacro %}

{#- A table of the billing ledger (DuckDB: the attached file `ledger`; Spark: the database `ledger`). -#}
{% macro ledger_table(name) -%}
    {{ return(adapter.dispatch('ledger_table')(name)) }}
{%- endmacro %}
{% macro default__ledger_table(name) -%}ledger.main.{{ name }}{%- endmacro %}
{% macro spark__ledger_table(name) -%}ledger.{{ name }}{%- endmacro %}

{#- A column definition of a ledger table (Spark's Parquet tables enforce neither keys nor not null: the
    ledger's writers append only rows they checked). -#}
{% macro ledger_column(name, type, constraint='') -%}
    {{ return(adapter.dispatch('ledger_column')(name, type, constraint)) }}
{%- endmacro %}
{% macro default__ledger_column(name, type, constraint='') -%}{{ name }} {{ type }}{{ constraint }}{%- endmacro %}
{% macro spark__ledger_column(name, type, constraint='') -%}
    {{ name }} {{ 'string' if type == 'varchar' else type }}
{%- endmacro %}

{#- The value of the first (pick='first') or last row of a group in the order `order_by` (DuckDB's
    first/last(value order by ...), nulls last by default), optionally of the rows matching `filter`
    (a where-clause, without `where`). Spark has no ordered first/last: it sorts the group's rows. -#}
{% macro ordered_pick(value, order_by, filter=none, pick='first') -%}
    {{ return(adapter.dispatch('ordered_pick')(value, order_by, filter, pick)) }}
{%- endmacro %}
{% macro default__ordered_pick(value, order_by, filter=none, pick='first') -%}
    {{ pick }}({{ value }} order by {{ order_by }}){% if filter %} filter (where {{ filter }}){% endif %}
{%- endmacro %}
{% macro spark__ordered_pick(value, order_by, filter=none, pick='first') -%}
    {%- set keys = [] -%}
    {%- for part in order_by.split(',') -%}
        {%- set words = part.strip().split() -%}
        {%- set lowered = words | map('lower') | list -%}
        {%- set descending = 'desc' in lowered -%}
        {%- set nulls_last = not ('nulls' in lowered and 'first' in lowered) -%}
        {%- set expression = words | reject('in', ['asc', 'desc', 'nulls', 'last', 'first', 'ASC', 'DESC', 'NULLS', 'LAST', 'FIRST']) | join(' ') -%}
        {%- if pick == 'last' -%}
            {%- set descending, nulls_last = not descending, not nulls_last -%}
        {%- endif -%}
        {%- do keys.append((expression, descending, nulls_last)) -%}
    {%- endfor -%}
    get(array_sort(
        collect_list(named_struct('v', {{ value }}
            {%- for expression, descending, nulls_last in keys %}, 'k{{ loop.index }}', {{ expression }}{% endfor -%}
        )){% if filter %} filter (where {{ filter }}){% endif %},
        (l, r) -> case
            {%- for expression, descending, nulls_last in keys %}
            {%- set k = 'k' ~ loop.index %}
            when l.{{ k }} is null and r.{{ k }} is not null then {{ 1 if nulls_last else -1 }}
            when l.{{ k }} is not null and r.{{ k }} is null then {{ -1 if nulls_last else 1 }}
            when l.{{ k }} < r.{{ k }} then {{ 1 if descending else -1 }}
            when l.{{ k }} > r.{{ k }} then {{ -1 if descending else 1 }}
            {%- endfor %}
            else 0 end
    ), 0).v
{%- endmacro %}

{#- dbt's cast (model contracts' declared types): Spark spells a text type without length `string`. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ 'string' if type | trim | lower == 'varchar' else type }})
{%- endmacro %}

{#- DuckDB's ASOF LEFT JOIN: each left row joined to the one row of `relation` that matches `condition`
    (an equality and `left >= alias.order_column`) with the greatest order_column. Spark: a lateral
    subquery keeping that row. -#}
{% macro asof_left_join(relation, alias, condition, order_column) -%}
    {{ return(adapter.dispatch('asof_left_join')(relation, alias, condition, order_column)) }}
{%- endmacro %}
{% macro default__asof_left_join(relation, alias, condition, order_column) -%}
    asof left join {{ relation }} as {{ alias }}
        on {{ condition }}
{%- endmacro %}
{% macro spark__asof_left_join(relation, alias, condition, order_column) -%}
    left join lateral (
        select * from {{ relation }} as {{ alias }}
        where {{ condition }}
        order by {{ alias }}.{{ order_column }} desc
        limit 1
    ) as {{ alias }}
{%- endmacro %}

{#- Last non-null value of a window frame. -#}
{% macro last_value_ignoring_nulls(value) -%}
    {{ return(adapter.dispatch('last_value_ignoring_nulls')(value)) }}
{%- endmacro %}
{% macro default__last_value_ignoring_nulls(value) -%}last_value({{ value }} ignore nulls){%- endmacro %}
{% macro spark__last_value_ignoring_nulls(value) -%}last_value({{ value }}, true){%- endmacro %}

{#- Continuous quantile (linear interpolation) of a group. -#}
{% macro quantile_continuous(value, fraction) -%}
    {{ return(adapter.dispatch('quantile_continuous')(value, fraction)) }}
{%- endmacro %}
{% macro default__quantile_continuous(value, fraction) -%}quantile_cont({{ value }}, {{ fraction }}){%- endmacro %}
{% macro spark__quantile_continuous(value, fraction) -%}percentile({{ value }}, {{ fraction }}){%- endmacro %}

{#- An interval of a whole number of months. -#}
{% macro months_interval(months) -%}
    {{ return(adapter.dispatch('months_interval')(months)) }}
{%- endmacro %}
{% macro default__months_interval(months) -%}to_months({{ months }}){%- endmacro %}
{% macro spark__months_interval(months) -%}make_interval(0, {{ months }}){%- endmacro %}

{#- ORDER BY clause keeping the rows of a seed in file order (DuckDB's rowid; a Spark seed is one Parquet
    file, read in order). -#}
{% macro seed_file_order(alias) -%}
    {{ return(adapter.dispatch('seed_file_order')(alias)) }}
{%- endmacro %}
{% macro default__seed_file_order(alias) -%}{{ return(' order by ' ~ alias ~ '.rowid') }}{%- endmacro %}
{% macro spark__seed_file_order(alias) -%}{%- endmacro %}

{#- A double cast to bigint as DuckDB does it: rounded half to even (Spark's cast truncates). -#}
{% macro double_to_bigint(value) -%}
    {{ return(adapter.dispatch('double_to_bigint')(value)) }}
{%- endmacro %}
{% macro default__double_to_bigint(value) -%}cast({{ value }} as bigint){%- endmacro %}
{% macro spark__double_to_bigint(value) -%}cast(bround({{ value }}, 0) as bigint){%- endmacro %}

{#- An empty list (DuckDB []; Spark array(), whose element type follows the other branch of a coalesce). -#}
{% macro empty_list() -%}
    {{ return(adapter.dispatch('empty_list')()) }}
{%- endmacro %}
{% macro default__empty_list() -%}[]{%- endmacro %}
{% macro spark__empty_list() -%}array(){%- endmacro %}

{#- A list of texts trimmed, without blanks and repeats, sorted (null stays null). -#}
{% macro tidy_text_list(list_column) -%}
    {{ return(adapter.dispatch('tidy_text_list')(list_column)) }}
{%- endmacro %}
{% macro default__tidy_text_list(list_column) -%}
    list_sort(list_distinct(list_filter(list_transform({{ list_column }}, tag -> trim(tag)), tag -> tag <> '')))
{%- endmacro %}
{% macro spark__tidy_text_list(list_column) -%}
    array_sort(array_distinct(filter(transform({{ list_column }}, tag -> trim(tag)), tag -> tag <> '')))
{%- endmacro %}

{#- The distinct values of a group as a sorted list, of the rows matching `filter` (a where-clause, without
    `where`); a null value is kept once, last (DuckDB's order). No row matching: DuckDB null, Spark an empty list
    (coalesce with empty_list() for one result). Spark's collect_set drops nulls: one is appended when any. -#}
{% macro sorted_distinct_list(value, filter) -%}
    {{ return(adapter.dispatch('sorted_distinct_list')(value, filter)) }}
{%- endmacro %}
{% macro default__sorted_distinct_list(value, filter) -%}
    list(distinct {{ value }} order by {{ value }}) filter (where {{ filter }})
{%- endmacro %}
{% macro spark__sorted_distinct_list(value, filter) -%}
    concat(
        array_sort(collect_set({{ value }}) filter (where {{ filter }})),
        if(count_if(({{ filter }}) and {{ value }} is null) > 0, array(null), array())
    )
{%- endmacro %}

{#- One row per element of a list column (a select-list item; an empty or null list gives no row). -#}
{% macro unnest_list(list_column) -%}
    {{ return(adapter.dispatch('unnest_list')(list_column)) }}
{%- endmacro %}
{% macro default__unnest_list(list_column) -%}unnest({{ list_column }}){%- endmacro %}
{% macro spark__unnest_list(list_column) -%}explode({{ list_column }}){%- endmacro %}

{#- Month boundaries crossed from a date to another (DuckDB's datediff('month'): 31 Jan to 1 Feb is 1). Spark's
    datediff/timestampdiff with a unit counts whole months instead (0 there): the difference of month numbers. -#}
{% macro month_boundaries_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('month_boundaries_between')(start_date, end_date)) }}
{%- endmacro %}
{% macro default__month_boundaries_between(start_date, end_date) -%}
    datediff('month', {{ start_date }}, {{ end_date }})
{%- endmacro %}
{% macro spark__month_boundaries_between(start_date, end_date) -%}
    ((year({{ end_date }}) * 12 + month({{ end_date }})) - (year({{ start_date }}) * 12 + month({{ start_date }})))
{%- endmacro %}

{#- Keyword of a CTE that an incremental run reads again at each reference, not materialized: DuckDB materializes
    a CTE referenced more than once (every column of every row of the history, where each reference then keeps a
    few days), while inlined each reference scans only its columns and prunes by its filters. A full build reads
    every row at each reference anyway: it keeps DuckDB's choice. Spark inlines CTEs anyway. -#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized')()) }}
{%- endmacro %}
{% macro default__not_materialized() -%}{{ 'not materialized' if is_incremental() }}{%- endmacro %}
{% macro spark__not_materialized() -%}{%- endmacro %}

{#- The values of a group as a sorted list (an aggregate; the values are distinct already, none null). -#}
{% macro sorted_list(value) -%}
    {{ return(adapter.dispatch('sorted_list')(value)) }}
{%- endmacro %}
{% macro default__sorted_list(value) -%}list_sort(list({{ value }})){%- endmacro %}
{% macro spark__sorted_list(value) -%}array_sort(collect_list({{ value }})){%- endmacro %}

{#- `value` is one of the values of `column` in the rows of `relation` meeting `condition` (a short list: a run's
    affected periods). DuckDB tests it against one list read once: an IN-subquery there becomes a semi join that
    can put the large side in its hash table, which does not spill (a year of rows ran out of memory). -#}
{% macro in_short_list(value, column, relation, condition) -%}
    {{ return(adapter.dispatch('in_short_list')(value, column, relation, condition)) }}
{%- endmacro %}
{% macro default__in_short_list(value, column, relation, condition) -%}
    list_contains((select list({{ column }}) from {{ relation }} where {{ condition }}), {{ value }})
{%- endmacro %}
{% macro spark__in_short_list(value, column, relation, condition) -%}
    {{ value }} in (select {{ column }} from {{ relation }} where {{ condition }})
{%- endmacro %}
