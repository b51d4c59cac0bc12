with

daily as (
    select
        local_date,
        company_id,
        experience_id,
        sum(sessions) as sessions,
        sum(sessions_with_conversation) as sessions_with_conversation,
        sum(bounces) as bounces,
        sum(chat_starts) as chat_starts,
        sum(new_customers) as new_customers,
        sum(web_push_soi) as web_push_soi,
        sum(web_push_doi) as web_push_doi,
        sum(reminder_soi) as reminder_soi,
        sum(reminder_doi) as reminder_doi,
        sum(nps_ratings) as nps_ratings,
        sum(nps_detractors) as nps_detractors,
        sum(nps_promoters) as nps_promoters
    from {{ ref('fct_engagement_daily') }}
    group by all
),

new_participants as (
    -- participants are distinct visitors: each counts on the day of its first chat start
    select
        first_local_date as local_date,
        company_id,
        experience_id,
        count(*) as new_participants
    from (
        select
            widget_events.company_id,
            widget_events.experience_id,
            widget_events.visitor_id,
            min(
                cast({{ local_timestamp('widget_events.occurred_at', 'companies.timezone') }} as date)
            ) as first_local_date
        from {{ ref('stg_platform__widget_events') }} as widget_events
        left join {{ ref('dim_companies') }} as companies on widget_events.company_id = companies.company_id
        where widget_events.event_type = 'chat_open'
        group by all
    ) as first_starts
    group by all
),

experiences as (
    select
        company_id,
        experience_id,
        min(local_date) as first_date
    from daily
    group by all
),

spine as (
    -- every date from an experience's first activity to the last date with data
    select
        experiences.company_id,
        experiences.experience_id,
        dates.date_day as local_date
    from experiences
    inner join {{ ref('dim_dates') }} as dates
        on
            experiences.first_date <= dates.date_day
            and dates.date_day <= (select max(daily.local_date) from daily)
),

filled as (
    select
        spine.local_date,
        spine.company_id,
        spine.experience_id,
        coalesce(daily.sessions, 0) as sessions,
        coalesce(daily.sessions_with_conversation, 0) as sessions_with_conversation,
        coalesce(daily.bounces, 0) as bounces,
        coalesce(daily.chat_starts, 0) as chat_starts,
        coalesce(daily.new_customers, 0) as new_customers,
        coalesce(daily.web_push_soi, 0) as web_push_soi,
        coalesce(daily.web_push_doi, 0) as web_push_doi,
        coalesce(daily.reminder_soi, 0) as reminder_soi,
        coalesce(daily.reminder_doi, 0) as reminder_doi,
        coalesce(daily.nps_ratings, 0) as nps_ratings,
        coalesce(daily.nps_detractors, 0) as nps_detractors,
        coalesce(daily.nps_promoters, 0) as nps_promoters,
        coalesce(new_participants.new_participants, 0) as new_participants
    from spine
    left join daily
        on
            spine.local_date = daily.local_date
            and spine.company_id = daily.company_id
            and spine.experience_id = daily.experience_id
    left join new_participants
        on
            spine.local_date = new_participants.local_date
            and spine.company_id = new_participants.company_id
            and spine.experience_id = new_participants.experience_id
),

final as (
    select
        local_date,
        company_id,
        experience_id,
        {% for kpi in ['sessions', 'sessions_with_conversation', 'bounces', 'chat_starts', 'new_customers',
                       'web_push_soi', 'web_push_doi', 'reminder_soi', 'reminder_doi', 'new_participants'] %}
            cast({{ kpi }} as bigint) as {{ kpi }},
            cast(sum({{ kpi }}) over running as bigint) as cumulative_{{ kpi }},
        {% endfor %}
        100.0 * (sum(nps_promoters) over running - sum(nps_detractors) over running)
        / nullif(sum(nps_ratings) over running, 0) as cumulative_nps
    from filled
    window running as (
        partition by company_id, experience_id order by local_date rows between unbounded preceding and current row
    )
)

select * from final
