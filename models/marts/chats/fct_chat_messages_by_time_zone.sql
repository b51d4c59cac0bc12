-- The chat graphs' time series in each time-zone view (macros/time_zone_views.sql): the dimensions of
-- fct_chat_messages_daily, dated in the chosen zone. Rebuilt whole: one copy of the messages per view.

with

messages as (
    select *
    from {{ time_zone_view_rows(ref('fct_chat_messages'), 'sent_at', 'local_sent_at') }} as zoned
),

final as (
    select
        time_zone,
        cast(local_sent_at as date) as local_date,
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
        count(*) filter (where is_proactive_message) as proactive_messages
    from messages
    group by all
)

select * from final
