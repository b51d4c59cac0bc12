with

rates as (
    select * from {{ ref('stg_platform__exchange_rates') }}
),

currencies as (
    select distinct currency from rates
    union
    select 'USD' as currency
),

dates as (
    select date_day from {{ ref('dim_dates') }}
),

grid as (
    select
        dates.date_day,
        currencies.currency
    from dates
    cross join currencies
),

filled as (
    -- the rate of a day is the latest rate on or before it
    select
        grid.date_day,
        grid.currency,
        coalesce(
            {{ last_value_ignoring_nulls('rates.units_per_usd') }} over (
                partition by grid.currency order by grid.date_day
                rows between unbounded preceding and current row
            ),
            case when grid.currency = 'USD' then 1 end
        ) as units_per_usd
    from grid
    left join rates on grid.currency = rates.currency and grid.date_day = rates.rate_date
),

report as (
    select
        date_day,
        units_per_usd as report_units_per_usd
    from filled
    where currency = '{{ var("report_currency") }}'
),

final as (
    select
        filled.date_day as rate_date,
        filled.currency,
        cast(filled.units_per_usd as decimal(18, 6)) as units_per_usd,
        '{{ var("report_currency") }}' as report_currency,
        -- multiply an amount in `currency` by this to get the report currency
        cast(report.report_units_per_usd as double) / cast(filled.units_per_usd as double) as to_report_rate
    from filled
    left join report on filled.date_day = report.date_day
)

select * from final
