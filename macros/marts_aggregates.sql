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
    upstream row count no longer matches the stored one (rows that moved to another date or vanished), plus
    the stored dates of companies whose time zone came into force in the window (their upstream rows carry
    that export day in their last export date, so their new dates are in the window already).
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
        -- dates stored for a company whose time zone came into force in the window: its rows move to other dates
        select local_date from {{ this }}
        where company_id in ({{ marts_retimed_companies() }})
        union
        select coalesce(upstream_counts.local_date, stored_counts.local_date) as local_date
        from upstream_counts
        full outer join stored_counts on upstream_counts.local_date = stored_counts.local_date
        where upstream_counts.row_count is distinct from stored_counts.row_count
    )
{%- endmacro %}

{#- Local dates of an event aggregate touched by companies whose time zone came into force in the export window
    (first arrival of the company row, or a change): the dates stored for them (their events move away from
    those) and the dates of their events in the zone now in force. `events` is a CTE of events with
    company_id and the UTC `timestamp_column`. -#}
{% macro marts_retimed_event_dates(events, timestamp_column) -%}
    select stored.local_date from {{ this }} as stored
    where stored.company_id in ({{ marts_retimed_companies() }})
    union
    select {{ local_date(events ~ '.' ~ timestamp_column, 'retimed_zones.timezone') }} as local_date
    from {{ events }}
    inner join {{ ref('int_company_time_zones') }} as retimed_zones on {{ events }}.company_id = retimed_zones.company_id
    where {{ marts_export_window('retimed_zones.timezone_export_date') }}
{%- endmacro %}
