with

bots as (
    select * from {{ ref('stg_platform__bots') }}
),

final as (
    select
        bot_id,
        company_id,
        bot_name,
        updated_at
    from bots
)

select * from final
