-- The chat graphs' conversation series in each time-zone view (macros/time_zone_views.sql): the dimensions of
-- fct_conversations_daily, dated by the conversation's start in the chosen zone. Rebuilt whole.

with

conversations as (
    select *
    from {{ time_zone_view_rows(ref('fct_conversations'), 'started_at', 'local_started_at') }} as zoned
),

final as (
    select
        time_zone,
        cast(local_started_at as date) as local_date,
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
        {{ sum_seconds_exact('first_operator_response_seconds') }} as total_first_operator_response_seconds
    from conversations
    group by all
)

select * from final
