with

companies as (
    select * from {{ ref('stg_platform__companies') }}
),

parents as (
    select
        company_id as reseller_id,
        company_name as reseller_name
    from companies
),

dependents as (
    select distinct parent_company_id as company_id
    from companies
    where parent_company_id is not null
),

final as (
    select
        companies.company_id,
        companies.company_name,
        companies.parent_company_id,
        -- the reseller a company depends on; null = a direct client of the platform
        -- (a reseller is not its own reseller: the platform bills it)
        companies.parent_company_id as reseller_id,
        parents.reseller_name,
        coalesce(parents.reseller_name, '(platform direct)') as reseller_label,
        -- who prices this company's usage: its reseller, else the platform (owner 0)
        coalesce(companies.parent_company_id, 0) as tariff_owner_id,
        (
            companies.client_type = 'reseller' or dependents.company_id is not null
        ) as is_reseller,
        companies.client_type,
        companies.currency,
        coalesce(companies.timezone, 'UTC') as timezone,
        companies.country,
        coalesce(companies.is_test, false) as is_test,
        -- client tags (the customer-dynamics filter): distinct, trimmed, sorted; empty list when none
        coalesce({{ tidy_text_list('companies.tags') }}, {{ empty_list() }}) as tags,
        companies.created_at,
        companies.updated_at
    from companies
    left join parents on companies.parent_company_id = parents.reseller_id
    left join dependents on companies.company_id = dependents.company_id
)

select * from final
