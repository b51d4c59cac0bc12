{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='notification_id',
        on_schema_change='append_new_columns',
        post_hook=[
            "{% if is_incremental() %}{{ delete_rows_where('stored', 'stored.notification_id in (select chains.message_id from ' ~ ref('int_notification_chains') ~ ' as chains)') }}{% endif %}",
        ],
    )
}}
{#- The post-hook drops rows keyed by a message that has since turned out to be a fallback of another
    (its ancestor arrived late): that chain now lives under its true root. -#}

with

messages as {{ not_materialized() }} (
    select * from {{ ref('int_notification_message_statuses') }}
),

chains as {{ not_materialized() }} (
    select * from {{ ref('int_notification_chains') }}
),

window_messages as (
    select message_id from messages
    where {{ in_export_window('last_export_date') }}
),

chain_roots as (
    -- notifications with fallback messages (keyed by their root): the few that need folding
    select distinct chains.root_message_id as notification_id
    from chains
),

single_messages as (
    -- a notification without fallbacks is its one message, taken as it is when the window touched it: no
    -- grouping, so the bulk of the history streams through
    select
        messages.message_id as notification_id,
        messages.company_id,
        messages.channel as first_channel,
        messages.template_id,
        messages.is_optional,
        messages.scheduled_for,
        messages.created_at,
        messages.local_date,
        messages.message_id as final_message_id,
        messages.channel as final_channel,
        messages.current_status as final_status,
        messages.current_status_at as final_status_at,
        case when messages.current_status = 'delivered' then messages.channel end as delivered_channel,
        case when messages.current_status = 'delivered' then messages.delivered_at end as delivered_at,
        true as is_root_present,
        messages.is_sent,
        messages.first_sent_at,
        cast(1 as bigint) as message_count,
        cast(case when messages.channel = 'sms' then messages.sms_segments else 0 end as bigint) as sms_segments,
        messages.last_export_date
    from messages
    anti join chains on messages.message_id = chains.message_id
    anti join chain_roots on messages.message_id = chain_roots.notification_id
    where {{ in_export_window('messages.last_export_date') }}
),

affected_chain_roots as (
    -- chains touched by the window: the roots of its fallback messages, and its messages that are roots
    select chains.root_message_id as notification_id
    from window_messages
    inner join chains on window_messages.message_id = chains.message_id
    union
    select chain_roots.notification_id
    from chain_roots
    semi join window_messages on chain_roots.notification_id = window_messages.message_id
),

chain_member_keys as (
    select
        notification_id,
        notification_id as message_id,
        0 as chain_depth
    from affected_chain_roots
    union all
    select
        chains.root_message_id as notification_id,
        chains.message_id,
        chains.chain_depth
    from chains
    semi join affected_chain_roots on chains.root_message_id = affected_chain_roots.notification_id
),

chain_members as (
    select
        chain_member_keys.notification_id,
        chain_member_keys.chain_depth,
        messages.*
    from chain_member_keys
    inner join messages on chain_member_keys.message_id = messages.message_id
),

ranked_chain_members as (
    -- the first attempt (the root, or the earliest message present), the last one, and the first delivered
    -- one; ranked by window functions, which spill to disk, where ordered aggregates hold every group in memory
    select
        *,
        row_number() over (
            partition by notification_id order by chain_depth, created_at, message_id
        ) as first_rank,
        row_number() over (
            partition by notification_id order by chain_depth desc, created_at desc, message_id desc
        ) as last_rank,
        row_number() over (
            partition by notification_id, current_status = 'delivered' order by delivered_at, message_id
        ) as delivered_rank
    from chain_members
),

folded_chains as (
    select
        notification_id,
        -- the first attempt gives the notification's identity
        max(company_id) filter (where first_rank = 1) as company_id,
        max(channel) filter (where first_rank = 1) as first_channel,
        max(template_id) filter (where first_rank = 1) as template_id,
        bool_or(is_optional) filter (where first_rank = 1) as is_optional,
        max(scheduled_for) filter (where first_rank = 1) as scheduled_for,
        max(created_at) filter (where first_rank = 1) as created_at,
        max(local_date) filter (where first_rank = 1) as local_date,
        -- the last attempt of the chain
        max(message_id) filter (where last_rank = 1) as final_message_id,
        max(channel) filter (where last_rank = 1) as final_channel,
        max(current_status) filter (where last_rank = 1) as final_status,
        max(current_status_at) filter (where last_rank = 1) as final_status_at,
        -- the attempt that got through
        max(channel) filter (where current_status = 'delivered' and delivered_rank = 1) as delivered_channel,
        min(delivered_at) filter (where current_status = 'delivered') as delivered_at,
        bool_or(chain_depth = 0) as is_root_present,
        bool_or(is_sent) as is_sent,
        min(first_sent_at) as first_sent_at,
        count(*) as message_count,
        cast(sum(case when channel = 'sms' then sms_segments else 0 end) as bigint) as sms_segments,
        max(last_export_date) as last_export_date
    from ranked_chain_members
    group by notification_id
),

folded as (
    select * from single_messages
    union all
    select * from folded_chains
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
