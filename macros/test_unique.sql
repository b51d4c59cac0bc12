{#- dbt's `unique` test on DuckDB, same result (the duplicated values and their counts), less memory.

    dbt's own test groups the whole column by its values: on the large history (100M usage ids of about
    50 characters) that hash table did not fit in memory. This one groups 8-byte hashes first, then
    re-counts by value only the rows whose hash occurs more than once (duplicates, and the rare hash
    collisions, which the second grouping tells apart). -#}
{% macro duckdb__test_unique(model, column_name) %}

with

hashed as (
    select hash({{ column_name }}) as value_hash
    from {{ model }}
    where {{ column_name }} is not null
),

repeated_hashes as (
    select value_hash
    from hashed
    group by value_hash
    having count(*) > 1
),

candidates as (
    select {{ column_name }} as unique_field
    from {{ model }}
    where
        {{ column_name }} is not null
        and hash({{ column_name }}) in (select repeated_hashes.value_hash from repeated_hashes)
)

select
    unique_field,
    count(*) as n_records
from candidates
group by unique_field
having count(*) > 1

{% endmacro %}
