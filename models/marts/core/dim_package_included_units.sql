with

packages as (
    select
        package_id,
        included_units
    from {{ ref('stg_platform__packages') }}
    where included_units is not null
),

services as (
    -- included_units is a JSON object: service -> units per month
    select
        package_id,
        included_units,
        {{ unnest_json_keys('included_units') }} as service
    from packages
),

final as (
    select
        package_id,
        lower(trim(service)) as service,
        cast({{ json_text_at_key('included_units', 'service') }} as bigint) as included_units
    from services
)

select * from final
