{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='billing_month',
    on_schema_change='append_new_columns',
) }}

{#- Usage statistics per company, billing month and service (counts, delivered, talk time, units),
    for the reseller report and the monthly Excel report. Only re-rated months are rebuilt. -#}

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

final as (
    select
        company_id,
        billing_month,
        service,
        any_value(reseller_id) as reseller_id,
        cast(count(*) as bigint) as usage_count,
        cast(count(*) filter (where is_delivered) as bigint) as delivered_count,
        cast(sum(usage_quantity) as bigint) as usage_quantity,
        cast({{ integer_divide('coalesce(sum(talk_ms), 0)', '1000') }} as bigint) as talk_seconds,
        cast(sum(billable_base_quantity) as bigint) as billable_base_quantity,
        cast(sum(package_covered_base_quantity) as bigint) as package_covered_base_quantity,
        cast(sum(paid_base_quantity) as bigint) as paid_base_quantity,
        cast(count(*) filter (where rating_issue is not null) as bigint) as unpriced_count,
        cast(sum(company_amount) as decimal(38, 12)) as company_amount_exact,
        any_value(company_currency) as company_currency,
        cast(sum(wholesale_amount) as decimal(38, 12)) as wholesale_amount_exact,
        any_value(wholesale_currency) as wholesale_currency,
        max(month_rated_at) as rated_at
    from rated
    group by company_id, billing_month, service
)

select * from final
