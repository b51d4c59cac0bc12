{{ config(unique_key='txn_id') }}

with

source as (
    select * from {{ source('platform', 'balance_transactions') }}
    where {{ in_export_window('_export_date', 'export_date') }}
),

deduplicated as (
    -- exact duplicates and re-exports: the first export of a key is the one kept
    select * from source
    qualify row_number() over (partition by txn_id order by _export_date, _source_file, _line_number) = 1
),

renamed as (
    select
        events.txn_id,
        events.company_id,
        lower(trim(events.kind)) as kind,
        events.amount,
        upper(trim(events.currency)) as currency,
        events.package_id,
        events.occurred_at,
        events._export_date as export_date
    from deduplicated as events
)

select batch.* from renamed as batch
where {{ not_seen_before('txn_id') }}
