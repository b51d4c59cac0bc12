{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='message_id',
        on_schema_change='append_new_columns',
    )
}}

with

notifications as {{ not_materialized() }} (
    select * from {{ ref('stg_platform__notifications') }}
),

status_events as {{ not_materialized() }} (
    select * from {{ ref('stg_platform__notification_events') }}
),

statuses as (
    select
        status,
        status_rank,
        is_sent
    from {{ ref('notification_statuses') }}
),

time_zones as (
    select
        company_id,
        timezone,
        timezone_export_date
    from {{ ref('int_company_time_zones') }}
),

window_messages as (
    -- messages created in the window, older messages whose status events arrived in it, and the messages
    -- of companies whose time zone came into force in it (their local dates move)
    select message_id from notifications
    where {{ in_export_window('export_date') }}
    union
    select message_id from notifications
    where company_id in ({{ companies_retimed_in_window() }})
    union
    select message_id from status_events
    where {{ in_export_window('export_date') }}
),

batch_notifications as (
    select * from notifications
    where message_id in (select window_messages.message_id from window_messages)
),

batch_events as (
    -- every event of the batch's messages, whenever it arrived, with its status's rank and "sent" flag
    select
        status_events.*,
        coalesce(statuses.status_rank, 0) as status_rank,
        coalesce(statuses.is_sent, false) as is_sent_status
    from status_events
    left join statuses on status_events.status = statuses.status
    where
        status_events.message_id in (select batch_notifications.message_id from batch_notifications)
    {% if is_incremental() -%}
            -- prune old export days: a message's events are exported on or after its creation day (a date bound:
            -- compared with a timestamp, every export date would be cast and DuckDB would read them all)
            and status_events.export_date >= (
                select cast(cast(min(batch_notifications.created_at) as date) - interval 2 day as date)
                from batch_notifications
            )
        {%- endif %}
),

ranked_events as (
    -- the current status is the latest event by event time, never by arrival order
    select
        *,
        row_number() over (
            partition by message_id
            order by occurred_at desc, status_rank desc, event_id desc
        ) as recency_rank
    from batch_events
),

event_summary as (
    select
        message_id,
        max(case when recency_rank = 1 then status end) as current_status,
        max(case when recency_rank = 1 then occurred_at end) as current_status_at,
        min(case when is_sent_status then occurred_at end) as first_sent_at,
        min(case when status = 'delivered' then occurred_at end) as delivered_at,
        count(case when is_sent_status then 1 end) > 0 as is_sent,
        count(case when status = 'delivered' then 1 end) > 0 as has_delivered_event,
        count(case when status = 'omitted_optional' then 1 end) > 0 as has_omitted_event,
        max(case when status = 'error' then error_code end) as error_code,
        count(*) as status_event_count,
        max(export_date) as last_event_export_date
    from ranked_events
    group by message_id
),

final as (
    select
        batch_notifications.message_id,
        batch_notifications.company_id,
        batch_notifications.channel,
        batch_notifications.template_id,
        batch_notifications.fallback_of,
        batch_notifications.is_optional,
        batch_notifications.scheduled_for,
        batch_notifications.sms_segments,
        batch_notifications.created_at,
        {{ local_date('batch_notifications.created_at', 'time_zones.timezone') }} as local_date,
        -- a message without any status event yet is just created
        coalesce(event_summary.current_status, 'created') as current_status,
        coalesce(event_summary.current_status_at, batch_notifications.created_at) as current_status_at,
        event_summary.first_sent_at,
        event_summary.delivered_at,
        coalesce(event_summary.is_sent, false) as is_sent,
        coalesce(event_summary.has_delivered_event, false) as has_delivered_event,
        coalesce(event_summary.has_omitted_event, false) as has_omitted_event,
        event_summary.error_code,
        coalesce(event_summary.status_event_count, 0) as status_event_count,
        -- the last export day that changed the row: its own, its latest status event's, or its company's zone
        greatest(
            batch_notifications.export_date,
            coalesce(event_summary.last_event_export_date, batch_notifications.export_date),
            coalesce(time_zones.timezone_export_date, batch_notifications.export_date)
        ) as last_export_date
    from batch_notifications
    left join event_summary on batch_notifications.message_id = event_summary.message_id
    left join time_zones on batch_notifications.company_id = time_zones.company_id
)

select * from final
