with

messages as (
    select * from {{ ref('fct_chat_messages') }}
),

final as (
    select
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
        count(*) filter (where not is_alice) as non_alice_messages,
        count(*) filter (where is_alice) as alice_messages,
        count(*) filter (where is_first_bot_message) as first_bot_messages,
        count(*) filter (where is_proactive_message) as proactive_messages,
        count(*) filter (where is_conversation_opener) as conversations_opened,
        count(distinct chat_id) as conversations_with_messages
    from messages
    group by all
)

select * from final
