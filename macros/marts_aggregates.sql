{#- Post-hook of an incremental daily aggregate: a date with no upstream rows left is dropped
    (delete+insert only replaces dates that still have rows). -#}
{% macro marts_drop_vanished_dates(relation, date_column='local_date') -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as stored
        where not exists (
            select 1 from {{ relation }} as upstream where upstream.{{ date_column }} = stored.local_date
        )
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- CTEs stored_counts, upstream_counts and affected_dates of an incremental daily aggregate: the local
    dates a run recomputes are those of upstream rows in the export window, plus every date whose
    upstream row count no longer matches the stored one (rows that moved to another date or vanished).
    `stored_row_count` is the aggregate expression that counts upstream rows in the stored table. -#}
{% macro marts_affected_dates(upstream, export_column, stored_row_count) -%}
    stored_counts as (
        select
            local_date,
            {{ stored_row_count }} as row_count
        from {{ this }}
        group by local_date
    ),

    upstream_counts as (
        select
            local_date,
            count(*) as row_count
        from {{ upstream }}
        group by local_date
    ),

    affected_dates as (
        select local_date from {{ upstream }}
        where {{ marts_export_window(export_column) }}
        union
        select coalesce(upstream_counts.local_date, stored_counts.local_date) as local_date
        from upstream_counts
        full outer join stored_counts on upstream_counts.local_date = stored_counts.local_date
        where upstream_counts.row_count is distinct from stored_counts.row_count
    )
{%- endmacro %}
