{{ config(unique_key='event_id') }}

with

source as (
    select * from {{ source('platform', 'notification_events') }}
    where {{ in_export_window('_export_date', 'export_date') }}
),

deduplicated as (
    -- exact duplicates and re-exports: the first export of a key is the one kept
    select * from source
    qualify row_number() over (partition by event_id order by _export_date, _source_file, _line_number) = 1
),

renamed as (
    select
        event_id,
        message_id,
        lower(trim(status)) as status,
        error_code,
        occurred_at,
        _export_date as export_date
    from deduplicated
)

select batch.* from renamed as batch
where {{ not_seen_before('event_id') }}
