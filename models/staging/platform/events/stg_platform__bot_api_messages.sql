{{ config(unique_key='message_id') }}

with

source as (
    select * from {{ source('platform', 'bot_api_messages') }}
    where {{ in_export_window('_export_date', 'export_date') }}
),

deduplicated as (
    -- exact duplicates and re-exports: the first export of a key is the one kept
    select * from source
    qualify row_number() over (partition by message_id order by _export_date, _source_file, _line_number) = 1
),

renamed as (
    select
        events.message_id,
        events.company_id,
        events.bot_id,
        events.is_billable,
        events.sent_at,
        events._export_date as export_date
    from deduplicated as events
)

select batch.* from renamed as batch
where {{ not_seen_before('message_id') }}
