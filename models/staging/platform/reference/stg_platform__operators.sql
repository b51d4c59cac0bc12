with

source as (
    select * from {{ source('platform', 'operators') }}
),

latest as (
    -- reference rows are upserts: the latest updated_at wins per key
    select * from source
    qualify row_number() over (
        partition by operator_id order by updated_at desc, _export_date desc, _source_file desc, _line_number desc
    ) = 1
),

renamed as (
    select
        operator_id,
        company_id,
        name as operator_name,
        group_id as operator_group_id,
        group_name as operator_group_name,
        is_active,
        updated_at,
        _export_date as export_date
    from latest
)

select * from renamed
