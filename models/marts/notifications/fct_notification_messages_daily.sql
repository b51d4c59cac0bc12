{#- The per-message view of the notification graphs: every physical message (a fallback message counts
    on its own) by its current status, so that each status of the platform's status filter, the optional
    ones included ("created, optional", "omitted, optional"), is counted per channel. The logical view
    (a message and its fallbacks once) is fct_notifications_daily. -#}

with

messages as (
    select * from {{ ref('int_notification_message_statuses') }}
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
        count(*) filter (where is_sent) as messages_sent
    from messages
    group by all
)

select * from final
