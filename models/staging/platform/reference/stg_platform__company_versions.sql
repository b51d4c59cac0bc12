with

source as (
    select * from {{ source('platform', 'companies') }}
),

day_versions as (
    -- the version of a company that wins within one export day (same order as stg_platform__companies):
    -- the history of a company's time zone per export day is built on it
    select * from source
    qualify row_number() over (
        partition by company_id, _export_date order by updated_at desc, _source_file desc, _line_number desc
    ) = 1
),

renamed as (
    select
        company_id,
        timezone,
        updated_at,
        _export_date as export_date
    from day_versions
)

select * from renamed
