{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='chat_id',
        on_schema_change='append_new_columns',
    )
}}

with

messages as {{ not_materialized() }} (
    select * from {{ ref('fct_chat_messages') }}
),

window_chats as (
    select distinct chat_id from messages
    where {{ in_export_window('chat_last_export_date') }}
),

batch as (
    select * from messages
    where chat_id in (select window_chats.chat_id from window_chats)
),

first_user_messages as (
    select
        chat_id,
        min(sent_at) as first_user_message_at
    from batch
    where sender_type = 'user'
    group by chat_id
),

conversations as (
    select
        batch.chat_id,
        {{ ordered_pick('batch.company_id', 'batch.message_seq') }} as company_id,
        {{ ordered_pick('batch.chat_config_id', 'batch.message_seq') }} as chat_config_id,
        {{ ordered_pick('batch.messenger', 'batch.message_seq') }} as messenger,
        {{ ordered_pick('batch.platform', 'batch.message_seq') }} as platform,
        bool_or(batch.is_test_channel) as is_test_channel,
        {{ ordered_pick('batch.sender_type', 'batch.message_seq') }} as opened_by,
        {{ ordered_pick('batch.direction', 'batch.message_seq') }} as opening_direction,
        min(batch.sent_at) as started_at,
        {{ ordered_pick('batch.local_sent_at', 'batch.message_seq') }} as local_started_at,
        max(batch.sent_at) as last_message_at,
        any_value(first_user_messages.first_user_message_at) as first_user_message_at,
        min(batch.sent_at) filter (
            where batch.sender_type = 'operator' and batch.sent_at >= first_user_messages.first_user_message_at
        ) as first_operator_response_at,
        -- the first outbound message after an inbound opening resolves the conversation
        min(batch.sent_at) filter (where batch.direction = 'outbound' and batch.message_seq > 1) as first_reply_at,
        min(batch.local_sent_at) filter (where batch.direction = 'outbound' and batch.message_seq > 1)
            as local_first_reply_at,
        count(*) as message_count,
        count(*) filter (where batch.sender_type = 'user') as user_message_count,
        count(*) filter (where batch.sender_type = 'bot') as bot_message_count,
        count(*) filter (where batch.sender_type = 'operator') as operator_message_count,
        count(*) filter (where batch.is_alice) as alice_message_count,
        count(distinct batch.operator_id) as operator_count,
        -- the operator and bot the chat graphs' filters attribute the conversation to: the operator of the first
        -- response (else the first operator who wrote), the first bot that wrote
        coalesce(
            {{ ordered_pick(
                'batch.operator_id', 'batch.message_seq',
                "batch.sender_type = 'operator' and batch.sent_at >= first_user_messages.first_user_message_at"
            ) }},
            {{ ordered_pick('batch.operator_id', 'batch.message_seq', "batch.sender_type = 'operator'") }}
        ) as operator_id,
        coalesce(
            {{ ordered_pick(
                'batch.operator_group_id', 'batch.message_seq',
                "batch.sender_type = 'operator' and batch.sent_at >= first_user_messages.first_user_message_at"
            ) }},
            {{ ordered_pick('batch.operator_group_id', 'batch.message_seq', "batch.sender_type = 'operator'") }}
        ) as operator_group_id,
        {{ ordered_pick('batch.bot_id', 'batch.message_seq', "batch.sender_type = 'bot'") }} as bot_id,
        max(batch.chat_last_export_date) as last_export_date
    from batch
    left join first_user_messages on batch.chat_id = first_user_messages.chat_id
    group by batch.chat_id
),

final as (
    select
        chat_id,
        company_id,
        chat_config_id,
        messenger,
        platform,
        is_test_channel,
        opened_by,
        opening_direction = 'inbound' as is_inbound_started,
        opening_direction = 'outbound' as is_proactive,
        started_at,
        local_started_at,
        cast(local_started_at as date) as local_date,
        last_message_at,
        first_user_message_at,
        first_operator_response_at,
        {{ seconds_between('first_user_message_at', 'first_operator_response_at') }}
            as first_operator_response_seconds,
        -- resolved: started by an inbound (user) message with at least one outbound message
        opening_direction = 'inbound' and first_reply_at is not null as is_resolved,
        case when opening_direction = 'inbound' then first_reply_at end as resolved_at,
        case when opening_direction = 'inbound' then local_first_reply_at end as local_resolved_at,
        message_count,
        user_message_count,
        bot_message_count,
        operator_message_count,
        alice_message_count,
        operator_count,
        operator_id,
        operator_group_id,
        bot_id,
        user_message_count > 0 as has_customer_messages,
        last_export_date
    from conversations
)

select * from final
