{{ config(tags=['billing']) }}
-- Customer dynamics (its days summed by month) counts the same refills and package purchases as the account
-- transactions (renewals include the initial renewal of each activation, as the platform's "Renew Qty").
with

dynamics as (
    select
        company_id,
        cast(date_trunc('month', local_date) as date) as local_month,
        sum(refills_count) as refills_count,
        sum(package_activations_count) as package_activations_count,
        sum(package_renewals_count) as package_renewals_count
    from {{ ref('fct_customer_dynamics') }}
    where is_default_currency and client_tag = '(all clients)'
    group by 1, 2
),

transactions as (
    select
        company_id,
        cast(date_trunc('month', local_date) as date) as local_month,
        count(*) filter (where transaction_type = 'refill') as refills_count,
        count(*) filter (where transaction_type = 'package_activation') as package_activations_count,
        count(*) filter (
            where transaction_type in ('package_activation', 'package_renewal')
        ) as package_renewals_count
    from {{ ref('fct_account_transactions') }}
    where transaction_type in ('refill', 'package_activation', 'package_renewal')
    group by 1, 2
)

select
    transactions.company_id,
    transactions.local_month,
    transactions.refills_count as transaction_refills,
    dynamics.refills_count as dynamics_refills,
    transactions.package_activations_count as transaction_activations,
    dynamics.package_activations_count as dynamics_activations,
    transactions.package_renewals_count as transaction_renewals,
    dynamics.package_renewals_count as dynamics_renewals
from transactions
left join dynamics
    on
        transactions.company_id = dynamics.company_id
        and transactions.local_month = dynamics.local_month
where
    dynamics.company_id is null
    or transactions.refills_count <> dynamics.refills_count
    or transactions.package_activations_count <> dynamics.package_activations_count
    or transactions.package_renewals_count <> dynamics.package_renewals_count
