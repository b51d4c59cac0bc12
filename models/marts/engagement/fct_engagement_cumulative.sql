{{ config(post_hook="{{ delete_cumulative_dates_before_first_activity() }}") }}
{#- Incremental from the earliest local date a run affects (a date of daily rows rebuilt in the export
    window, a date of a chat start exported in it, a date whose stored sessions or chat starts no longer
    match, or the day after the last stored date): every date from there on is replaced, its running
    totals continued from the daily figures before it (participants: from the stored total the day
    before, as a visitor counts once, on its first chat start). -#}
{%- set kpis = ['sessions', 'sessions_with_conversation', 'bounces', 'chat_starts', 'new_customers',
                'web_push_soi', 'web_push_doi', 'reminder_soi', 'reminder_doi'] -%}
{%- set summed = kpis + ['nps_ratings', 'nps_detractors', 'nps_promoters'] -%}

-- depends_on: {{ ref('int_company_time_zones') }}

with

companies as (
    select
        company_id,
        timezone
    from {{ ref('dim_companies') }}
),

daily as (
    select
        local_date,
        company_id,
        experience_id,
        {%- for column in summed %}
            sum({{ column }}) as {{ column }},
        {%- endfor %}
        max(last_export_date) as last_export_date
    from {{ ref('fct_engagement_daily') }}
    group by all
),

chat_start_events as {{ not_materialized() }} (
    select
        widget_events.company_id,
        widget_events.experience_id,
        widget_events.visitor_id,
        widget_events.export_date,
        widget_events.occurred_at,
        companies.timezone
    from {{ ref('stg_platform__widget_events') }} as widget_events
    left join companies on widget_events.company_id = companies.company_id
    where widget_events.event_type = 'chat_open'
),

chat_starts as {{ not_materialized() }} (
    -- chat starts with their company-local date: a visitor participates on its first one
    select
        company_id,
        experience_id,
        visitor_id,
        export_date,
        occurred_at,
        {{ local_date('occurred_at', 'timezone') }} as local_date
    from chat_start_events
),

{% if is_incremental() %}
    stored_days as (
        select
            local_date,
            sum(sessions) as sessions,
            sum(chat_starts) as chat_starts
        from {{ this }}
        group by local_date
    ),

    upstream_days as (
        select
            local_date,
            sum(sessions) as sessions,
            sum(chat_starts) as chat_starts
        from daily
        group by local_date
    ),

    affected_dates as (
        select local_date from daily
        where {{ in_export_window('last_export_date') }}
        union all
        select local_date from chat_starts
        where {{ in_export_window('export_date') }}
        union all
        select coalesce(upstream_days.local_date, stored_days.local_date) as local_date
        from upstream_days
        full outer join stored_days on upstream_days.local_date = stored_days.local_date
        where
            coalesce(upstream_days.sessions, 0) <> coalesce(stored_days.sessions, 0)
            or coalesce(upstream_days.chat_starts, 0) <> coalesce(stored_days.chat_starts, 0)
    ),

    recompute_from as (
        -- the spine of every experience grows by the dates after the last stored one
        select
            least(
                (select min(affected_dates.local_date) from affected_dates),
                (select max(stored.local_date) + 1 from {{ this }} as stored)
            ) as local_date
    ),

    participants_before as (
        select
            stored.company_id,
            stored.experience_id,
            stored.cumulative_new_participants as new_participants
        from {{ this }} as stored
        where stored.local_date = (select recompute_from.local_date - 1 from recompute_from)
    ),

    recompute_from_utc as (
        -- no time zone is a day ahead of UTC: a chat start a day before the first recomputed date (UTC) is
        -- on an earlier local date everywhere, so only chat starts after it need their local date
        select {{ dbt.dateadd('day', -1, 'cast(recompute_from.local_date as timestamp)') }} as earliest_at
        from recompute_from
    ),

    visitors_before as (
        -- visitors with a chat start before the recomputed dates
        select company_id, experience_id, visitor_id from chat_start_events
        where occurred_at < (select recompute_from_utc.earliest_at from recompute_from_utc)
        union all
        select company_id, experience_id, visitor_id from chat_starts
        where
            occurred_at >= (select recompute_from_utc.earliest_at from recompute_from_utc)
            and local_date < (select recompute_from.local_date from recompute_from)
    ),
{% else %}
    recompute_from as (
        select cast('0001-01-01' as date) as local_date
    ),

    recompute_from_utc as (
        select cast('0001-01-01' as timestamp) as earliest_at
    ),

    participants_before as (
        select
            cast(null as bigint) as company_id,
            cast(null as bigint) as experience_id,
            cast(null as bigint) as new_participants
        where false
    ),
{% endif %}

totals_before as (
    select
        {%- for column in summed %}
            sum({{ column }}) as {{ column }},
        {%- endfor %}
        company_id,
        experience_id
    from daily
    where local_date < (select recompute_from.local_date from recompute_from)
    group by all
),

first_starts as (
    select
        company_id,
        experience_id,
        visitor_id,
        min(local_date) as first_local_date
    from chat_starts
    where
        local_date >= (select recompute_from.local_date from recompute_from)
        and occurred_at >= (select recompute_from_utc.earliest_at from recompute_from_utc)
    group by all
),

new_participants as (
    -- participants are distinct visitors: each counts on the day of its first chat start
    select
        first_starts.first_local_date as local_date,
        first_starts.company_id,
        first_starts.experience_id,
        count(*) as new_participants
    from first_starts
    {% if is_incremental() %}
    -- a visitor with an earlier chat start counted before the recomputed dates
    where not exists (
        select 1 from visitors_before as earlier
        where
            earlier.company_id = first_starts.company_id
            and earlier.experience_id = first_starts.experience_id
            and earlier.visitor_id = first_starts.visitor_id
    )
    {% endif %}
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
    where dates.date_day >= (select recompute_from.local_date from recompute_from)
),

filled as (
    select
        spine.local_date,
        spine.company_id,
        spine.experience_id,
        {%- for column in summed %}
            coalesce(daily.{{ column }}, 0) as {{ column }},
        {%- endfor %}
        coalesce(new_participants.new_participants, 0) as new_participants,
        daily.last_export_date
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

continued as (
    -- running totals of the recomputed dates start from the totals before them
    select
        filled.*,
        {%- for column in summed %}
            coalesce(totals_before.{{ column }}, 0) as {{ column }}_before,
        {%- endfor %}
        coalesce(participants_before.new_participants, 0) as new_participants_before
    from filled
    left join totals_before
        on
            filled.company_id = totals_before.company_id
            and filled.experience_id = totals_before.experience_id
    left join participants_before
        on
            filled.company_id = participants_before.company_id
            and filled.experience_id = participants_before.experience_id
),

final as (
    select
        local_date,
        company_id,
        experience_id,
        {%- for kpi in kpis + ['new_participants'] %}
            cast({{ kpi }} as bigint) as {{ kpi }},
            cast({{ kpi }}_before + sum({{ kpi }}) over running as bigint) as cumulative_{{ kpi }},
        {%- endfor %}
        100.0 * (
            (nps_promoters_before + sum(nps_promoters) over running)
            - (nps_detractors_before + sum(nps_detractors) over running)
        )
        / nullif(nps_ratings_before + sum(nps_ratings) over running, 0) as cumulative_nps,
        last_export_date
    from continued
    window running as (
        partition by company_id, experience_id order by local_date rows between unbounded preceding and current row
    )
)

select * from final
