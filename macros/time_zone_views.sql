{#- Time-zone views of a time series (issue 11): the platform pages let the user pick the time zone a chart's
    dates and hours are read in, company-local time by default. A time-series mart carries one copy of its rows
    per time-zone view, in a column `time_zone`: 'Company local time' (each company's own zone, the default)
    and each IANA zone of var `report_time_zones` (default ['UTC']). A dashboard's required "Time zone" filter
    (orchestration/bi/specs/base.py: time_zone_choice) picks one view, so sums never mix two views.
    Cost: rows x (1 + number of report_time_zones); keep that list short (measured in docs/figures.md).

    Use in a model: read the events through time_zone_view_rows, which adds `time_zone` and replaces the local
    timestamp column by the timestamp in the view's zone; group by time_zone as well as by the period. -#}

{#- The value of `time_zone` for company-local time (the default of every Time zone filter). -#}
{% macro company_local_time_zone() -%}
    {{ return('Company local time') }}
{%- endmacro %}

{#- Every time-zone view: company-local time first, then var report_time_zones. -#}
{% macro time_zone_views() -%}
    {{ return([company_local_time_zone()] + var('report_time_zones', ['UTC'])) }}
{%- endmacro %}

{#- The rows of `relation` once per time-zone view: every column but `local_column`, then `time_zone`, then
    `local_column` as the wall-clock timestamp of `utc_column` in the view's zone (company-local time keeps
    the event's own local timestamp); as_date: its date (for a local_date column).
    A from-clause subquery: `from {{ time_zone_view_rows(...) }} as x`. -#}
{% macro time_zone_view_rows(relation, utc_column, local_column, as_date=false) -%}
    {%- set zone_literals = [] -%}
    {%- for zone in time_zone_views() -%}{%- do zone_literals.append("'" ~ zone ~ "'") -%}{%- endfor -%}
    (
        select
            events.{{ star_except([local_column]) }},
            views.time_zone,
            case
                when views.time_zone = '{{ company_local_time_zone() }}' then events.{{ local_column }}
                {#- UTC wall-clock time is the UTC timestamp: no time-zone arithmetic over the whole history #}
                when views.time_zone = 'UTC' then {{ 'cast(events.' ~ utc_column ~ ' as date)' if as_date else 'events.' ~ utc_column }}
                {%- if as_date %}
                    else {{ local_date('events.' ~ utc_column, 'views.time_zone') }}
                {%- else %}
                    else {{ local_timestamp('events.' ~ utc_column, 'views.time_zone') }}
                {%- endif %}
            end as {{ local_column }}
        from {{ relation }} as events
        cross join (
            select {{ unnest_values(zone_literals) }} as time_zone
        ) as views
    )
{%- endmacro %}

{#- CTEs all_rows, the affected-date CTEs of an incremental run (daily_affected_dates_ctes) and rows_to_build of a
    daily aggregate kept in every time-zone view: the rows of `relation` once per view, dated by `local_date` in
    the view's zone; an incremental run builds the dates (in any view) touched by the export window and replaces
    them whole, in every view (unique_key local_date, post-hook delete_vanished_dates over the same view rows). -#}
{% macro time_zone_view_daily_ctes(relation, utc_column, export_column, stored_row_count, incremental) -%}
    {{ daily_aggregate_ctes(
        time_zone_view_rows(relation, utc_column, 'local_date', as_date=true),
        export_column, stored_row_count, 'rows_to_build', incremental) }}
{%- endmacro %}
