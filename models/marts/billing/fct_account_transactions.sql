{#- Every movement of a company's prepaid balance with the running balance: refills, package
    activations and renewals, adjustments and refunds from the platform's export, and the charge
    of each issued (final) invoice (pay-as-you-go usage). Amounts in the company's billing currency
    (a transaction in another currency is converted at the rate of its UTC date). Small: rebuilt. -#}

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

platform_transactions as (
    select
        txn.txn_id as transaction_id,
        txn.company_id,
        txn.kind as transaction_type,
        txn.occurred_at,
        txn.package_id,
        cast(null as varchar) as invoice_id,
        txn.amount as original_amount,
        txn.currency as original_currency,
        companies.currency,
        case
            when txn.currency = companies.currency then cast(txn.amount as decimal(38, 12))
            else {{ billing_divide('txn.amount * rate_to.units_per_usd', 'rate_from.units_per_usd') }}
        end as amount_exact
    from {{ ref('stg_platform__balance_transactions') }} as txn
    inner join companies on txn.company_id = companies.company_id
    asof left join rates as rate_from
        on txn.currency = rate_from.currency and cast(txn.occurred_at as date) >= rate_from.rate_date
    asof left join rates as rate_to
        on companies.currency = rate_to.currency and cast(txn.occurred_at as date) >= rate_to.rate_date
),

invoice_charges as (
    select
        invoice_id as transaction_id,
        company_id,
        'invoice_charge' as transaction_type,
        issued_at as occurred_at,
        cast(null as bigint) as package_id,
        invoice_id,
        -total_amount as original_amount,
        currency as original_currency,
        currency,
        cast(-total_amount as decimal(38, 12)) as amount_exact
    from {{ ref('fct_invoices') }}
    where invoice_status = 'final'
),

unioned as (
    select * from platform_transactions
    union all
    select * from invoice_charges
),

final as (
    select
        unioned.transaction_id,
        unioned.company_id,
        unioned.transaction_type,
        unioned.occurred_at,
        {{ local_date('unioned.occurred_at', 'companies.timezone') }} as local_date,
        {{ billing_month_of('unioned.occurred_at', 'companies.timezone') }} as billing_month,
        unioned.package_id,
        unioned.invoice_id,
        cast(unioned.original_amount as decimal(18, 4)) as original_amount,
        unioned.original_currency,
        {{ billing_round_money('unioned.amount_exact', 'unioned.currency') }} as amount,
        unioned.currency,
        cast(sum({{ billing_round_money('unioned.amount_exact', 'unioned.currency') }}) over (
            partition by unioned.company_id
            order by unioned.occurred_at, unioned.transaction_id
            rows between unbounded preceding and current row
        ) as decimal(18, 4)) as balance_after
    from unioned
    left join companies on unioned.company_id = companies.company_id
)

select * from final
