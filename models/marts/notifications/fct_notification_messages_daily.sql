{{ config(post_hook=["{{ delete_vanished_dates(ref('int_notification_message_statuses')) }}"]) }}
{#- The per-message view of the notification graphs: every physical message (a fallback message counts
    on its own) by its current status, so that each status of the platform's status filter, the optional
    ones included ("created, optional", "omitted, optional"), is counted per channel. The logical view
    (a message and its fallbacks once) is fct_notifications_daily. Incremental by local date like
    fct_notifications_daily: a run recomputes every local date touched by the export window. -#}
-- depends_on: {{ ref('int_company_time_zones') }}

with

{{ daily_aggregate_ctes(
    ref('int_notification_message_statuses'), 'last_export_date', 'sum(messages)', 'messages', is_incremental()
) }},

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
