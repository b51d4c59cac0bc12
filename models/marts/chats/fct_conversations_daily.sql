{{ config(post_hook=["{{ delete_vanished_dates(ref('fct_conversations')) }}"]) }}
{#- Incremental by local date: a run recomputes every local date touched by the export window (all
    conversations of those dates, late ones included) and replaces those dates whole. -#}
-- depends_on: {{ ref('int_company_time_zones') }}

with

{{ daily_aggregate_ctes(
    ref('fct_conversations'), 'last_export_date', 'sum(conversations)', 'conversations', is_incremental()
) }},

final as (
    select
        local_date,
        company_id,
        chat_config_id,
        messenger,
        platform,
        is_test_channel,
        -- the operator and bot filters of the chat graphs reach conversations through these (-1 = none)
        coalesce(operator_id, -1) as operator_id,
        coalesce(operator_group_id, -1) as operator_group_id,
        coalesce(bot_id, -1) as bot_id,
        has_customer_messages as chat_has_customer_messages,
        count(*) as conversations,
        count(*) filter (where is_inbound_started) as inbound_conversations,
        count(*) filter (where is_resolved) as resolved_conversations,
        count(*) filter (where is_proactive) as proactive_conversations,
        cast(sum(message_count) as bigint) as messages,
        count(first_operator_response_seconds) as conversations_with_operator_response,
        {{ sum_seconds_exact('first_operator_response_seconds') }} as total_first_operator_response_seconds,
        {{ sum_seconds_exact('first_operator_response_seconds') }}
        / nullif(count(first_operator_response_seconds), 0) as avg_first_operator_response_seconds,
        {{ quantile_continuous('first_operator_response_seconds', 0.5) }} as median_first_operator_response_seconds,
        cast(sum(message_count) as double) / count(*) as avg_messages_per_conversation,
        max(last_export_date) as last_export_date
    from conversations
    group by all
)

select * from final
