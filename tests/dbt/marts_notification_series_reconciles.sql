-- The notifications time series in company-local time equals the daily mart, row for row.
with

series as (
    select
        local_date,
        company_id,
        channel,
        status,
        notifications_created,
        notifications_sent,
        notifications_delivered
    from {{ ref('fct_notification_series_daily') }}
    where time_zone = '{{ company_local_time_zone() }}'
),

daily as (
    select
        local_date,
        company_id,
        channel,
        status,
        notifications_created,
        notifications_sent,
        notifications_delivered
    from {{ ref('fct_notifications_daily') }}
),

differences as (
    (
        select * from series
        except all
        select * from daily
    )
    union all
    (
        select * from daily
        except all
        select * from series
    )
)

select * from differences
