{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='local_date',
        on_schema_change='fail',
        post_hook=["{{ delete_vanished_dates(time_zone_view_rows(ref('fct_chat_messages'), 'sent_at', 'local_date', as_date=true)) }}"],
    )
}}
{#- The chat messages of a day per contact (chat) and agent, in every time-zone view: what account usage counts
    distinct contacts, agents and channels of a day, week, month, quarter or year from, without re-reading every
    message of the period (a contact's messages of a day are one row here). Incremental by local date like
    fct_notification_series_daily: a run recomputes every date (in any view) touched by the export window. -#}
-- depends_on: {{ ref('int_company_time_zones') }}

with

{{ time_zone_view_daily_ctes(
    ref('fct_chat_messages'), 'sent_at', 'export_date', 'sum(messages)', incremental=is_incremental()
) }},

final as (
    select
        time_zone,
        local_date,
        company_id,
        platform,
        chat_config_id,
        is_test_channel,
        chat_id,
        -- the operator who wrote (-1: a message of the contact or a bot)
        case when sender_type = 'operator' then coalesce(operator_id, -1) else -1 end as agent_id,
        count(*) as messages,
        count(*) filter (where direction = 'inbound') as inbound_messages,
        count(*) filter (where direction = 'outbound') as outbound_messages,
        count(*) filter (where is_proactive_api and direction = 'outbound') as proactive_messages,
        max(export_date) as last_export_date
    from rows_to_build
    group by all
)

select * from final
