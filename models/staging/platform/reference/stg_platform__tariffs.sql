with

source as (
    select * from {{ source('platform', 'tariffs') }}
),

latest as (
    -- reference rows are upserts: the latest updated_at wins per key
    select * from source
    qualify row_number() over (
        partition by tariff_id order by updated_at desc, _export_date desc, _source_file desc, _line_number desc
    ) = 1
),

renamed as (
    select
        tariff_id,
        owner_id,
        company_id,
        lower(trim(service)) as service,
        price,
        upper(trim(currency)) as currency,
        coalesce(rounding_seconds, 1) as rounding_seconds,
        valid_from,
        valid_to,
        updated_at,
        _export_date as export_date
    from latest
)

select * from renamed
