{{ config(post_hook=["{{ delete_vanished_dates(ref('fct_notifications')) }}"]) }}
{#- Incremental by local date: a run recomputes every local date touched by the export window (all
    notifications of those dates, late ones included) and replaces those dates whole. -#}
-- depends_on: {{ ref('int_company_time_zones') }}

with

{{ daily_aggregate_ctes(
    ref('fct_notifications'), 'last_export_date', 'sum(notifications_created)', 'notifications', is_incremental()
) }},

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
        {{ quantile_continuous('seconds_to_deliver', 0.5) }} as median_seconds_to_deliver,
        {{ quantile_continuous('seconds_to_deliver', 0.95) }} as p95_seconds_to_deliver,
        {{ sum_seconds_exact('seconds_to_deliver') }} as total_seconds_to_deliver,
        count(*) filter (where has_fallback) as notifications_with_fallback,
        cast(sum(fallback_count) as bigint) as fallback_messages,
        max(last_export_date) as last_export_date
    from notifications
    group by local_date, company_id, channel, status
)

select * from final
