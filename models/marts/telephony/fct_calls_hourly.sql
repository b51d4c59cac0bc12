{{ config(post_hook=["{{ delete_vanished_dates(ref('fct_calls')) }}"]) }}
{#- Incremental by local date: a run recomputes every local date touched by the export window (all
    calls of those dates, late ones included) and replaces those dates whole. -#}
-- depends_on: {{ ref('int_company_time_zones') }}

with

{{ daily_aggregate_ctes(
    ref('fct_calls'), 'last_export_date', 'sum(calls)', 'calls', is_incremental()
) }},

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
        {{ sum_seconds_exact('duration_seconds') }} as duration_seconds,
        cast(sum(billable_seconds) as bigint) as billable_seconds,
        sum(billable_seconds) / 60.0 as billable_minutes,
        cast(count(*) filter (where is_answered) as double) / count(*) as answer_ratio,
        {{ sum_seconds_exact('duration_seconds') }}
        / nullif(count(*) filter (where is_answered), 0) as avg_duration_seconds,
        max(last_export_date) as last_export_date
    from calls
    group by all
)

select * from final
