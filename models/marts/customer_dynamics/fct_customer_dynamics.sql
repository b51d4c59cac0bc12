{{ config(tags=['billing']) }}
{#- Tagged billing: built from billing models (rated usage, account transactions), refreshed with the billing run. -#}

{%- set durations = [1, 3, 6, 12] -%}
{%- if var('active_duration_months') | int not in durations -%}
    {%- do durations.append(var('active_duration_months') | int) -%}
{%- endif %}

with

daily as (
    select * from {{ ref('int_customer_dynamics_daily') }}
),

companies as (
    select * from {{ ref('dim_companies') }}
),

durations as (
    select {{ unnest_values(durations) }} as active_duration_months
),

periods as (
    {%- for grain in ['day', 'month', 'year'] %}
        select
            '{{ grain }}' as period_grain,
            cast(date_trunc('{{ grain }}', local_date) as date) as period_start,
            company_id,
            max(local_date) as period_end,
            sum(refills_count) as refills_count,
            cast(sum(refills_amount_report) as decimal(18, 4)) as refills_amount,
            sum(package_activations_count) as package_activations_count,
            cast(sum(package_activations_amount_report) as decimal(18, 4)) as package_activations_amount,
            sum(package_renewals_count) as package_renewals_count,
            cast(sum(package_renewals_amount_report) as decimal(18, 4)) as package_renewals_amount,
            cast(sum(payg_amount_report) as decimal(18, 4)) as payg_amount
        from daily
        group by all
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

period_ends as (
    -- balances, package and last paid usage as of the period's last day
    select
        periods.*,
        daily.balance_report as balance,
        daily.balance as balance_company_currency,
        daily.currency as company_currency,
        daily.package_id,
        daily.last_paid_usage_date
    from periods
    inner join daily on periods.company_id = daily.company_id and periods.period_end = daily.local_date
),

final as (
    select
        period_ends.period_grain,
        period_ends.period_start,
        period_ends.period_end,
        period_ends.company_id,
        cast(durations.active_duration_months as integer) as active_duration_months,
        durations.active_duration_months = {{ var('active_duration_months') | int }} as is_default_duration,
        companies.client_type,
        companies.reseller_id,
        companies.reseller_label,
        companies.is_test,
        period_ends.package_id,
        period_ends.last_paid_usage_date,
        -- active: used a paid service within the active duration up to the period's end
        coalesce(
            period_ends.last_paid_usage_date
            > period_ends.period_end - {{ months_interval('cast(durations.active_duration_months as integer)') }},
            false
        ) as is_active,
        -- overall active: used a paid service at any time up to the period's end
        period_ends.last_paid_usage_date is not null as is_overall_active,
        '{{ var("report_currency") }}' as report_currency,
        period_ends.balance,
        greatest(period_ends.balance, 0) as positive_balance,
        least(period_ends.balance, 0) as negative_balance,
        period_ends.company_currency,
        cast(period_ends.balance_company_currency as decimal(18, 4)) as balance_company_currency,
        cast(period_ends.refills_count as bigint) as refills_count,
        period_ends.refills_amount,
        cast(period_ends.package_activations_count as bigint) as package_activations_count,
        period_ends.package_activations_amount,
        cast(period_ends.package_renewals_count as bigint) as package_renewals_count,
        period_ends.package_renewals_amount,
        period_ends.payg_amount
    from period_ends
    cross join durations
    left join companies on period_ends.company_id = companies.company_id
)

select * from final
