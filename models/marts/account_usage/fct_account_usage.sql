-- depends_on: {{ ref('int_company_time_zones') }}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['period_grain', 'period_start'],
        on_schema_change='fail',
        post_hook="{{ account_usage_delete_vanished_periods(by_platform=false) }}",
    )
}}
{#- Distinct counts cannot be summed from a finer grain: hours count the messages' distinct contacts; days to
    years sum int_chat_company_days, where each contact and channel counts on its first day of the period (all
    platforms together, platform = 'all'). An incremental run recomputes whole the periods (of every grain) in
    affected_periods; they replace the stored ones (delete+insert). -#}
with

{{ account_usage_messages_cte() }},

conversations as {{ not_materialized() }} (
    select * from {{ time_zone_view_rows(ref('fct_conversations'), 'resolved_at', 'local_resolved_at') }} as viewed
    where not is_test_channel and is_resolved
),

{% if is_incremental() %}
    {{ account_usage_affected_periods_ctes() }},
{% endif %}

message_figures as (
    {{ account_usage_message_figures(by_platform=false, incremental=is_incremental()) }}
),

resolved_figures as (
    {%- for grain in account_usage_grains() %}
        select
            '{{ grain }}' as period_grain,
            date_trunc('{{ grain }}', local_resolved_at) as period_start,
            time_zone,
            company_id,
            'all' as platform,
            count(*) as resolved_conversations,
            max(last_export_date) as last_export_date
        from conversations
        {{ account_usage_period_filter('local_resolved_at', grain, is_incremental(), utc_column='resolved_at') }}
        group by all
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select
        coalesce(message_figures.period_grain, resolved_figures.period_grain) as period_grain,
        cast(coalesce(message_figures.period_start, resolved_figures.period_start) as timestamp) as period_start,
        coalesce(message_figures.time_zone, resolved_figures.time_zone) as time_zone,
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
            and message_figures.time_zone = resolved_figures.time_zone
            and message_figures.company_id = resolved_figures.company_id
            and message_figures.platform = resolved_figures.platform
)

select * from final
