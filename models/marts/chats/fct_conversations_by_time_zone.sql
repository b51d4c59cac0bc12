{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='local_date',
        on_schema_change='fail',
        post_hook=["{{ delete_vanished_dates(time_zone_view_rows(ref('fct_conversations'), 'started_at', 'local_date', as_date=true)) }}"],
    )
}}
{#- The chat graphs' conversation series in each time-zone view (macros/time_zone_views.sql): the dimensions
    of fct_conversations_daily, dated by the conversation's start in the chosen zone. Incremental by local
    date like fct_notification_series_daily: a run recomputes every date (in any view) touched by the export
    window and replaces those dates whole, in every view. -#}
-- depends_on: {{ ref('int_company_time_zones') }}

with

{{ time_zone_view_daily_ctes(
    ref('fct_conversations'), 'started_at', 'last_export_date', 'sum(conversations)', incremental=is_incremental()
) }},

final as (
    select
        time_zone,
        local_date,
        company_id,
        chat_config_id,
        messenger,
        platform,
        is_test_channel,
        coalesce(operator_id, -1) as operator_id,
        coalesce(operator_group_id, -1) as operator_group_id,
        coalesce(bot_id, -1) as bot_id,
        has_customer_messages as chat_has_customer_messages,
        count(*) as conversations,
        count(*) filter (where is_resolved) as resolved_conversations,
        count(first_operator_response_seconds) as conversations_with_operator_response,
        {{ sum_seconds_exact('first_operator_response_seconds') }} as total_first_operator_response_seconds,
        max(last_export_date) as last_export_date
    from rows_to_build
    group by all
)

select * from final
