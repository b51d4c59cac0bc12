with

source as (
    select * from {{ source('platform', 'bots') }}
),

latest as (
    -- reference rows are upserts: the latest updated_at wins per key
    select * from source
    qualify row_number() over (
        partition by bot_id order by updated_at desc, _export_date desc, _source_file desc, _line_number desc
    ) = 1
),

renamed as (
    select
        bot_id,
        company_id,
        name as bot_name,
        updated_at,
        _export_date as export_date
    from latest
)

select * from renamed
