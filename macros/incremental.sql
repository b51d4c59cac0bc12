{#- Incremental runs: the export-day window, and the rows a run must recompute besides it (late rows,
    companies whose time zone took effect, dates left empty). -#}

{#- The export-day window of an incremental run, as a predicate on `column` (an export date of the input:
    staging's _export_date, a staging export_date, or the last_export_date carried by an incremental fact);
    `this_column` is the export-date column of the model itself. With vars min_date/max_date (Dagster's
    daily partition) that window is processed, together with any day newer than the last one already
    processed (a run that failed or was skipped leaves no hole: the next daily run catches up); without
    them a plain `dbt build` processes the last processed day again and everything after it. A full
    refresh (or the first run) processes all days. -#}
{% macro in_export_window(column, this_column='last_export_date') -%}
    {%- if is_incremental() -%}
        {%- set last_processed = last_processed_export_date(this_column) -%}
        {%- if var('min_date') is not none -%}
            ({{ column }} between cast('{{ var("min_date") }}' as date)
                and cast('{{ var("max_date") or var("min_date") }}' as date)
                or {{ column }} > {{ last_processed }})
        {%- else -%}
            {{ column }} >= coalesce({{ last_processed }}, cast('1900-01-01' as date))
        {%- endif -%}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The newest export date the model has processed (max of `this_column` in {{ this }}; null when it holds no
    row). Read when the model is compiled for its run and written into its SQL as a date literal: as a
    subquery it hid the window from DuckDB's zone maps, and every row of the history was read to test it (a
    year of notification events: a 1.9 s scan, 0.13 s with the literal). A unit test's `this` is a fixture
    inside the test's query: the subquery stays. -#}
{% macro last_processed_export_date(this_column) -%}
    {%- set newest_sql = '(select max(' ~ this_column ~ ') from ' ~ this ~ ')' -%}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{ return(newest_sql) }}
    {%- endif -%}
    {%- set newest = run_query(
        'select cast(' ~ newest_sql ~ ' as ' ~ dbt.type_string() ~ ')'
    ).columns[0].values()[0] -%}
    {{ return('cast(null as date)' if newest is none else "cast('" ~ newest ~ "' as date)") }}
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

{#- Companies whose time zone came into force inside the export window (their company row arrived for the
    first time, or their time zone changed; see int_company_time_zones): an incremental model recomputes
    their rows so that local dates follow the zone in force, as a full refresh would. A model calling it only
    inside an is_incremental() block declares `-- depends_on: {{ ref('int_company_time_zones') }}`. -#}
{% macro companies_retimed_in_window(this_column='last_export_date') -%}
    select retimed.company_id from {{ ref('int_company_time_zones') }} as retimed
    where {{ in_export_window('retimed.timezone_export_date', this_column) }}
{%- endmacro %}

