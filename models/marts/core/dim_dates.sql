with

event_dates as (
    -- UTC dates of every event family, widened by a day: a company's local date is never more than 14 hours
    -- away from its UTC date. The spine covers whole years around them.
    select
        cast(min(created_at) as date) - 1 as min_date,
        cast(max(created_at) as date) + 1 as max_date
    from {{ ref('stg_platform__notifications') }}
    union all
    select
        cast(min(sent_at) as date) - 1 as min_date,
        cast(max(sent_at) as date) + 1 as max_date
    from {{ ref('stg_platform__chat_messages') }}
    union all
    select
        cast(min(occurred_at) as date) - 1 as min_date,
        cast(max(occurred_at) as date) + 1 as max_date
    from {{ ref('stg_platform__widget_events') }}
    union all
    select
        cast(min(started_at) as date) - 1 as min_date,
        cast(max(started_at) as date) + 1 as max_date
    from {{ ref('stg_platform__calls') }}
    union all
    select
        cast(min(sent_at) as date) - 1 as min_date,
        cast(max(sent_at) as date) + 1 as max_date
    from {{ ref('stg_platform__bot_api_messages') }}
    union all
    select
        cast(min(occurred_at) as date) - 1 as min_date,
        cast(max(occurred_at) as date) + 1 as max_date
    from {{ ref('stg_platform__balance_transactions') }}
    union all
    select
        min(cast(created_at as date)) as min_date,
        max(cast(created_at as date)) as max_date
    from {{ ref('stg_platform__companies') }}
),

bounds as (
    select
        cast(date_trunc('year', coalesce(min(min_date), current_date)) as date) as first_date,
        cast(
            date_trunc('year', coalesce(max(max_date), current_date)) + interval 1 year - interval 1 day
            as date
        ) as last_date
    from event_dates
),

spine as (
    select cast(unnest(generate_series(first_date, last_date, interval 1 day)) as date) as date_day
    from bounds
),

final as (
    select
        date_day,
        cast(date_trunc('week', date_day) as date) as week_start,
        cast(date_trunc('month', date_day) as date) as month_start,
        cast(date_trunc('quarter', date_day) as date) as quarter_start,
        cast(date_trunc('year', date_day) as date) as year_start,
        cast(last_day(date_day) as date) as month_end,
        cast(extract(year from date_day) as integer) as year_number,
        cast(extract(quarter from date_day) as integer) as quarter_number,
        cast(extract(month from date_day) as integer) as month_number,
        cast(extract(day from date_day) as integer) as day_of_month,
        cast(isoyear(date_day) as integer) as iso_year,
        cast(week(date_day) as integer) as iso_week,
        cast(isodow(date_day) as integer) as iso_day_of_week,
        dayname(date_day) as day_name,
        monthname(date_day) as month_name,
        strftime(date_day, '%Y-%m') as year_month_label,
        cast(extract(year from date_day) as varchar) || '-Q' || cast(extract(quarter from date_day) as varchar)
            as year_quarter,
        isodow(date_day) in (6, 7) as is_weekend
    from spine
)

select * from final
