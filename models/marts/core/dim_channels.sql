with

notification_channels as (
    select
        'notification' as channel_family,
        channel,
        channel as billing_service
    from (
        select unnest(['sms', 'viber', 'whatsapp', 'email', 'push']) as channel
    ) as channels
),

contract_messengers as (
    select unnest(['telegram', 'whatsapp', 'viber', 'vk', 'facebook', 'instagram', 'web', 'alice']) as messenger
),

configured_messengers as (
    -- messengers seen on chat configurations, in case the platform adds one
    select distinct messenger
    from {{ ref('stg_platform__chat_configs') }}
    where messenger is not null
),

messengers as (
    select
        'messenger' as channel_family,
        messenger as channel,
        case when messenger = 'alice' then 'chat_alice' else 'chat' end as billing_service
    from (
        select messenger from contract_messengers
        union
        select messenger from configured_messengers
    ) as all_messengers
),

unioned as (
    select * from notification_channels
    union all
    select * from messengers
),

final as (
    select
        channel_family || ':' || channel as channel_key,
        channel_family,
        channel,
        case channel
            when 'sms' then 'SMS'
            when 'viber' then 'Viber'
            when 'whatsapp' then 'WhatsApp'
            when 'email' then 'Email'
            when 'push' then 'Push'
            when 'telegram' then 'Telegram'
            when 'vk' then 'VK'
            when 'facebook' then 'Facebook'
            when 'instagram' then 'Instagram'
            when 'web' then 'Web chat'
            when 'alice' then 'Alice (voice assistant)'
            else channel
        end as channel_label,
        billing_service,
        channel = 'alice' as is_voice_assistant
    from unioned
)

select * from final
