with

daily as (
    select * from {{ ref('fct_engagement_daily') }}
),

steps as (
    select local_date, company_id, experience_id, device, 1 as step_number, 'Sessions' as step_name, sessions as value
    from daily
    union all
    select local_date, company_id, experience_id, device, 2, 'Sessions with conversation', sessions_with_conversation
    from daily
    union all
    select local_date, company_id, experience_id, device, 3, 'Chat starts', chat_starts
    from daily
    union all
    select local_date, company_id, experience_id, device, 4, 'New customers', new_customers
    from daily
    union all
    select local_date, company_id, experience_id, device, 5, 'Single opt-ins', web_push_soi + reminder_soi
    from daily
    union all
    select local_date, company_id, experience_id, device, 6, 'Double opt-ins', web_push_doi + reminder_doi
    from daily
),

final as (
    select
        local_date,
        company_id,
        experience_id,
        device,
        cast(step_number as integer) as step_number,
        step_name,
        cast(value as bigint) as value
    from steps
)

select * from final
