{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='local_date',
        on_schema_change='fail',
        post_hook=["{{ delete_vanished_dates(time_zone_view_rows(ref('fct_chat_messages'), 'sent_at', 'local_date', as_date=true)) }}"],
    )
}}
{#- The chat graphs' time series in each time-zone view (macros/time_zone_views.sql): the dimensions of
    fct_chat_messages_daily, dated in the chosen zone. Incremental by local date like
    fct_notification_series_daily: a run recomputes every date (in any view) touched by the export window
    and replaces those dates whole, in every view. -#}
-- depends_on: {{ ref('int_company_time_zones') }}

with

{{ time_zone_view_daily_ctes(
    ref('fct_chat_messages'), 'sent_at', 'chat_last_export_date', 'sum(messages)', incremental=is_incremental()
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
        sender_type,
        coalesce(operator_id, -1) as operator_id,
        coalesce(operator_group_id, -1) as operator_group_id,
        coalesce(bot_id, -1) as bot_id,
        chat_has_customer_messages,
        count(*) as messages,
        count(*) filter (where is_alice) as alice_messages,
        count(*) filter (where is_proactive_message) as proactive_messages,
        max(chat_last_export_date) as last_export_date
    from rows_to_build
    group by all
)

select * from final
