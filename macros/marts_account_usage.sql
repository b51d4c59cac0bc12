{#- Grains of the account-usage report (Sparkcentral intervals) and their date_trunc part. -#}
{% macro marts_account_usage_grains() -%}
    {{ return(['hour', 'day', 'week', 'month', 'quarter', 'year']) }}
{%- endmacro %}

{#- Account-usage figures at every grain. Distinct counts cannot be summed from a finer grain: each grain is
    computed from the messages. `by_platform` adds the platform to the grain. `incremental` is the
    model's is_incremental() (a call in this macro would not see a unit test's override).
    Incremental (issue 9): a run recomputes whole the periods (of every grain) that contain a local date
    touched by the export window, or whose stored day figures no longer match the facts; those periods
    replace the stored ones (delete+insert on period_grain, period_start). -#}
{% macro marts_account_usage_sql(by_platform, incremental) -%}
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

{% if incremental %}
    stored_days as (
        select
            cast(period_start as date) as local_date,
            sum(inbound_messages + outbound_messages) as messages,
            sum(resolved_conversations) as resolved_conversations
        from {{ this }}
        where period_grain = 'day'
        group by all
    ),

    upstream_message_days as (
        select
            cast(local_sent_at as date) as local_date,
            count(*) filter (where direction in ('inbound', 'outbound')) as messages
        from messages
        group by all
    ),

    upstream_resolved_days as (
        select
            cast(local_resolved_at as date) as local_date,
            count(*) as resolved_conversations
        from conversations
        group by all
    ),

    affected_days as (
        select cast(local_sent_at as date) as local_date from messages
        where {{ marts_export_window('export_date') }}
        union
        select cast(local_resolved_at as date) as local_date from conversations
        where {{ marts_export_window('last_export_date') }}
        union
        -- companies whose time zone took effect in the window: every day they have, new and stored
        select cast(local_sent_at as date) as local_date from messages
        where company_id in ({{ marts_retimed_companies() }})
        union
        select cast(local_resolved_at as date) as local_date from conversations
        where company_id in ({{ marts_retimed_companies() }})
        union
        select cast(period_start as date) as local_date from {{ this }}
        where period_grain = 'day' and company_id in ({{ marts_retimed_companies() }})
        union
        -- days whose stored figures no longer match the facts (rows moved to another day or vanished)
        select coalesce(upstream_message_days.local_date, stored_days.local_date) as local_date
        from upstream_message_days
        full outer join stored_days on upstream_message_days.local_date = stored_days.local_date
        where coalesce(upstream_message_days.messages, 0) is distinct from coalesce(stored_days.messages, 0)
        union
        select coalesce(upstream_resolved_days.local_date, stored_days.local_date) as local_date
        from upstream_resolved_days
        full outer join stored_days on upstream_resolved_days.local_date = stored_days.local_date
        where
            coalesce(upstream_resolved_days.resolved_conversations, 0)
            is distinct from coalesce(stored_days.resolved_conversations, 0)
    ),

    affected_periods as (
        -- hours are recomputed by whole days
        {%- for grain in marts_account_usage_grains() if grain != 'hour' %}
            select distinct
                '{{ grain }}' as period_grain,
                cast(date_trunc('{{ grain }}', local_date) as date) as period_start
            from affected_days
            {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    ),
{% endif %}

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
        count(*) filter (where direction = 'outbound') as outbound_messages,
        max(export_date) as last_export_date
    from messages
    {{ marts_account_usage_period_filter('local_sent_at', grain, incremental) }}
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
        count(*) as resolved_conversations,
        max(last_export_date) as last_export_date
    from conversations
    {{ marts_account_usage_period_filter('local_resolved_at', grain, incremental) }}
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
        coalesce(message_figures.outbound_messages, 0) as outbound_messages,
        greatest(message_figures.last_export_date, resolved_figures.last_export_date) as last_export_date
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

{#- Where-clause of the rows (messages or conversations) in the affected periods of a grain of an
    incremental run; nothing (every row) on a full build. -#}
{% macro marts_account_usage_period_filter(timestamp_column, grain, incremental) -%}
    {%- set period_grain = 'day' if grain == 'hour' else grain -%}
    {%- if incremental -%}
        where
            {{ timestamp_column }} >= (
                select min(period_start) from affected_periods where period_grain = '{{ period_grain }}'
            )
            and cast(date_trunc('{{ period_grain }}', {{ timestamp_column }}) as date) in (
                select period_start from affected_periods where period_grain = '{{ period_grain }}'
            )
    {%- endif -%}
{%- endmacro %}

{#- Post-hook: delete + insert replaces only the periods a run writes again, so a period left empty when a
    company's time zone took effect (its rows moved to other hours or days) would stay: drop the stored
    periods of those companies that no message or resolved conversation falls in any more. -#}
{% macro marts_account_usage_drop_vanished_periods(by_platform) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as stored
        where
            stored.company_id in ({{ marts_retimed_companies() }})
            and not exists (
                {%- for grain in marts_account_usage_grains() %}
                    select 1 from {{ ref('fct_chat_messages') }} as messages
                    where
                        stored.period_grain = '{{ grain }}'
                        and not messages.is_test_channel
                        and messages.company_id = stored.company_id
                        and date_trunc('{{ grain }}', messages.local_sent_at) = stored.period_start
                        {%- if by_platform %} and messages.platform = stored.platform{% endif %}
                    union all
                    select 1 from {{ ref('fct_conversations') }} as conversations
                    where
                        stored.period_grain = '{{ grain }}'
                        and not conversations.is_test_channel
                        and conversations.is_resolved
                        and conversations.company_id = stored.company_id
                        and date_trunc('{{ grain }}', conversations.local_resolved_at) = stored.period_start
                        {%- if by_platform %} and conversations.platform = stored.platform{% endif %}
                    {% if not loop.last %}union all{% endif %}
                {%- endfor %}
            )
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
