with

reference_channels as (
    -- notification channels and messengers of the export contract, with label and billing service
    select
        channel_family,
        channel,
        channel_label,
        billing_service
    from {{ ref('channels') }}
),

configured_messengers as (
    -- messengers seen on chat configurations, in case the platform adds one
    select distinct messenger
    from {{ ref('stg_platform__chat_configs') }}
    where messenger is not null
),

new_messengers as (
    -- a messenger not in the seed yet: named by its code, billed by sender type like any chat
    select
        'messenger' as channel_family,
        configured_messengers.messenger as channel,
        configured_messengers.messenger as channel_label,
        'chat' as billing_service
    from configured_messengers
    where not exists (
        select 1 from reference_channels
        where
            reference_channels.channel_family = 'messenger'
            and reference_channels.channel = configured_messengers.messenger
    )
),

unioned as (
    select * from reference_channels
    union all
    select * from new_messengers
),

final as (
    select
        channel_family || ':' || channel as channel_key,
        channel_family,
        channel,
        channel_label,
        billing_service,
        channel = 'alice' as is_voice_assistant
    from unioned
)

select * from final
