{{ config(tags=['billing']) }}
{#- Tagged billing: built from billing models (rated usage, account transactions), refreshed with the billing run.
    One row per local date, company, report currency and client-tag view: the dashboard groups the days by date,
    month or year (so a period filter is respected to the day), picks one report currency and one tag view. -#}

{%- set all_clients = '(all clients)' %}

with

daily as (
    select * from {{ ref('int_customer_dynamics_daily') }}
),

companies as (
    select * from {{ ref('dim_companies') }}
),

packages as (
    select
        package_id,
        package_name
    from {{ ref('dim_packages') }}
),

rates as (
    select
        rate_date,
        currency,
        report_currency,
        to_report_rate
    from {{ ref('int_exchange_rates_daily') }}
),

report_currencies as (
    select distinct report_currency from rates
),

tag_views as (
    -- every client, then each client once per tag of it (a client with two tags is in both tag views)
    select
        company_id,
        '{{ all_clients }}' as client_tag
    from companies
    union all
    select
        company_id,
        {{ unnest_list('tags') }} as client_tag
    from companies
),

activity as (
    select
        *,
        {{ month_boundaries_between('last_paid_usage_date', 'local_date') }} as months_since_paid_usage
    from daily
),

durations as (
    -- active for an active duration of D months when the last paid usage is after the day minus D months: the
    -- smallest such D (whole months, at least 1) is one of the month difference minus one, itself or plus one
    select
        *,
        case
            when last_paid_usage_date is null then null
            when
                last_paid_usage_date > local_date - {{ months_interval('greatest(months_since_paid_usage - 1, 1)') }}
                then greatest(months_since_paid_usage - 1, 1)
            when
                last_paid_usage_date > local_date - {{ months_interval('greatest(months_since_paid_usage, 1)') }}
                then greatest(months_since_paid_usage, 1)
            else months_since_paid_usage + 1
        end as min_active_duration_months
    from activity
),

converted as (
    -- every report currency; an amount stays null while its currency has no rate that day (never dropped)
    select
        durations.*,
        report_currencies.report_currency,
        rates.to_report_rate
    from durations
    cross join report_currencies
    left join rates
        on
            durations.local_date = rates.rate_date
            and durations.currency = rates.currency
            and report_currencies.report_currency = rates.report_currency
),

final as (
    select
        converted.local_date,
        converted.company_id,
        converted.report_currency,
        converted.report_currency = '{{ var("report_currency") }}' as is_default_currency,
        tag_views.client_tag,
        companies.client_type,
        companies.reseller_id,
        companies.reseller_label,
        companies.is_test,
        converted.package_id,
        coalesce(packages.package_name, 'package ' || converted.package_id) as package_name,
        converted.last_paid_usage_date,
        cast(converted.min_active_duration_months as integer) as min_active_duration_months,
        coalesce(
            converted.min_active_duration_months <= {{ var('active_duration_months') | int }}, false
        ) as is_active,
        converted.last_paid_usage_date is not null as is_overall_active,
        cast(converted.balance * converted.to_report_rate as decimal(18, 4)) as balance,
        cast(greatest(converted.balance, 0) * converted.to_report_rate as decimal(18, 4)) as positive_balance,
        cast(least(converted.balance, 0) * converted.to_report_rate as decimal(18, 4)) as negative_balance,
        converted.currency as company_currency,
        cast(converted.balance as decimal(18, 4)) as balance_company_currency,
        cast(converted.refills_count as bigint) as refills_count,
        cast(converted.refills_amount * converted.to_report_rate as decimal(18, 4)) as refills_amount,
        cast(converted.package_activations_count as bigint) as package_activations_count,
        cast(converted.package_activations_amount * converted.to_report_rate as decimal(18, 4))
            as package_activations_amount,
        cast(converted.package_renewals_count as bigint) as package_renewals_count,
        cast(converted.package_renewals_amount * converted.to_report_rate as decimal(18, 4))
            as package_renewals_amount,
        cast(converted.payg_amount * converted.to_report_rate as decimal(18, 4)) as payg_amount
    from converted
    inner join tag_views on converted.company_id = tag_views.company_id
    left join companies on converted.company_id = companies.company_id
    left join packages on converted.package_id = packages.package_id
)

select * from final
