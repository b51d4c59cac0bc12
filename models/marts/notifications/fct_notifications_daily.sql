with

notifications as (
    select * from {{ ref('fct_notifications') }}
),

final as (
    select
        local_date,
        company_id,
        channel,
        status,
        count(*) as notifications_created,
        count(*) filter (where is_sent) as notifications_sent,
        count(*) filter (where status = 'delivered') as notifications_delivered,
        count(*) filter (where status = 'undelivered') as notifications_undelivered,
        count(*) filter (where status = 'error') as notifications_error,
        count(*) filter (where status = 'canceled') as notifications_canceled,
        cast(count(*) filter (where status = 'delivered') as double)
        / nullif(count(*) filter (where is_sent), 0) as delivery_rate,
        quantile_cont(seconds_to_deliver, 0.5) as median_seconds_to_deliver,
        quantile_cont(seconds_to_deliver, 0.95) as p95_seconds_to_deliver,
        {{ marts_sum_seconds('seconds_to_deliver') }} as total_seconds_to_deliver,
        count(*) filter (where has_fallback) as notifications_with_fallback,
        cast(sum(fallback_count) as bigint) as fallback_messages
    from notifications
    group by local_date, company_id, channel, status
)

select * from final
