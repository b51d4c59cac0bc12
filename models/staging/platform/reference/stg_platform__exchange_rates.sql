with

source as (
    select * from {{ source('platform', 'exchange_rates') }}
),

latest as (
    -- a rate re-exported for the same day replaces the earlier export
    select * from source
    qualify row_number() over (
        partition by date, currency order by _export_date desc, _source_file desc, _line_number desc
    ) = 1
),

renamed as (
    select
        date as rate_date,
        upper(trim(currency)) as currency,
        units_per_usd,
        _export_date as export_date
    from latest
)

select * from renamed