{#- Local dates of an event aggregate touched by companies whose time zone came into force in the export window
    (first arrival of the company row, or a change): the dates stored for them (their events move away from
    those) and the dates of their events in the zone now in force. `events` is a CTE of events with
    company_id and the UTC `timestamp_column`. -#}
{% macro retimed_event_local_dates(events, timestamp_column) -%}
    select stored.local_date from {{ this }} as stored
    where stored.company_id in ({{ companies_retimed_in_window() }})
    union
    select {{ local_date(events ~ '.' ~ timestamp_column, 'retimed_zones.timezone') }} as local_date
    from {{ events }}
    inner join {{ ref('int_company_time_zones') }} as retimed_zones on {{ events }}.company_id = retimed_zones.company_id
    where {{ in_export_window('retimed_zones.timezone_export_date') }}
{%- endmacro %}

{#- CTEs all_widget_events (the staged widget events matching `event_condition`), time_zones and, in an
    incremental run, affected_dates (the local dates of the window's events and of retimed companies), then
    widget_events: the events a daily widget-event aggregate reads (those near the affected dates, every one on a
    full build). Staged widget events are never replaced or deleted once loaded, so the window's own events give
    the touched dates; the aggregate keeps the rows of the affected dates. -#}
{% macro widget_event_daily_ctes(event_condition) -%}
    all_widget_events as (
        select * from {{ ref('stg_platform__widget_events') }}
        where {{ event_condition }}
    ),

    time_zones as (
        select
            company_id,
            timezone
        from {{ ref('int_company_time_zones') }}
    ),

    {% if is_incremental() %}
        affected_dates as (
            {{ widget_event_window_dates('all_widget_events') }}
        ),
    {% endif %}

    widget_events as (
        select * from all_widget_events
        {% if is_incremental() %}
            where {{ near_affected_dates('occurred_at') }}
        {% endif %}
    )
{%- endmacro %}

{#- Local dates touched by the export window in `events` (a CTE of staged widget events; a CTE time_zones gives
    each company's zone): the dates of the window's events and those of companies retimed in it. -#}
{% macro widget_event_window_dates(events) -%}
    select {{ local_date(events ~ '.occurred_at', 'time_zones.timezone') }} as local_date
    from {{ events }}
    left join time_zones on {{ events }}.company_id = time_zones.company_id
    where {{ in_export_window(events ~ '.export_date') }}
    union
    {{ retimed_event_local_dates(events, 'occurred_at') }}
{%- endmacro %}

{#- Predicate keeping the UTC `timestamp_column` near the CTE affected_dates: a local date spans at most 14 hours
    either side of its UTC date. -#}
{% macro near_affected_dates(timestamp_column) -%}
    {{ timestamp_column }} >= (select min(affected_dates.local_date) - interval 2 day from affected_dates)
    and {{ timestamp_column }} < (select max(affected_dates.local_date) + interval 3 day from affected_dates)
{%- endmacro %}

{#- Post-hook of a daily aggregate of widget events (and of `sessions`, a relation with company_id and local_date, when
    given): a stored date of a company whose time zone came into force in the window is recomputed, but
    delete+insert replaces only the dates that still have rows, so that company's rows are dropped from the dates
    where none of its events (or sessions) falls any more. -#}
{% macro delete_vanished_widget_event_dates(event_condition, sessions=none) -%}
    {%- call delete_stored_rows_where() -%}
        stored.company_id in ({{ companies_retimed_in_window() }})
        and not exists (
            select 1 from {{ ref('stg_platform__widget_events') }} as events
            left join {{ ref('int_company_time_zones') }} as zones on events.company_id = zones.company_id
            where
                events.company_id = stored.company_id
                and {{ event_condition }}
                and {{ local_date('events.occurred_at', 'zones.timezone') }} = stored.local_date
        )
        {%- if sessions is not none %}
            and not exists (
                select 1 from {{ sessions }} as sessions
                where sessions.company_id = stored.company_id and sessions.local_date = stored.local_date
            )
        {%- endif %}
    {%- endcall -%}
{%- endmacro %}

{#- Post-hook of fct_engagement_cumulative: an experience's rows start on its first day of activity; when a company's
    time zone came into force in the window, that day can move later, and the dates left before it (no longer
    rebuilt) are dropped. -#}
{% macro delete_cumulative_dates_before_first_activity() -%}
    {%- call delete_stored_rows_where() -%}
        stored.company_id in ({{ companies_retimed_in_window() }})
        and not exists (
            select 1 from {{ ref('fct_engagement_daily') }} as daily
            where
                daily.company_id = stored.company_id
                and daily.experience_id is not distinct from stored.experience_id
                and daily.local_date <= stored.local_date
        )
    {%- endcall -%}
{%- endmacro %}

{#- CTEs stored_counts, upstream_counts and affected_dates of an incremental daily aggregate: the local
    dates a run recomputes are those of upstream rows in the export window, plus every date whose
    upstream row count no longer matches the stored one (rows that moved to another date or vanished), plus
    the stored dates of companies whose time zone came into force in the window (their upstream rows carry
    that export day in their last export date, so their new dates are in the window already).
    `stored_row_count` is the aggregate expression that counts upstream rows in the stored table. -#}
{% macro daily_affected_dates_ctes(upstream, export_column, stored_row_count) -%}
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
        where {{ in_export_window(export_column) }}
        union
        -- dates stored for a company whose time zone came into force in the window: its rows move to other dates
        select local_date from {{ this }}
        where company_id in ({{ companies_retimed_in_window() }})
        union
        select coalesce(upstream_counts.local_date, stored_counts.local_date) as local_date
        from upstream_counts
        full outer join stored_counts on upstream_counts.local_date = stored_counts.local_date
        where upstream_counts.row_count is distinct from stored_counts.row_count
    )
{%- endmacro %}

{#- CTEs of an incremental daily aggregate over `relation` (its rows carry local_date and `export_column`):
    all_rows (every upstream row), the affected-date CTEs of an incremental run (daily_affected_dates_ctes),
    then `rows_cte`, the rows the run aggregates: every row on a full build, the rows of the affected dates
    otherwise (replaced whole: unique_key local_date, post-hook delete_vanished_dates). -#}
{% macro daily_aggregate_ctes(relation, export_column, stored_row_count, rows_cte, incremental) -%}
    all_rows as {{ not_materialized() }} (
        select * from {{ relation }} as upstream
    ),

    {% if incremental %}
        {{ daily_affected_dates_ctes('all_rows', export_column, stored_row_count) }},
    {% endif %}

    {{ rows_cte }} as (
        select * from all_rows
        {% if incremental %}
            where local_date in (select affected_dates.local_date from affected_dates)
        {% endif %}
    )
{%- endmacro %}

{#- Post-hook of an incremental daily aggregate: a date with no upstream rows left is dropped
    (delete+insert only replaces dates that still have rows). -#}
{% macro delete_vanished_dates(relation, date_column='local_date') -%}
    {%- call delete_stored_rows_where() -%}
        {#- the upstream's distinct dates first: a correlated lookup in every upstream row costs far more -#}
        not exists (
            select 1 from (select distinct {{ date_column }} from {{ relation }} as dated) as upstream
            where upstream.{{ date_column }} = stored.local_date
        )
    {%- endcall -%}
{%- endmacro %}
