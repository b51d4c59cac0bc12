-- Chat aggregates summed over a month equal the month's rows of the facts.
with

fact_messages as (
    select
        date_trunc('month', local_date) as local_month,
        company_id,
        count(*) as n
    from {{ ref('fct_chat_messages') }}
    group by 1, 2
),

agg_messages as (
    select
        date_trunc('month', local_date) as local_month,
        company_id,
        sum(messages) as n
    from {{ ref('fct_chat_messages_daily') }}
    group by 1, 2
),

fact_conversations as (
    select
        date_trunc('month', local_date) as local_month,
        company_id,
        count(*) as n
    from {{ ref('fct_conversations') }}
    group by 1, 2
),

agg_conversations as (
    select
        date_trunc('month', local_date) as local_month,
        company_id,
        sum(conversations) as n
    from {{ ref('fct_conversations_daily') }}
    group by 1, 2
),

message_mismatches as (
    select
        'messages' as check_name,
        local_month,
        company_id,
        fact_messages.n as fact_n,
        agg_messages.n as agg_n
    from fact_messages
    full outer join agg_messages using (local_month, company_id)
    where fact_messages.n is distinct from agg_messages.n
),

conversation_mismatches as (
    select
        'conversations' as check_name,
        local_month,
        company_id,
        fact_conversations.n as fact_n,
        agg_conversations.n as agg_n
    from fact_conversations
    full outer join agg_conversations using (local_month, company_id)
    where fact_conversations.n is distinct from agg_conversations.n
)

select * from message_mismatches
union all
select * from conversation_mismatches
