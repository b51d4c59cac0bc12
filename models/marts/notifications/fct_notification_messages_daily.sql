{{ config(post_hook=["{{ delete_vanished_dates(ref('int_notification_message_statuses')) }}"]) }}
{#- The per-message view of the notification graphs: every physical message (a fallback message counts
    on its own) by its current status, so that each status of the platform's status filter, the optional
    ones included ("created, optional", "omitted, optional"), is counted per channel. The logical view
    (a message and its fallbacks once) is fct_notifications_daily. Incremental by local date like
    fct_notifications_daily: a run recomputes every local date touched by the export window. -#}
-- depends_on: {{ ref('int_company_time_zones') }}

with

all_messages as {{ not_materialized() }} (
    select * from {{ ref('int_notification_message_statuses') }}
),

{% if is_incremental() %}
    {{ daily_affected_dates_ctes('all_messages', 'last_export_date', 'sum(messages)') }},
{% endif %}

messages as (
    select * from all_messages
    {% if is_incremental() %}
        where local_date in (select affected_dates.local_date from affected_dates)
    {% endif %}
),

final as (
    select
        local_date,
        company_id,
        channel,
        current_status as message_status,
        fallback_of is not null as is_fallback,
        is_optional,
        count(*) as messages,
        count(*) filter (where is_sent) as messages_sent,
        max(last_export_date) as last_export_date
    from messages
    group by all
)

select * from final
