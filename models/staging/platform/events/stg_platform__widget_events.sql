{{ config(unique_key='event_id') }}

with

source as (
    select * from {{ source('platform', 'widget_events') }}
    where {{ in_export_window('_export_date', 'export_date') }}
),

deduplicated as (
    -- exact duplicates and re-exports: the first export of a key is the one kept
    select * from source
    qualify row_number() over (partition by event_id order by _export_date, _source_file, _line_number) = 1
),

renamed as (
    select
        events.event_id,
        events.company_id,
        events.experience_id,
        events.visitor_id,
        lower(trim(events.event_type)) as event_type,
        events.module_id,
        events.nps_score,
        events.data_field,
        lower(trim(events.device)) as device,
        events.occurred_at,
        events._export_date as export_date
    from deduplicated as events
)

select batch.* from renamed as batch
where {{ not_seen_before('event_id') }}
