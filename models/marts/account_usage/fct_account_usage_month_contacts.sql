{#- Unique monthly contacts on every calendar day of their month: a date range that touches a month,
    even a few days in its middle, finds that month's total (the platform's UMC graph shows monthly values
    only). Each month repeats on all its days: count a month once per company, platform and channel (the
    dashboard's metric takes the distinct months), never sum the days. A table (the publish step copies
    tables; a view's references do not resolve in the serving file): days x channels x time-zone views rows. -#}

with

months as (
    select
        time_zone,
        company_id,
        platform,
        chat_config_id,
        chat_config_name,
        cast(period_start as date) as month_start,
        unique_contacts
    from {{ ref('fct_account_usage_by_platform') }}
    where period_grain = 'month'
),

days as (
    select date_day from {{ ref('dim_dates') }}
),

final as (
    select
        days.date_day as local_date,
        months.month_start,
        months.time_zone,
        months.company_id,
        months.platform,
        months.chat_config_id,
        months.chat_config_name,
        months.unique_contacts
    from months
    inner join days
        on
            months.month_start <= days.date_day
            and days.date_day < months.month_start + interval 1 month
)

select * from final
