{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='billing_month',
    on_schema_change='append_new_columns',
) }}

{#- What each company owes for a usage month, per invoice-line group, from the current rating:
    its own pay-as-you-go usage and package-covered usage (at its price), and, for a reseller, its
    dependents' usage at the platform's price (one group per dependent company). Rounded to the
    currency's minor unit per group: invoice lines, adjustments and the reseller report all add up
    these rounded amounts, so they reconcile exactly. Only re-rated months are rebuilt. -#}

with

months as (
    {{ billing_rerated_months() }}
),

rated as (
    select
        rated.*,
        months.rated_at as month_rated_at
    from {{ ref('int_rated_usage') }} as rated
    inner join months on rated.billing_month = months.billing_month
),

groups as (
    select
        company_id as billed_company_id,
        billing_month,
        'usage' as line_kind,
        company_id as usage_company_id,
        service,
        company_unit_price as unit_price,
        company_price_currency as price_currency,
        company_currency as currency,
        unit_divisor,
        count(*) as usage_count,
        sum(paid_base_quantity) as quantity_base,
        sum(company_amount) as amount_exact,
        max(month_rated_at) as rated_at
    from rated
    where is_priced and paid_base_quantity > 0
    group by all

    union all

    select
        company_id as billed_company_id,
        billing_month,
        'package' as line_kind,
        company_id as usage_company_id,
        service,
        cast(0 as decimal(18, 6)) as unit_price,
        company_currency as price_currency,
        company_currency as currency,
        unit_divisor,
        count(*) as usage_count,
        sum(package_covered_base_quantity) as quantity_base,
        cast(0 as decimal(38, 12)) as amount_exact,
        max(month_rated_at) as rated_at
    from rated
    where is_priced and package_covered_base_quantity > 0
    group by all

    union all

    select
        reseller_id as billed_company_id,
        billing_month,
        'wholesale' as line_kind,
        company_id as usage_company_id,
        service,
        wholesale_unit_price as unit_price,
        wholesale_price_currency as price_currency,
        wholesale_currency as currency,
        unit_divisor,
        count(*) as usage_count,
        sum(wholesale_base_quantity) as quantity_base,
        sum(wholesale_amount) as amount_exact,
        max(month_rated_at) as rated_at
    from rated
    where reseller_id is not null and wholesale_amount is not null
    group by all
),

final as (
    select
        concat_ws(
            '|', billed_company_id, billing_month, line_kind, usage_company_id, service,
            unit_price, price_currency, currency
        ) as line_key,
        billed_company_id,
        billing_month,
        line_kind,
        usage_company_id,
        service,
        cast(unit_price as decimal(18, 6)) as unit_price,
        price_currency,
        currency,
        cast(unit_divisor as integer) as unit_divisor,
        cast(usage_count as bigint) as usage_count,
        cast(quantity_base as bigint) as quantity_base,
        cast({{ exact_divide('quantity_base', 'unit_divisor') }} as decimal(18, 6)) as quantity,
        cast(amount_exact as decimal(38, 12)) as amount_exact,
        {{ round_to_minor_unit('amount_exact', 'currency') }} as amount,
        rated_at
    from groups
)

select * from final
