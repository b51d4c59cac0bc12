with

chat_configs as (
    select * from {{ ref('stg_platform__chat_configs') }}
),

companies as (
    select
        company_id,
        is_test as company_is_test
    from {{ ref('dim_companies') }}
),

final as (
    select
        chat_configs.chat_config_id,
        chat_configs.company_id,
        chat_configs.chat_config_name,
        chat_configs.messenger,
        chat_configs.platform,
        coalesce(chat_configs.is_test, false) as is_test,
        coalesce(companies.company_is_test, false) as company_is_test,
        -- channels counted by the account-usage report: test and development channels excluded
        not coalesce(chat_configs.is_test, false) as is_countable_channel,
        chat_configs.created_at,
        chat_configs.updated_at
    from chat_configs
    left join companies on chat_configs.company_id = companies.company_id
)

select * from final
