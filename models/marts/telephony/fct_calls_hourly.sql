with

calls as (
    select * from {{ ref('fct_calls') }}
),

final as (
    select
        local_date,
        local_hour,
        company_id,
        direction,
        telephony_service,
        count(*) as calls,
        count(*) filter (where is_answered) as answered_calls,
        count(*) filter (where is_missed) as missed_calls,
        {{ marts_sum_seconds('duration_seconds') }} as duration_seconds,
        cast(sum(billable_seconds) as bigint) as billable_seconds,
        sum(billable_seconds) / 60.0 as billable_minutes,
        cast(count(*) filter (where is_answered) as double) / count(*) as answer_ratio,
        {{ marts_sum_seconds('duration_seconds') }}
        / nullif(count(*) filter (where is_answered), 0) as avg_duration_seconds
    from calls
    group by all
)

select * from final
