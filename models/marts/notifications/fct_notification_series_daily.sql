{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='local_date',
        on_schema_change='fail',
        post_hook=["{{ delete_vanished_dates(time_zone_view_rows(ref('fct_notifications'), 'created_at', 'local_date', as_date=true)) }}"],
    )
}}
{#- The notifications time series in every time-zone view (macros/time_zone_views.sql): one copy of the daily
    counts per view, the dashboard's Time zone filter picks one. Incremental by local date like
    fct_notifications_daily: a run recomputes every date (in any view) touched by the export window and
    replaces those dates whole, in every view. -#}
-- depends_on: {{ ref('int_company_time_zones') }}

with

{{ time_zone_view_daily_ctes(
    ref('fct_notifications'), 'created_at', 'last_export_date', 'sum(notifications_created)', incremental=is_incremental()
) }},

final as (
    select
        time_zone,
        local_date,
        company_id,
        channel,
        status,
        count(*) as notifications_created,
        count(*) filter (where is_sent) as notifications_sent,
        count(*) filter (where status = 'delivered') as notifications_delivered,
        max(last_export_date) as last_export_date
    from rows_to_build
    group by time_zone, local_date, company_id, channel, status
)

select * from final
