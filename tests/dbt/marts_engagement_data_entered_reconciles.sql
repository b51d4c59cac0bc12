-- Data entered per field adds up to the daily total of data_entered events, per company and local date.
with

per_field as (
    select
        local_date,
        company_id,
        sum(entries) as n
    from {{ ref('fct_engagement_data_entered') }}
    group by 1, 2
),

daily as (
    select
        local_date,
        company_id,
        sum(data_entered) as n
    from {{ ref('fct_engagement_daily') }}
    group by 1, 2
    having sum(data_entered) > 0
),

mismatches as (
    select
        local_date,
        company_id,
        per_field.n as per_field_n,
        daily.n as daily_n
    from per_field
    full outer join daily using (local_date, company_id)
    where per_field.n is distinct from daily.n
)

select * from mismatches
