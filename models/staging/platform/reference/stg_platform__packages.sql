with

source as (
    select * from {{ source('platform', 'packages') }}
),

latest as (
    -- reference rows are upserts: the latest updated_at wins per key
    select * from source
    qualify row_number() over (
        partition by package_id order by updated_at desc, _export_date desc, _source_file desc, _line_number desc
    ) = 1
),

renamed as (
    select
        package_id,
        name as package_name,
        upper(trim(currency)) as currency,
        price,
        included_units,
        updated_at,
        _export_date as export_date
    from latest
)

select * from renamed
