{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
) }}

{#- The tariffs a closed billing month is rated with: every tariff row as it was when the month
    closed (macro billing_reference_frozen_at), kept for good. A tariff corrected or replaced later
    (an upsert of the same tariff_id) never re-prices a closed month; open months use the current
    rows. Append-only: months already frozen are not read again. -#}

with

{{ billing_closing_months() }},

tariffs as (
    select
        tariff_id,
        owner_id,
        company_id,
        service,
        price,
        currency,
        rounding_seconds,
        valid_from,
        valid_to,
        updated_at
    from {{ ref('stg_platform__tariffs') }}
),

final as (
    select
        closing_months.billing_month,
        tariffs.tariff_id,
        tariffs.owner_id,
        tariffs.company_id,
        tariffs.service,
        tariffs.price,
        tariffs.currency,
        tariffs.rounding_seconds,
        tariffs.valid_from,
        tariffs.valid_to,
        tariffs.updated_at as reference_updated_at,
        as_of.as_of as frozen_at
    from closing_months
    cross join tariffs
    cross join as_of
)

select * from final
