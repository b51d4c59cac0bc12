with

source as (
    select * from {{ source('platform', 'chat_configs') }}
),

latest as (
    -- reference rows are upserts: the latest updated_at wins per key
    select * from source
    qualify row_number() over (
        partition by chat_config_id order by updated_at desc, _export_date desc, _source_file desc, _line_number desc
    ) = 1
),

renamed as (
    select
        chat_config_id,
        company_id,
        name as chat_config_name,
        lower(trim(messenger)) as messenger,
        lower(trim(platform)) as platform,
        is_test,
        created_at,
        updated_at,
        _export_date as export_date
    from latest
)

select * from renamed
