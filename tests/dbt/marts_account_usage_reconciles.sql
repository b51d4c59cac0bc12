-- Account usage: resolved conversations of a month (all platforms) equal the resolved conversations of the fact
-- dated in that month, and the month's proactive messages equal the message fact's (test channels excluded).
with

usage_months as (
    select
        company_id,
        period_start,
        resolved_conversations,
        proactive_messages
    from {{ ref('fct_account_usage') }}
    where period_grain = 'month' and time_zone = '{{ company_local_time_zone() }}'
),

resolved as (
    select
        company_id,
        date_trunc('month', local_resolved_at) as period_start,
        count(*) as resolved_conversations
    from {{ ref('fct_conversations') }}
    where is_resolved and not is_test_channel
    group by 1, 2
),

proactive as (
    select
        company_id,
        date_trunc('month', local_sent_at) as period_start,
        count(*) filter (where is_proactive_api and direction = 'outbound') as proactive_messages
    from {{ ref('fct_chat_messages') }}
    where not is_test_channel
    group by 1, 2
),

expected as (
    select
        coalesce(resolved.company_id, proactive.company_id) as company_id,
        coalesce(resolved.period_start, proactive.period_start) as period_start,
        coalesce(resolved.resolved_conversations, 0) as resolved_conversations,
        coalesce(proactive.proactive_messages, 0) as proactive_messages
    from resolved
    full outer join proactive
        on
            resolved.company_id = proactive.company_id
            and resolved.period_start = proactive.period_start
)

select
    expected.company_id,
    expected.period_start,
    expected.resolved_conversations as expected_resolved,
    usage_months.resolved_conversations as usage_resolved,
    expected.proactive_messages as expected_proactive,
    usage_months.proactive_messages as usage_proactive
from expected
left join usage_months
    on
        expected.company_id = usage_months.company_id
        and expected.period_start = usage_months.period_start
where
    usage_months.company_id is null
    or expected.resolved_conversations <> usage_months.resolved_conversations
    or expected.proactive_messages <> usage_months.proactive_messages
