with

packages as (
    select * from {{ ref('stg_platform__packages') }}
),

included_units as (
    select
        package_id,
        count(*) as included_services_count
    from {{ ref('dim_package_included_units') }}
    group by package_id
),

final as (
    select
        packages.package_id,
        packages.package_name,
        packages.currency,
        packages.price,
        coalesce(included_units.included_services_count, 0) as included_services_count,
        packages.updated_at
    from packages
    left join included_units on packages.package_id = included_units.package_id
)

select * from final
