{#- The platform's balance transactions (refills, package activations and renewals, adjustments,
    refunds) in the company's billing currency, with the company-local date and billing month: the
    logic billing.fct_account_transactions (which adds the charges of issued invoices and the running
    balance) and customer dynamics share. A transaction in another currency is converted at the rate
    of its UTC date. Local dates from the company's current time zone (staging keeps UTC). Small: rebuilt. -#}

with

companies as (
    select
        company_id,
        currency,
        timezone
    from {{ ref('stg_platform__companies') }}
),

rates as (
    select
        rate_date,
        currency,
        units_per_usd
    from {{ ref('stg_platform__exchange_rates') }}
    union all
    select
        date '1900-01-01' as rate_date,
        'USD' as currency,
        1.0 as units_per_usd
),

converted as (
    select
        txn.txn_id as transaction_id,
        txn.company_id,
        txn.kind as transaction_type,
        txn.occurred_at,
        companies.timezone,
        txn.package_id,
        txn.amount as original_amount,
        txn.currency as original_currency,
        companies.currency,
        case
            when txn.currency = companies.currency then cast(txn.amount as decimal(38, 12))
            else {{ exact_divide(['txn.amount', 'rate_to.units_per_usd'], 'rate_from.units_per_usd') }}
        end as amount_exact
    from {{ ref('stg_platform__balance_transactions') }} as txn
    inner join companies on txn.company_id = companies.company_id
    {{ asof_left_join(
        'rates', 'rate_from',
        'txn.currency = rate_from.currency and cast(txn.occurred_at as date) >= rate_from.rate_date', 'rate_date') }}
    {{ asof_left_join(
        'rates', 'rate_to',
        'companies.currency = rate_to.currency and cast(txn.occurred_at as date) >= rate_to.rate_date', 'rate_date') }}
),

final as (
    select
        transaction_id,
        company_id,
        transaction_type,
        occurred_at,
        {{ local_date('occurred_at', 'timezone') }} as local_date,
        {{ local_month_start('occurred_at', 'timezone') }} as billing_month,
        package_id,
        cast(original_amount as decimal(18, 4)) as original_amount,
        original_currency,
        cast(amount_exact as decimal(38, 12)) as amount_exact,
        {{ round_to_minor_unit('amount_exact', 'currency') }} as amount,
        currency
    from converted
)

select * from final
