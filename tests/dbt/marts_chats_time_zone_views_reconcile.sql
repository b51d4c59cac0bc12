-- The company-local view of the Chats dashboard's marts equals the daily marts day by day; every other
-- time-zone view holds the same totals per company (the same messages and conversations, dated otherwise).
with

zoned_messages as (
    select
        time_zone,
        local_date,
        company_id,
        sum(messages) as n
    from {{ ref('fct_chat_messages_by_time_zone') }}
    group by 1, 2, 3
),

daily_messages as (
    select
        local_date,
        company_id,
        sum(messages) as n
    from {{ ref('fct_chat_messages_daily') }}
    group by 1, 2
),

zoned_conversations as (
    select
        time_zone,
        local_date,
        company_id,
        sum(conversations) as n
    from {{ ref('fct_conversations_by_time_zone') }}
    group by 1, 2, 3
),

daily_conversations as (
    select
        local_date,
        company_id,
        sum(conversations) as n
    from {{ ref('fct_conversations_daily') }}
    group by 1, 2
),

local_messages as (
    select * from zoned_messages
    where time_zone = '{{ company_local_time_zone() }}'
),

local_conversations as (
    select * from zoned_conversations
    where time_zone = '{{ company_local_time_zone() }}'
),

local_mismatches as (
    select
        'messages' as check_name,
        local_date,
        company_id
    from local_messages
    full outer join daily_messages using (local_date, company_id)
    where local_messages.n is distinct from daily_messages.n
    union all
    select
        'conversations' as check_name,
        local_date,
        company_id
    from local_conversations
    full outer join daily_conversations using (local_date, company_id)
    where local_conversations.n is distinct from daily_conversations.n
),

view_totals as (
    select
        'messages' as check_name,
        time_zone,
        company_id,
        sum(n) as n
    from zoned_messages
    group by 1, 2, 3
    union all
    select
        'conversations' as check_name,
        time_zone,
        company_id,
        sum(n) as n
    from zoned_conversations
    group by 1, 2, 3
),

view_mismatches as (
    -- a company whose views disagree on its total
    select
        check_name,
        company_id
    from view_totals
    group by 1, 2
    having count(distinct n) > 1
)

select * from local_mismatches
union all
select
    check_name,
    null::date as local_date,
    company_id
from view_mismatches
