{{ config(
    materialized='table',
    pre_hook=before_begin("{{ billing_topup_ledger_create() }}"),
) }}

{#- Top-up invoices (orchestration/billing/topup.py, appended to the ledger) with their payment: the
    n-th invoice of a company for an amount and currency is paid by the earliest refill of exactly
    that amount and currency made at or after its creation and not already paying an earlier one
    (greedy in creation order; docs/billing.md, "Top-up invoices"). Small: rebuilt. -#}

with

topups as (
    select
        topup_invoice_id,
        company_id,
        invoice_number,
        company_name,
        issuer_company_id,
        issuer_name,
        amount,
        currency,
        created_at,
        created_by,
        document_path
    from {{ source('billing_ledger', 'topup_invoices') }}
),

refills as (
    select
        transaction_id,
        company_id,
        occurred_at,
        cast(original_amount as decimal(18, 4)) as amount,
        original_currency as currency,
        row_number() over (
            partition by company_id, original_currency, cast(original_amount as decimal(18, 4))
            order by occurred_at, transaction_id
        ) as refill_rank
    from {{ ref('int_account_transactions') }}
    where transaction_type = 'refill'
),

ranked_topups as (
    select
        topups.*,
        row_number() over (
            partition by topups.company_id, topups.currency, topups.amount
            order by topups.created_at, topups.topup_invoice_id
        ) as topup_rank,
        -- rank of the first refill of this amount at or after the invoice's creation
        1 + (
            select count(*) from refills
            where
                refills.company_id = topups.company_id
                and refills.currency = topups.currency
                and refills.amount = topups.amount
                and refills.occurred_at < topups.created_at
        ) as first_eligible_rank
    from topups
),

-- greedy one-to-one matching: refill rank of invoice i = max(rank of i-1 + 1, first eligible of i)
--                                                   = i + max over j <= i of (first eligible of j - j)
matched_ranks as (
    select
        *,
        topup_rank + max(first_eligible_rank - topup_rank) over (
            partition by company_id, currency, amount
            order by topup_rank
            rows between unbounded preceding and current row
        ) as matched_refill_rank
    from ranked_topups
),

final as (
    select
        matched_ranks.topup_invoice_id,
        matched_ranks.company_id,
        matched_ranks.invoice_number,
        matched_ranks.company_name,
        matched_ranks.issuer_company_id,
        matched_ranks.issuer_name,
        matched_ranks.amount,
        matched_ranks.currency,
        matched_ranks.created_at,
        cast(matched_ranks.created_at as date) as created_date,
        matched_ranks.created_by,
        matched_ranks.document_path,
        refills.transaction_id as paid_by_transaction_id,
        refills.occurred_at as paid_at,
        coalesce(refills.transaction_id is not null, false) as is_paid,
        case when refills.transaction_id is not null then 'paid' else 'open' end as topup_status
    from matched_ranks
    left join refills
        on
            matched_ranks.company_id = refills.company_id
            and matched_ranks.currency = refills.currency
            and matched_ranks.amount = refills.amount
            and matched_ranks.matched_refill_rank = refills.refill_rank
)

select * from final
