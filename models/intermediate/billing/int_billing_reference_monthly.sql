{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
) }}

{#- The company reference a closed billing month is rated with: every company's billing currency,
    reseller and time zone, copied once when the month closes (macro billing_reference_frozen_at) and
    never changed after. A company's later currency or reseller change therefore never reaches a
    closed month (late usage is priced as the month was invoiced); open months use the current row.
    Append-only: months already frozen are not read again. -#}

with

{{ billing_closing_months() }},

companies as (
    select
        company_id,
        parent_company_id,
        currency,
        timezone,
        updated_at
    from {{ ref('stg_platform__companies') }}
),

final as (
    select
        closing_months.billing_month,
        companies.company_id,
        companies.parent_company_id,
        companies.currency,
        companies.timezone,
        companies.updated_at as reference_updated_at,
        as_of.as_of as frozen_at
    from closing_months
    cross join companies
    cross join as_of
)

select * from final
