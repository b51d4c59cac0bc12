{{ config(unique_key='call_id') }}

with

source as (
    select * from {{ source('platform', 'calls') }}
    where {{ in_export_window('_export_date', 'export_date') }}
),

deduplicated as (
    -- exact duplicates and re-exports: the first export of a key is the one kept
    select * from source
    qualify row_number() over (partition by call_id order by _export_date, _source_file, _line_number) = 1
),

renamed as (
    select
        events.call_id,
        events.company_id,
        lower(trim(events.direction)) as direction,
        events.bot_id,
        events.from_hash,
        events.to_hash,
        events.started_at,
        events.answered_at,
        events.ended_at,
        lower(trim(events.disposition)) as disposition,
        -- talk time in seconds; zero for calls that were never answered
        coalesce(
            greatest(
                {{ epoch_milliseconds('events.ended_at') }} - {{ epoch_milliseconds('events.answered_at') }}, 0
            ) / 1000.0,
            0
        ) as talk_seconds,
        events._export_date as export_date
    from deduplicated as events
)

select batch.* from renamed as batch
where {{ not_seen_before('call_id') }}
