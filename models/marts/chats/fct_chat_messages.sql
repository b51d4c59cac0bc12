{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='message_id',
        on_schema_change='append_new_columns',
    )
}}

with

chat_messages as {{ not_materialized() }} (
    select * from {{ ref('stg_platform__chat_messages') }}
),

time_zones as (
    select
        company_id,
        timezone,
        timezone_export_date
    from {{ ref('int_company_time_zones') }}
),

chat_configs as (
    select
        chat_config_id,
        platform,
        is_test
    from {{ ref('dim_chat_configs') }}
),

operators as (
    select
        operator_id,
        operator_group_id
    from {{ ref('dim_operators') }}
),

window_chats as (
    -- conversation-level flags change when any message of the chat arrives (late ones included):
    -- every message of a touched conversation is recomputed; so is every chat of a company whose time zone
    -- came into force in the window (its local times move)
    select distinct chat_id from chat_messages
    where
        {{ in_export_window('export_date', this_column='export_date') }}
        or company_id in ({{ companies_retimed_in_window(this_column='export_date') }})
),

batch as (
    select * from chat_messages
    where chat_id in (select window_chats.chat_id from window_chats)
),

enriched as (
    select
        batch.*,
        {{ local_timestamp('batch.sent_at', 'time_zones.timezone') }} as local_sent_at,
        case
            when batch.sender_type = 'user' then 'inbound'
            when batch.sender_type in ('bot', 'operator') then 'outbound'
            else 'unknown'
        end as direction,
        coalesce(chat_configs.platform, batch.messenger) as platform,
        coalesce(chat_configs.is_test, false) as is_test_channel,
        operators.operator_group_id,
        row_number() over (partition by batch.chat_id order by batch.sent_at, batch.message_id) as message_seq,
        count(*) filter (where batch.sender_type = 'user') over (partition by batch.chat_id) > 0
            as chat_has_customer_messages,
        -- the last export day that changed the chat: one of its messages, or its company's time zone
        greatest(
            max(batch.export_date) over (partition by batch.chat_id),
            max(time_zones.timezone_export_date) over (partition by batch.chat_id)
        ) as chat_last_export_date
    from batch
    left join time_zones on batch.company_id = time_zones.company_id
    left join chat_configs on batch.chat_config_id = chat_configs.chat_config_id
    left join operators on batch.operator_id = operators.operator_id
),

final as (
    select
        message_id,
        chat_id,
        company_id,
        chat_config_id,
        messenger,
        platform,
        is_test_channel,
        sender_type,
        direction,
        operator_id,
        operator_group_id,
        bot_id,
        coalesce(is_first_bot_message, false) as is_first_bot_message,
        messenger = 'alice' as is_alice,
        coalesce(is_proactive, false) as is_proactive_api,
        message_seq,
        message_seq = 1 as is_conversation_opener,
        -- proactive message: an outbound message that opens the conversation (or sent through the proactive API)
        direction = 'outbound' and (message_seq = 1 or coalesce(is_proactive, false)) as is_proactive_message,
        chat_has_customer_messages,
        text_length,
        sent_at,
        local_sent_at,
        cast(local_sent_at as date) as local_date,
        cast(extract(hour from local_sent_at) as integer) as local_hour,
        export_date,
        chat_last_export_date
    from enriched
)

select * from final
