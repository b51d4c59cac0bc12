{{ config(post_hook="{{ delete_vanished_widget_event_dates('true', ref('fct_widget_sessions')) }}") }}
{#- Incremental by local date: a run recomputes every local date touched by the export window (all
    sessions and widget events of those dates, late ones included) and replaces those dates whole.
    Staged widget events are never replaced once loaded; sessions are (a late event merges sessions),
    so a date whose session count changed is recomputed too. -#}

with

all_sessions as {{ not_materialized() }} (
    select * from {{ ref('fct_widget_sessions') }}
),

widget_events as {{ not_materialized() }} (
    select * from {{ ref('stg_platform__widget_events') }}
),

time_zones as (
    select
        company_id,
        timezone
    from {{ ref('int_company_time_zones') }}
),

{% if is_incremental() %}
    stored_counts as (
        select
            local_date,
            sum(sessions) as row_count
        from {{ this }}
        group by local_date
    ),

    upstream_counts as (
        select
            local_date,
            count(*) as row_count
        from all_sessions
        group by local_date
    ),

    affected_dates as (
        -- the dates touched by the export window
        select local_date from all_sessions
        where {{ in_export_window('last_export_date') }}
        union
        -- dates whose rows moved to another date or were deleted upstream: the stored count no longer matches
        select coalesce(upstream_counts.local_date, stored_counts.local_date) as local_date
        from upstream_counts
        full outer join stored_counts on upstream_counts.local_date = stored_counts.local_date
        where upstream_counts.row_count is distinct from stored_counts.row_count
        union
        {{ widget_event_window_dates('widget_events') }}
    ),
{% endif %}

sessions as (
    select * from all_sessions
    {% if is_incremental() %}
        where local_date in (select affected_dates.local_date from affected_dates)
    {% endif %}
),

events as (
    select
        widget_events.*,
        cast({{ local_timestamp('widget_events.occurred_at', 'time_zones.timezone') }} as date) as event_local_date,
        coalesce(widget_events.device, 'unknown') as event_device
    from widget_events
    left join time_zones on widget_events.company_id = time_zones.company_id
    {% if is_incremental() %}
        where
            {{ near_affected_dates('widget_events.occurred_at') }}
            and cast({{ local_timestamp('widget_events.occurred_at', 'time_zones.timezone') }} as date)
            in (select affected_dates.local_date from affected_dates)
    {% endif %}
),

session_counts as (
    select
        local_date,
        company_id,
        experience_id,
        device,
        count(*) as sessions,
        count(*) filter (where has_conversation) as sessions_with_conversation,
        count(*) filter (where is_bounce) as bounces,
        {{ sum_seconds_exact('screen_seconds') }} / 60.0 as screen_time_minutes,
        max(last_export_date) as last_export_date
    from sessions
    group by all
),

event_counts as (
    select
        event_local_date as local_date,
        company_id,
        experience_id,
        event_device as device,
        count(*) filter (where event_type = 'chat_open') as chat_starts,
        count(distinct visitor_id) filter (where event_type = 'chat_open') as participants,
        count(*) filter (where event_type = 'signup') as new_customers,
        count(*) filter (where event_type = 'web_push_asked') as web_push_asked,
        count(*) filter (where event_type = 'web_push_soi') as web_push_soi,
        count(*) filter (where event_type = 'web_push_doi') as web_push_doi,
        count(*) filter (where event_type = 'reminder_soi') as reminder_soi,
        count(*) filter (where event_type = 'reminder_doi') as reminder_doi,
        count(*) filter (where event_type = 'share_facebook') as shares_facebook,
        count(*) filter (where event_type = 'share_email') as shares_email,
        count(*) filter (where event_type = 'share_native') as shares_native,
        count(*) filter (where event_type = 'share_twitter') as shares_twitter,
        count(*) filter (where event_type = 'share_whatsapp') as shares_whatsapp,
        count(*) filter (where event_type = 'participation') as participations,
        count(*) filter (where event_type = 'advent_door_opened') as advent_doors_opened,
        count(*) filter (where event_type = 'pin_sent') as pins_sent,
        count(*) filter (where event_type = 'pin_succeeded') as pins_succeeded,
        count(*) filter (where event_type = 'pin_failed') as pins_failed,
        count(*) filter (where event_type = 'customer_deleted') as customers_deleted,
        count(*) filter (where event_type = 'data_entered') as data_entered,
        count(*) filter (where event_type = 'module_visit') as module_visits,
        count(*) filter (where event_type = 'nps_rating' and nps_score between 1 and 10) as nps_ratings,
        count(*) filter (
            where event_type = 'nps_rating' and {{ nps_category('nps_score') }} = 'detractor'
        ) as nps_detractors,
        count(*) filter (
            where event_type = 'nps_rating' and {{ nps_category('nps_score') }} = 'passive'
        ) as nps_passives,
        count(*) filter (
            where event_type = 'nps_rating' and {{ nps_category('nps_score') }} = 'promoter'
        ) as nps_promoters,
        max(export_date) as last_export_date
    from events
    group by all
),

