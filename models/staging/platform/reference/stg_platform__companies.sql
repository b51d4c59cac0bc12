with

source as (
    select * from {{ source('platform', 'companies') }}
),

latest as (
    -- reference rows are upserts: the latest updated_at wins per key
    select * from source
    qualify row_number() over (
        partition by company_id order by updated_at desc, _export_date desc, _source_file desc, _line_number desc
    ) = 1
),

renamed as (
    select
        company_id,
        name as company_name,
        parent_company_id,
        lower(trim(client_type)) as client_type,
        upper(trim(currency)) as currency,
        timezone,
        upper(trim(country)) as country,
        is_test,
        tags,
        created_at,
        updated_at,
        _export_date as export_date
    from latest
)

select * from renamed
