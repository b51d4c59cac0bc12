{#- Every movement of a company's prepaid balance with the running balance: the platform's
    transactions (intermediate.int_account_transactions: refills, package activations and renewals,
    adjustments, refunds, in the billing currency) and the charge of each issued (final) invoice
    (pay-as-you-go usage). Small: rebuilt. -#}

with

companies as (
    select
        company_id,
        timezone
    from {{ ref('stg_platform__companies') }}
),

platform_transactions as (
    select
        transaction_id,
        company_id,
        transaction_type,
        occurred_at,
        package_id,
        cast(null as {{ text_type() }}) as invoice_id,
        original_amount,
        original_currency,
        currency,
        amount_exact
    from {{ ref('int_account_transactions') }}
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
        {{ local_month_start('unioned.occurred_at', 'companies.timezone') }} as billing_month,
        unioned.package_id,
        unioned.invoice_id,
        cast(unioned.original_amount as decimal(18, 4)) as original_amount,
        unioned.original_currency,
        {{ round_to_minor_unit('unioned.amount_exact', 'unioned.currency') }} as amount,
        unioned.currency,
        cast(sum({{ round_to_minor_unit('unioned.amount_exact', 'unioned.currency') }}) over (
            partition by unioned.company_id
            order by unioned.occurred_at, unioned.transaction_id
            rows between unbounded preceding and current row
        ) as decimal(18, 4)) as balance_after
    from unioned
    left join companies on unioned.company_id = companies.company_id
)

select * from final
