with

company_spans as (
    -- first and last event of each company in every event family (UTC)
    select
        company_id,
        min(created_at) as first_at,
        max(created_at) as last_at
    from {{ ref('stg_platform__notifications') }}
    group by company_id
    union all
    select
        company_id,
        min(sent_at) as first_at,
        max(sent_at) as last_at
    from {{ ref('stg_platform__chat_messages') }}
    group by company_id
    union all
    select
        company_id,
        min(occurred_at) as first_at,
        max(occurred_at) as last_at
    from {{ ref('stg_platform__widget_events') }}
    group by company_id
    union all
    select
        company_id,
        min(started_at) as first_at,
        max(started_at) as last_at
    from {{ ref('stg_platform__calls') }}
    group by company_id
    union all
    select
        company_id,
        min(sent_at) as first_at,
        max(sent_at) as last_at
    from {{ ref('stg_platform__bot_api_messages') }}
    group by company_id
    union all
    select
        company_id,
        min(occurred_at) as first_at,
        max(occurred_at) as last_at
    from {{ ref('stg_platform__balance_transactions') }}
    group by company_id
),

time_zones as (
    select
        company_id,
        timezone
    from {{ ref('int_company_time_zones') }}
),

event_dates as (
    -- local dates of every event family, in the time zone in force for the company; the spine covers whole
    -- years around them
    select
        min({{ local_date('company_spans.first_at', 'time_zones.timezone') }}) as min_date,
        max({{ local_date('company_spans.last_at', 'time_zones.timezone') }}) as max_date
    from company_spans
    left join time_zones on company_spans.company_id = time_zones.company_id
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
    select {{ date_series('first_date', 'last_date') }} as date_day
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
        cast({{ calendar_part('iso_year', 'date_day') }} as integer) as iso_year,
        cast({{ calendar_part('iso_week', 'date_day') }} as integer) as iso_week,
        cast({{ calendar_part('iso_day_of_week', 'date_day') }} as integer) as iso_day_of_week,
        {{ calendar_part('day_name', 'date_day') }} as day_name,
        {{ calendar_part('month_name', 'date_day') }} as month_name,
        {{ year_month_text('date_day') }} as year_month_label,
        cast(extract(year from date_day) as {{ text_type() }}) || '-Q'
        || cast(extract(quarter from date_day) as {{ text_type() }})
            as year_quarter,
        {{ calendar_part('iso_day_of_week', 'date_day') }} in (6, 7) as is_weekend
    from spine
)

select * from final