joined as (
    select
        coalesce(session_counts.local_date, event_counts.local_date) as local_date,
        coalesce(session_counts.company_id, event_counts.company_id) as company_id,
        coalesce(session_counts.experience_id, event_counts.experience_id) as experience_id,
        coalesce(session_counts.device, event_counts.device) as device,
        coalesce(session_counts.sessions, 0) as sessions,
        coalesce(session_counts.sessions_with_conversation, 0) as sessions_with_conversation,
        coalesce(session_counts.bounces, 0) as bounces,
        coalesce(session_counts.screen_time_minutes, 0) as screen_time_minutes,
        greatest(
            coalesce(session_counts.last_export_date, event_counts.last_export_date),
            coalesce(event_counts.last_export_date, session_counts.last_export_date)
        ) as last_export_date,
        event_counts.{{ star_except(['local_date', 'company_id', 'experience_id', 'device', 'last_export_date']) }}
    from session_counts
    full outer join event_counts
        on
            session_counts.local_date = event_counts.local_date
            and session_counts.company_id = event_counts.company_id
            and session_counts.experience_id = event_counts.experience_id
            and session_counts.device = event_counts.device
),

final as (
    select
        local_date,
        company_id,
        experience_id,
        device,
        sessions,
        sessions_with_conversation,
        bounces,
        screen_time_minutes,
        coalesce(chat_starts, 0) as chat_starts,
        coalesce(participants, 0) as participants,
        coalesce(new_customers, 0) as new_customers,
        coalesce(web_push_asked, 0) as web_push_asked,
        coalesce(web_push_soi, 0) as web_push_soi,
        coalesce(web_push_doi, 0) as web_push_doi,
        coalesce(reminder_soi, 0) as reminder_soi,
        coalesce(reminder_doi, 0) as reminder_doi,
        coalesce(shares_facebook, 0) as shares_facebook,
        coalesce(shares_email, 0) as shares_email,
        coalesce(shares_native, 0) as shares_native,
        coalesce(shares_twitter, 0) as shares_twitter,
        coalesce(shares_whatsapp, 0) as shares_whatsapp,
        coalesce(participations, 0) as participations,
        coalesce(advent_doors_opened, 0) as advent_doors_opened,
        coalesce(pins_sent, 0) as pins_sent,
        coalesce(pins_succeeded, 0) as pins_succeeded,
        coalesce(pins_failed, 0) as pins_failed,
        coalesce(customers_deleted, 0) as customers_deleted,
        coalesce(data_entered, 0) as data_entered,
        coalesce(module_visits, 0) as module_visits,
        coalesce(nps_ratings, 0) as nps_ratings,
        coalesce(nps_detractors, 0) as nps_detractors,
        coalesce(nps_passives, 0) as nps_passives,
        coalesce(nps_promoters, 0) as nps_promoters,
        -- NPS = % promoters - % detractors, in points (-100 .. 100)
        100.0 * (coalesce(nps_promoters, 0) - coalesce(nps_detractors, 0)) / nullif(nps_ratings, 0) as nps,
        last_export_date
    from joined
)

select * from final
