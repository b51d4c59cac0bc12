{#- Grains of the account-usage report (Sparkcentral intervals) and their date_trunc part. -#}
{% macro marts_account_usage_grains() -%}
    {{ return(['hour', 'day', 'week', 'month', 'quarter', 'year']) }}
{%- endmacro %}

{#- Account-usage figures at every grain. Distinct counts cannot be summed from a finer grain: each grain is
    computed from the messages. `by_platform` adds the platform to the grain. -#}
{% macro marts_account_usage_sql(by_platform) -%}
{%- set platform_column = 'platform' if by_platform else "'all'" -%}
with

messages as (
    select * from {{ ref('fct_chat_messages') }}
    where not is_test_channel
),

conversations as (
    select * from {{ ref('fct_conversations') }}
    where not is_test_channel and is_resolved
),

message_figures as (
    {%- for grain in marts_account_usage_grains() %}
    select
        '{{ grain }}' as period_grain,
        date_trunc('{{ grain }}', local_sent_at) as period_start,
        company_id,
        {{ platform_column }} as platform,
        -- a contact is a conversation partner (chat_id) with a message exchanged in the period
        count(distinct chat_id) as unique_contacts,
        count(distinct operator_id) filter (where sender_type = 'operator') as active_agents,
        count(*) filter (where is_proactive_message) as proactive_messages,
        count(distinct chat_config_id) as active_channels,
        count(*) filter (where direction = 'inbound') as inbound_messages,
        count(*) filter (where direction = 'outbound') as outbound_messages
    from messages
    group by all
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

resolved_figures as (
    {%- for grain in marts_account_usage_grains() %}
    select
        '{{ grain }}' as period_grain,
        date_trunc('{{ grain }}', local_resolved_at) as period_start,
        company_id,
        {{ platform_column }} as platform,
        count(*) as resolved_conversations
    from conversations
    group by all
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select
        coalesce(message_figures.period_grain, resolved_figures.period_grain) as period_grain,
        cast(coalesce(message_figures.period_start, resolved_figures.period_start) as timestamp) as period_start,
        coalesce(message_figures.company_id, resolved_figures.company_id) as company_id,
        coalesce(message_figures.platform, resolved_figures.platform) as platform,
        coalesce(message_figures.unique_contacts, 0) as unique_contacts,
        coalesce(resolved_figures.resolved_conversations, 0) as resolved_conversations,
        coalesce(message_figures.active_agents, 0) as active_agents,
        coalesce(message_figures.active_channels, 0) as active_channels,
        coalesce(message_figures.proactive_messages, 0) as proactive_messages,
        coalesce(message_figures.inbound_messages, 0) as inbound_messages,
        coalesce(message_figures.outbound_messages, 0) as outbound_messages
    from message_figures
    full outer join resolved_figures
        on
            message_figures.period_grain = resolved_figures.period_grain
            and message_figures.period_start = resolved_figures.period_start
            and message_figures.company_id = resolved_figures.company_id
            and message_figures.platform = resolved_figures.platform
)

select * from final
{%- endmacro %}
