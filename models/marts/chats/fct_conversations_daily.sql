with

conversations as (
    select * from {{ ref('fct_conversations') }}
),

final as (
    select
        local_date,
        company_id,
        chat_config_id,
        messenger,
        platform,
        is_test_channel,
        has_customer_messages,
        count(*) as conversations,
        count(*) filter (where is_inbound_started) as inbound_conversations,
        count(*) filter (where is_resolved) as resolved_conversations,
        count(*) filter (where is_proactive) as proactive_conversations,
        cast(sum(message_count) as bigint) as messages,
        count(first_operator_response_seconds) as conversations_with_operator_response,
        {{ marts_sum_seconds('first_operator_response_seconds') }} as total_first_operator_response_seconds,
        {{ marts_sum_seconds('first_operator_response_seconds') }}
        / nullif(count(first_operator_response_seconds), 0) as avg_first_operator_response_seconds,
        quantile_cont(first_operator_response_seconds, 0.5) as median_first_operator_response_seconds,
        cast(sum(message_count) as double) / count(*) as avg_messages_per_conversation
    from conversations
    group by all
)

select * from final
