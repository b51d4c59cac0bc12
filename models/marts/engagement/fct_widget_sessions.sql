{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['company_id', 'experience_id', 'visitor_id'],
        on_schema_change='append_new_columns',
    )
}}
{#- A late event can merge or split a visitor's sessions: every session of a visitor with an event in
    the export window is recomputed, and the visitor's old sessions are replaced (unique key = visitor). -#}

with

widget_events as {{ not_materialized() }} (
    select * from {{ ref('stg_platform__widget_events') }}
),

time_zones as (
    select
        company_id,
        timezone,
        timezone_export_date
    from {{ ref('int_company_time_zones') }}
),

window_visitors as (
    -- visitors with an event in the window, and every visitor of a company whose time zone came into force in it
    select distinct
        company_id,
        experience_id,
        visitor_id
    from widget_events
    where
        {{ in_export_window('export_date') }}
        or company_id in ({{ companies_retimed_in_window() }})
),

batch as (
    select widget_events.*
    from widget_events
    inner join window_visitors
        on
            widget_events.company_id = window_visitors.company_id
            and widget_events.experience_id = window_visitors.experience_id
            and widget_events.visitor_id = window_visitors.visitor_id
),

gaps as (
    select
        *,
        lag(occurred_at) over (
            partition by company_id, experience_id, visitor_id order by occurred_at, event_id
        ) as previous_occurred_at
    from batch
),

session_starts as (
    -- a session ends after 30 minutes without activity: a gap of more than 30 minutes starts a new one
    select
        *,
        case
            when previous_occurred_at is null or occurred_at > previous_occurred_at + interval 30 minute then 1
            else 0
        end as is_session_start
    from gaps
),

numbered as (
    select
        *,
        sum(is_session_start) over (
            partition by company_id, experience_id, visitor_id
            order by occurred_at, event_id
            rows between unbounded preceding and current row
        ) as session_number
    from session_starts
),

sessions as (
    select
        company_id,
        experience_id,
        visitor_id,
        session_number,
        min(occurred_at) as started_at,
        max(occurred_at) as ended_at,
        {{ ordered_pick('device', 'occurred_at, event_id') }} as device,
        count(*) as event_count,
        count(*) filter (where event_type in ('user_input', 'button_click')) as interaction_count,
        count(*) filter (where event_type = 'chat_open') as chat_open_count,
        count(*) filter (where event_type = 'module_visit') as module_visit_count,
        count(*) filter (where event_type = 'signup') as signup_count,
        max(export_date) as last_export_date
    from numbered
    group by company_id, experience_id, visitor_id, session_number
),

final as (
    select
        md5(
            cast(sessions.company_id as {{ text_type() }}) || '|'
            || cast(sessions.experience_id as {{ text_type() }}) || '|'
            || sessions.visitor_id || '|' || cast(sessions.started_at as {{ text_type() }})
        ) as session_id,
        sessions.company_id,
        sessions.experience_id,
        sessions.visitor_id,
        cast(sessions.session_number as bigint) as session_number,
        sessions.started_at,
        sessions.ended_at,
        {{ local_timestamp('sessions.started_at', 'time_zones.timezone') }} as local_started_at,
        cast({{ local_timestamp('sessions.started_at', 'time_zones.timezone') }} as date) as local_date,
        coalesce(sessions.device, 'unknown') as device,
        {{ seconds_between('sessions.started_at', 'sessions.ended_at') }} as screen_seconds,
        sessions.event_count,
        sessions.interaction_count > 0 as has_conversation,
        sessions.interaction_count = 0 as is_bounce,
        sessions.chat_open_count > 0 as has_chat_start,
        sessions.chat_open_count,
        sessions.module_visit_count,
        sessions.signup_count,
        -- the last export day that changed the session: one of its events, or its company's time zone
        greatest(sessions.last_export_date, coalesce(time_zones.timezone_export_date, sessions.last_export_date))
            as last_export_date
    from sessions
    left join time_zones on sessions.company_id = time_zones.company_id
)

select * from final
