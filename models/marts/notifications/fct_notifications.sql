{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='notification_id',
        on_schema_change='append_new_columns',
        post_hook=[
            "{% if is_incremental() %}delete from {{ this }} where notification_id in (select message_id from {{ ref('int_notification_chains') }}){% endif %}",
        ],
    )
}}
{#- The post-hook drops rows keyed by a message that has since turned out to be a fallback of another
    (its ancestor arrived late): that chain now lives under its true root. -#}

with

messages as (
    select * from {{ ref('int_notification_message_statuses') }}
),

chains as (
    select * from {{ ref('int_notification_chains') }}
),

window_messages as (
    select message_id from messages
    where {{ in_export_window('last_export_date') }}
),

affected_notifications as (
    -- logical notifications touched by the window: the roots of the changed messages
    select distinct coalesce(chains.root_message_id, window_messages.message_id) as notification_id
    from window_messages
    left join chains on window_messages.message_id = chains.message_id
),

member_keys as (
    select
        notification_id,
        notification_id as message_id,
        0 as chain_depth
    from affected_notifications
    union all
    select
        chains.root_message_id as notification_id,
        chains.message_id,
        chains.chain_depth
    from chains
    where chains.root_message_id in (select affected_notifications.notification_id from affected_notifications)
),

members as (
    select
        member_keys.notification_id,
        member_keys.chain_depth,
        messages.*
    from member_keys
    inner join messages on member_keys.message_id = messages.message_id
),

folded as (
    select
        notification_id,
        -- the first attempt (the root, or the earliest message present) gives the notification's identity
        {{ ordered_pick('company_id', 'chain_depth, created_at, message_id') }} as company_id,
        {{ ordered_pick('channel', 'chain_depth, created_at, message_id') }} as first_channel,
        {{ ordered_pick('template_id', 'chain_depth, created_at, message_id') }} as template_id,
        {{ ordered_pick('is_optional', 'chain_depth, created_at, message_id') }} as is_optional,
        {{ ordered_pick('scheduled_for', 'chain_depth, created_at, message_id') }} as scheduled_for,
        {{ ordered_pick('created_at', 'chain_depth, created_at, message_id') }} as created_at,
        {{ ordered_pick('local_date', 'chain_depth, created_at, message_id') }} as local_date,
        -- the last attempt of the chain
        {{ ordered_pick('message_id', 'chain_depth desc, created_at desc, message_id desc') }} as final_message_id,
        {{ ordered_pick('channel', 'chain_depth desc, created_at desc, message_id desc') }} as final_channel,
        {{ ordered_pick('current_status', 'chain_depth desc, created_at desc, message_id desc') }} as final_status,
        {{ ordered_pick('current_status_at', 'chain_depth desc, created_at desc, message_id desc') }}
            as final_status_at,
        -- the attempt that got through
        {{ ordered_pick('channel', 'delivered_at, message_id', filter="current_status = 'delivered'") }}
            as delivered_channel,
        min(delivered_at) filter (where current_status = 'delivered') as delivered_at,
        bool_or(chain_depth = 0) as is_root_present,
        bool_or(is_sent) as is_sent,
        min(first_sent_at) as first_sent_at,
        count(*) as message_count,
        cast(sum(case when channel = 'sms' then sms_segments else 0 end) as bigint) as sms_segments,
        max(last_export_date) as last_export_date
    from members
    group by notification_id
),

final as (
    select
        notification_id,
        company_id,
        first_channel,
        coalesce(delivered_channel, final_channel) as channel,
        final_message_id,
        -- delivered as soon as one attempt of the chain is delivered, else the last attempt's status
        case when delivered_channel is not null then 'delivered' else final_status end as status,
        case when delivered_channel is not null then delivered_at else final_status_at end as status_at,
        template_id,
        is_optional,
        scheduled_for,
        created_at,
        local_date,
        is_sent,
        delivered_channel is not null as is_delivered,
        first_sent_at,
        delivered_at,
        -- from the moment it was due (creation, or the scheduled time of a delayed message)
        case
            when delivered_channel is not null
                then greatest(
                    {{ seconds_between(
                        'greatest(created_at, coalesce(scheduled_for, created_at))', 'delivered_at'
                    ) }},
                    0
                )
        end as seconds_to_deliver,
        message_count,
        message_count - 1 as fallback_count,
        message_count > 1 as has_fallback,
        is_root_present,
        sms_segments,
        last_export_date
    from folded
)

select * from final
