{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='usage_id',
    on_schema_change='append_new_columns',
) }}

{#- One row per billable usage event (EXPORT_CONTRACT.md, "Services and what is billable"), before
    pricing. Incremental by arrival: a run reads the export days from the last one seen (minus
    billing_rescan_days, for days loaded out of order); a notification becomes billable when its
    qualifying status event arrives, so its known_export_date is the later of the two exports. -#}

{%- set arrived -%}
    {%- if is_incremental() -%}
        export_date >= (
            select coalesce(max(known_export_date), date '1900-01-01') - {{ billing_rescan_days() }}
            from {{ this }}
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endset %}

with

companies as (
    select
        company_id,
        timezone
    from {{ ref('stg_platform__companies') }}
),

services as (
    select service from {{ ref('services') }}
),

channels as (
    -- the service that bills a channel's messages; `chat`: billed by sender type (chat_operator, ...)
    select
        channel_family,
        channel,
        billing_service
    from {{ ref('channels') }}
),

sent_statuses as (
    select status from {{ ref('notification_statuses') }}
    where is_sent
),

-- notifications: new messages, and messages that received a status event in the window
touched_messages as (
    select message_id from {{ ref('stg_platform__notifications') }}
    where {{ arrived }}
    union
    select message_id from {{ ref('stg_platform__notification_events') }}
    where {{ arrived }}
),

touched_notifications as (
    select notifications.*
    from {{ ref('stg_platform__notifications') }} as notifications
    semi join touched_messages on notifications.message_id = touched_messages.message_id
),

notification_status as (
    -- every status event of the touched messages, whenever it arrived
    select
        events.message_id,
        min(case when events.status = 'delivered' then events.export_date end) as delivered_export_date,
        min(case when events.status in (select sent_statuses.status from sent_statuses) then events.export_date end)
            as sent_export_date
    from {{ ref('stg_platform__notification_events') }} as events
    semi join touched_notifications on events.message_id = touched_notifications.message_id
    group by events.message_id
),

notification_usage as (
    select
        'notification:' || n.message_id as usage_id,
        n.message_id as source_id,
        'notifications' as source_entity,
        n.company_id,
        coalesce(channels.billing_service, n.channel) as service,
        n.created_at as usage_at,
        -- SMS: delivered message x segments; other channels: one sent message
        case when n.channel = 'sms' then n.sms_segments else 1 end as quantity,
        cast(null as bigint) as talk_ms,
        s.delivered_export_date is not null as is_delivered,
        n.export_date as source_export_date,
        greatest(
            n.export_date,
            case when n.channel = 'sms' then s.delivered_export_date else s.sent_export_date end
        ) as known_export_date
    from touched_notifications as n
    inner join notification_status as s on n.message_id = s.message_id
    left join channels on channels.channel_family = 'notification' and n.channel = channels.channel
    where
        (n.channel = 'sms' and s.delivered_export_date is not null)
        or (n.channel <> 'sms' and s.sent_export_date is not null)
),

chat_usage as (
    select
        'chat:' || messages.message_id as usage_id,
        messages.message_id as source_id,
        'chat_messages' as source_entity,
        messages.company_id,
        case
            when channels.billing_service <> 'chat' then channels.billing_service
            else 'chat_' || coalesce(messages.sender_type, 'unknown')
        end as service,
        messages.sent_at as usage_at,
        1 as quantity,
        cast(null as bigint) as talk_ms,
        cast(null as boolean) as is_delivered,
        messages.export_date as source_export_date,
        messages.export_date as known_export_date
    from {{ ref('stg_platform__chat_messages') }} as messages
    left join channels on channels.channel_family = 'messenger' and messages.messenger = channels.channel
    where {{ arrived }}
),

call_usage as (
    -- answered calls (answered_at set, whatever the disposition says), talk time in milliseconds
    select
        'call:' || call_id as usage_id,
        call_id as source_id,
        'calls' as source_entity,
        company_id,
        'call_' || direction as service,
        answered_at as usage_at,
        1 as quantity,
        greatest({{ epoch_milliseconds('ended_at') }} - {{ epoch_milliseconds('answered_at') }}, 0) as talk_ms,
        cast(null as boolean) as is_delivered,
        export_date as source_export_date,
        export_date as known_export_date
    from {{ ref('stg_platform__calls') }}
    where {{ arrived }} and answered_at is not null
),

bot_api_usage as (
    select
        'bot_api:' || message_id as usage_id,
        message_id as source_id,
        'bot_api_messages' as source_entity,
        company_id,
        'bot_api' as service,
        sent_at as usage_at,
        1 as quantity,
        cast(null as bigint) as talk_ms,
        cast(null as boolean) as is_delivered,
        export_date as source_export_date,
        export_date as known_export_date
    from {{ ref('stg_platform__bot_api_messages') }}
    where {{ arrived }} and is_billable
),

unioned as (
    select * from notification_usage
    union all
    select * from chat_usage
    union all
    select * from call_usage
    union all
    select * from bot_api_usage
),

final as (
    select
        unioned.usage_id,
        unioned.source_entity,
        unioned.source_id,
        unioned.company_id,
        unioned.service,
        unioned.service in (select services.service from services) as is_known_service,
        unioned.usage_at,
        cast(unioned.usage_at as date) as usage_date_utc,
        {{ local_date('unioned.usage_at', 'companies.timezone') }} as local_date,
        {{ local_month_start('unioned.usage_at', 'companies.timezone') }} as billing_month,
        cast(unioned.quantity as bigint) as quantity,
        cast(unioned.talk_ms as bigint) as talk_ms,
        unioned.is_delivered,
        unioned.source_export_date,
        unioned.known_export_date
    from unioned
    left join companies on unioned.company_id = companies.company_id
    where unioned.usage_at is not null
)

select * from final
