{{ config(tags=['billing']) }}
{#- Tagged billing: it reads the billing engineer's rated usage and account transactions, so it is
    refreshed with the billing run. Balance movements come from the intermediate layer
    (int_account_transactions) and the ledger of issued invoices (their charges), not from the
    billing mart: an invoice's charge is counted from the billing run after the one that issued it. -#}

with

companies as (
    select * from {{ ref('dim_companies') }}
),

movements as (
    select
        transaction_id,
        company_id,
        transaction_type,
        occurred_at,
        local_date,
        package_id,
        amount
    from {{ ref('int_account_transactions') }}
    union all
    -- the charge of each issued invoice (balance = transactions - issued invoices)
    select
        ledger.invoice_id as transaction_id,
        ledger.company_id,
        'invoice_charge' as transaction_type,
        ledger.issued_at as occurred_at,
        {{ local_date('ledger.issued_at', 'companies.timezone') }} as local_date,
        cast(null as bigint) as package_id,
        -ledger.total_amount as amount
    from {{ source('billing_ledger', 'invoices') }} as ledger
    left join companies on ledger.company_id = companies.company_id
),

transactions as (
    select
        *,
        sum(amount) over (
            partition by company_id
            order by occurred_at, transaction_id
            rows between unbounded preceding and current row
        ) as balance_after
    from movements
),

rated_usage as (
    select * from {{ ref('int_rated_usage') }}
),

rates as (
    select
        rate_date,
        currency,
        to_report_rate
    from {{ ref('int_exchange_rates_daily') }}
),

data_dates as (
    select max(local_date) as last_date from transactions
    where transaction_type <> 'invoice_charge'
    union all
    select max(local_date) from rated_usage
),

first_dates as (
    select
        company_id,
        min(local_date) as first_date
    from transactions
    group by company_id
    union all
    select
        company_id,
        min(local_date) as first_date
    from rated_usage
    group by company_id
    union all
    select
        company_id,
        cast(created_at as date) as first_date
    from companies
),

company_starts as (
    select
        company_id,
        min(first_date) as first_date
    from first_dates
    group by company_id
),

spine as (
    -- every company on every local date from its creation (or first data) to the last date with data
    select
        companies.company_id,
        companies.currency,
        dates.date_day as local_date
    from companies
    inner join company_starts on companies.company_id = company_starts.company_id
    inner join {{ ref('dim_dates') }} as dates
        on
            company_starts.first_date <= dates.date_day
            and dates.date_day <= (select max(data_dates.last_date) from data_dates)
),

transaction_days as (
    select
        company_id,
        local_date,
        count(*) filter (where transaction_type = 'refill') as refills_count,
        sum(amount) filter (where transaction_type = 'refill') as refills_amount,
        -- package transactions debit the balance: the report shows what was charged (positive)
        count(*) filter (where transaction_type = 'package_activation') as package_activations_count,
        -sum(amount) filter (where transaction_type = 'package_activation') as package_activations_amount,
        -- renewals include the initial renewal that comes with each activation (the platform's "Renew Qty")
        count(*) filter (
            where transaction_type in ('package_activation', 'package_renewal')
        ) as package_renewals_count,
        -sum(amount) filter (
            where transaction_type in ('package_activation', 'package_renewal')
        ) as package_renewals_amount,
        {{ ordered_pick('balance_after', 'occurred_at, transaction_id', pick='last') }} as balance_end_of_day,
        {{ ordered_pick(
            'package_id', 'occurred_at, transaction_id',
            filter="transaction_type in ('package_activation', 'package_renewal')", pick='last'
        ) }} as package_id
    from transactions
    group by company_id, local_date
),

usage_days as (
    -- a paid service used that day; pay-as-you-go = what is charged outside the packages
    select
        company_id,
        local_date,
        count(*) as billable_usage_events,
        sum(coalesce(company_amount, 0)) as payg_amount
    from rated_usage
    where billable_units > 0
    group by company_id, local_date
),

daily as (
    select
        spine.company_id,
        spine.local_date,
        spine.currency,
        coalesce(transaction_days.refills_count, 0) as refills_count,
        coalesce(transaction_days.refills_amount, 0) as refills_amount,
        coalesce(transaction_days.package_activations_count, 0) as package_activations_count,
        coalesce(transaction_days.package_activations_amount, 0) as package_activations_amount,
        coalesce(transaction_days.package_renewals_count, 0) as package_renewals_count,
        coalesce(transaction_days.package_renewals_amount, 0) as package_renewals_amount,
        coalesce(usage_days.payg_amount, 0) as payg_amount,
        coalesce(
            {{ last_value_ignoring_nulls('transaction_days.balance_end_of_day') }} over company_days, 0
        ) as balance,
        max(case when usage_days.billable_usage_events > 0 then spine.local_date end) over company_days
            as last_paid_usage_date,
        -- a package is active for the local calendar month of its activation or renewal
        {{ last_value_ignoring_nulls('transaction_days.package_id') }} over company_months as package_id
    from spine
    left join transaction_days
        on spine.company_id = transaction_days.company_id and spine.local_date = transaction_days.local_date
    left join usage_days
        on spine.company_id = usage_days.company_id and spine.local_date = usage_days.local_date
    window
        company_days as (
            partition by spine.company_id order by spine.local_date
            rows between unbounded preceding and current row
        ),
        company_months as (
            partition by spine.company_id, date_trunc('month', spine.local_date) order by spine.local_date
            rows between unbounded preceding and unbounded following
        )
),

final as (
    select
        daily.company_id,
        daily.local_date,
        daily.currency,
        daily.package_id,
        daily.last_paid_usage_date,
        daily.refills_count,
        daily.package_activations_count,
        daily.package_renewals_count,
        daily.balance,
        cast(daily.refills_amount * rates.to_report_rate as decimal(18, 4)) as refills_amount_report,
        cast(daily.package_activations_amount * rates.to_report_rate as decimal(18, 4))
            as package_activations_amount_report,
        cast(daily.package_renewals_amount * rates.to_report_rate as decimal(18, 4)) as package_renewals_amount_report,
        cast(daily.payg_amount * rates.to_report_rate as decimal(18, 4)) as payg_amount_report,
        cast(daily.balance * rates.to_report_rate as decimal(18, 4)) as balance_report,
        rates.to_report_rate
    from daily
    left join rates on daily.local_date = rates.rate_date and daily.currency = rates.currency
)

select * from final
