{#- What the two account-usage models (fct_account_usage, fct_account_usage_by_platform) share: their
    grains and how an incremental run finds and replaces the periods it recomputes (issue 9). -#}

{#- Grains of the account-usage report (Sparkcentral intervals) and their date_trunc part. -#}
{% macro account_usage_grains() -%}
    {{ return(['hour', 'day', 'week', 'month', 'quarter', 'year']) }}
{%- endmacro %}

{#- CTE `messages` of the account-usage models and the chat period-days models: the chat messages (test channels left
    out) once per time-zone view (macros/time_zone_views.sql), local_sent_at read in the view's zone. -#}
{% macro account_usage_messages_cte() -%}
    messages as {{ not_materialized() }} (
        select * from {{ time_zone_view_rows(ref('fct_chat_messages'), 'sent_at', 'local_sent_at') }} as viewed
        where not is_test_channel
    )
{%- endmacro %}

{#- CTE upstream_message_days: the messages of each local date per time-zone view in `days` (the contact days without
    test channels, or a chat period-days model built from them), compared with a model's stored day figures. -#}
{% macro upstream_message_days_cte(days) -%}
    upstream_message_days as (
        select
            time_zone,
            local_date,
            sum(inbound_messages + outbound_messages) as messages
        from {{ days }} as upstream_days
        group by all
    )
{%- endmacro %}

{#- Local dates (union of selects) whose chat messages an incremental run must count again, read from the CTEs
    `messages` (account_usage_messages_cte) and upstream_message_days: dates of the window's messages, every date of
    a company whose time zone took effect in the window, and dates whose stored message count (CTE `stored_days`:
    time_zone, local_date, messages) no longer matches the facts (rows moved to another day or vanished). Compared
    per time-zone view: a row moving days in one view is found. -#}
{% macro chat_message_affected_days(stored_days) -%}
    select cast(local_sent_at as date) as local_date from messages
    where {{ in_export_window('export_date') }}
    union
    select cast(local_sent_at as date) as local_date from messages
    where company_id in ({{ companies_retimed_in_window() }})
    union
    select coalesce(upstream_message_days.local_date, {{ stored_days }}.local_date) as local_date
    from upstream_message_days
    full outer join {{ stored_days }}
        on
            upstream_message_days.time_zone = {{ stored_days }}.time_zone
            and upstream_message_days.local_date = {{ stored_days }}.local_date
    where coalesce(upstream_message_days.messages, 0) is distinct from coalesce({{ stored_days }}.messages, 0)
{%- endmacro %}

{#- CTEs affected_days and affected_periods of an incremental account-usage model (fct_account_usage,
    fct_account_usage_by_platform), read from its CTEs `messages` and `conversations`: a run recomputes
    whole the periods (of every grain) that contain a local date touched by the export window, a date of a
    company whose time zone took effect in the window, or a date whose stored day figures no longer match
    the facts (rows moved to another day or vanished). -#}
{% macro account_usage_affected_periods_ctes(by_channel=false) -%}
    stored_days as (
        select
            time_zone,
            cast(period_start as date) as local_date,
            sum(inbound_messages + outbound_messages) as messages,
            sum(resolved_conversations) as resolved_conversations
        from {{ this }}
        where period_grain = 'day'
        group by all
    ),

    {#- the chat period-days model: built from the contact days before this model, a few percent of their rows -#}
    {{ upstream_message_days_cte(ref('int_chat_channel_days') if by_channel else ref('int_chat_company_days')) }},

    upstream_resolved_days as (
        select
            time_zone,
            cast(local_resolved_at as date) as local_date,
            count(*) as resolved_conversations
        from conversations
        group by all
    ),

    affected_days as (
        {{ chat_message_affected_days('stored_days') }}
        union
        select cast(local_resolved_at as date) as local_date from conversations
        where {{ in_export_window('last_export_date') }}
        union
        -- companies whose time zone took effect in the window: every day they have, new and stored
        select cast(local_resolved_at as date) as local_date from conversations
        where company_id in ({{ companies_retimed_in_window() }})
        union
        select cast(period_start as date) as local_date from {{ this }}
        where period_grain = 'day' and company_id in ({{ companies_retimed_in_window() }})
        union
        -- days whose stored resolved conversations no longer match the facts
        select coalesce(upstream_resolved_days.local_date, stored_days.local_date) as local_date
        from upstream_resolved_days
        full outer join stored_days
            on
                upstream_resolved_days.time_zone = stored_days.time_zone
                and upstream_resolved_days.local_date = stored_days.local_date
        where
            coalesce(upstream_resolved_days.resolved_conversations, 0)
            is distinct from coalesce(stored_days.resolved_conversations, 0)
        {%- if by_channel %}
            union
            -- days of a channel renamed since they were stored (rows carry the channel's name)
            select cast(stored.period_start as date) as local_date
            from {{ this }} as stored
            inner join {{ ref('dim_chat_configs') }} as channels on stored.chat_config_id = channels.chat_config_id
            where stored.period_grain = 'day' and stored.chat_config_name is distinct from channels.chat_config_name
        {%- endif %}
    ),

    affected_periods as (
        -- hours are recomputed by whole days
        {%- for grain in account_usage_grains() if grain != 'hour' %}
            select distinct
                '{{ grain }}' as period_grain,
                cast(date_trunc('{{ grain }}', local_date) as date) as period_start
            from affected_days
            {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    )
{%- endmacro %}

{#- Where-clause of the rows (messages or conversations) in the affected periods of a grain of an
    incremental run; nothing (every row) on a full build. `utc_column`, when given, is the UTC instant the local
    `timestamp_column` was read from: bounded too (no zone is more than a day ahead of UTC), DuckDB skips the
    older row groups (the local timestamp is computed per row, so its bound cannot). -#}
{% macro account_usage_period_filter(timestamp_column, grain, incremental, utc_column=none) -%}
    {%- set period_grain = 'day' if grain == 'hour' else grain -%}
    {%- set first_period -%}
        (select min(period_start) from affected_periods where period_grain = '{{ period_grain }}')
    {%- endset -%}
    {%- if incremental -%}
        where
            {{ timestamp_column }} >= {{ first_period }}
            {%- if utc_column %}
                and {{ utc_column }} >= {{ dbt.dateadd('day', -1, first_period) }}
            {%- endif %}
            and {{ in_short_list(
                "cast(date_trunc('" ~ period_grain ~ "', " ~ timestamp_column ~ ") as date)",
                'period_start', 'affected_periods', "period_grain = '" ~ period_grain ~ "'"
            ) }}
    {%- endif -%}
{%- endmacro %}

{#- Body of the CTE message_figures of an account-usage model: one select per grain, union all. Hours are
    counted from the messages (CTE `messages`, one copy per time-zone view); days to years from the chat period-days
    models (account_usage_contact_day_figures), so a year re-reads its days, not every message or contact, and no
    time-zone arithmetic. by_platform: per platform and channel, else all together. -#}
{% macro account_usage_message_figures(by_platform, incremental) -%}
    {%- set dimensions = 'platform, chat_config_id' if by_platform else "'all' as platform" -%}
    {%- for grain in account_usage_grains() %}
        {%- if grain == 'hour' %}
            select
                'hour' as period_grain,
                date_trunc('hour', local_sent_at) as period_start,
                time_zone,
                company_id,
                {{ dimensions }},
                count(distinct chat_id) as unique_contacts,
                count(distinct operator_id) filter (where sender_type = 'operator') as active_agents,
                {%- if by_platform %}
                    coalesce(
                        {{ sorted_distinct_list('operator_id', "sender_type = 'operator'") }}, {{ empty_list() }}
                    ) as active_agent_ids,
                {%- endif %}
                count(*) filter (where is_proactive_api and direction = 'outbound') as proactive_messages,
                count(distinct chat_config_id) as active_channels,
                count(*) filter (where direction = 'inbound') as inbound_messages,
                count(*) filter (where direction = 'outbound') as outbound_messages,
                max(export_date) as last_export_date
            from messages
            {{ account_usage_period_filter('local_sent_at', grain, incremental, utc_column='sent_at') }}
            group by all
        {%- else %}
            {{ account_usage_contact_day_figures(grain, by_platform, incremental) }}
        {%- endif %}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- Post-hook: delete + insert replaces only the periods a run writes again, so a period left empty when a
    company's time zone took effect (its rows moved to other hours or days) would stay: drop the stored
    periods of those companies that no message or resolved conversation falls in any more. -#}
{% macro account_usage_delete_vanished_periods(by_platform) -%}
    {%- call delete_stored_rows_where() -%}
        stored.company_id in ({{ companies_retimed_in_window() }})
        -- the other views are fixed zones: a company's new time zone moves none of their rows
        and stored.time_zone = '{{ company_local_time_zone() }}'
        and not exists (
            {%- for grain in account_usage_grains() %}
                select 1 from {{ ref('fct_chat_messages') }} as messages
                where
                    stored.period_grain = '{{ grain }}'
                    and not messages.is_test_channel
                    and messages.company_id = stored.company_id
                    and date_trunc('{{ grain }}', messages.local_sent_at) = stored.period_start
                    {%- if by_platform %}
                        and messages.platform = stored.platform and messages.chat_config_id = stored.chat_config_id
                    {%- endif %}
                union all
                select 1 from {{ ref('fct_conversations') }} as conversations
                where
                    stored.period_grain = '{{ grain }}'
                    and not conversations.is_test_channel
                    and conversations.is_resolved
                    and conversations.company_id = stored.company_id
                    and date_trunc('{{ grain }}', conversations.local_resolved_at) = stored.period_start
                    {%- if by_platform %}
                        and conversations.platform = stored.platform
                        and conversations.chat_config_id = stored.chat_config_id
                    {%- endif %}
                {% if not loop.last %}union all{% endif %}
            {%- endfor %}
        )
    {%- endcall -%}
{%- endmacro %}

{#- Figures of one grain from day to year. Messages, contacts and channels are sums over the period's days of the chat
    period-days model (int_chat_channel_days by channel, int_chat_company_days by company: each day holds the contacts
    and channels first seen in the period on it), so a year is read as its days' rows, not as its contacts. Agents
    are few: counted distinct from the contact days' agent rows of the period, through a plain `select distinct`
    joined on the group (DuckDB's DISTINCT aggregates cannot spill to disk). -#}
{% macro account_usage_contact_day_figures(grain, by_platform, incremental) -%}
    {%- set group_columns = ['period_start', 'time_zone', 'company_id', 'platform'] + (['chat_config_id'] if by_platform else []) -%}
    {%- set group_keys = group_columns | join(', ') -%}
    {%- set dimensions = 'platform, chat_config_id' if by_platform else "'all' as platform" -%}
    select
        '{{ grain }}' as period_grain,
        {%- for column in group_columns %}
            totals.{{ column }},
        {%- endfor %}
        totals.unique_contacts,
        coalesce(agents.active_agents, 0) as active_agents,
        {%- if by_platform %}
            coalesce(agents.active_agent_ids, {{ empty_list() }}) as active_agent_ids,
        {%- endif %}
        totals.proactive_messages,
        totals.active_channels,
        totals.inbound_messages,
        totals.outbound_messages,
        totals.last_export_date
    from (
        select
            cast(date_trunc('{{ grain }}', local_date) as timestamp) as period_start,
            time_zone,
            company_id,
            {{ dimensions }},
            cast(sum(new_contacts_{{ grain }}) as bigint) as unique_contacts,
            cast(sum(new_channels_{{ grain }}) as bigint) as active_channels,
            cast(sum(proactive_messages) as bigint) as proactive_messages,
            cast(sum(inbound_messages) as bigint) as inbound_messages,
            cast(sum(outbound_messages) as bigint) as outbound_messages,
            max(last_export_date) as last_export_date
        from {{ ref('int_chat_channel_days') if by_platform else ref('int_chat_company_days') }} as period_days
        {{ account_usage_period_filter('local_date', grain, incremental) }}
        group by all
    ) as totals
    left join (
        select
            {{ group_keys }},
            count(*) as active_agents
            {%- if by_platform %},
                {{ sorted_list('agent_id') }} as active_agent_ids
            {%- endif %}
        from (
            select distinct
                cast(date_trunc('{{ grain }}', local_date) as timestamp) as period_start,
                time_zone,
                company_id,
                {{ dimensions }},
                agent_id
            from (
                select * from {{ ref('int_chat_contact_days') }} where not is_test_channel and agent_id <> -1
            ) as agent_days
            {{ account_usage_period_filter('local_date', grain, incremental) }}
        ) as period_agents
        group by {{ group_keys }}
    ) as agents on {{ same_group_keys(group_columns, 'totals', 'agents') }}
{%- endmacro %}
