{#- The time zone of each company and the export day since which it is the one in force. Local dates are
    derived from it downstream; an incremental model recomputes a company's rows when that day falls in its
    window: the company's row arrived for the first time (its events were dated in UTC until then) or its
    time zone changed. -#}

with

versions as (
    select
        company_id,
        coalesce(timezone, 'UTC') as timezone,
        updated_at,
        export_date
    from {{ ref('stg_platform__company_versions') }}
),

states as (
    -- the time zone in force at the end of each export day that brought a version: the latest updated_at
    -- among the versions known by then wins (a late-arriving older version changes nothing)
    select
        company_days.company_id,
        company_days.export_date,
        {{ ordered_pick('known.timezone', 'known.updated_at desc, known.export_date desc') }} as timezone
    from versions as company_days
    inner join versions as known
        on company_days.company_id = known.company_id and company_days.export_date >= known.export_date
    group by company_days.company_id, company_days.export_date
),

current_zones as (
    select
        company_id,
        {{ ordered_pick('timezone', 'export_date desc') }} as timezone
    from states
    group by company_id
),

last_other_zones as (
    -- the last export day on which another time zone (or none) was in force
    select
        states.company_id,
        max(states.export_date) filter (where states.timezone <> current_zones.timezone) as last_other_export_date
    from states
    inner join current_zones on states.company_id = current_zones.company_id
    group by states.company_id
),

final as (
    select
        current_zones.company_id,
        current_zones.timezone,
        min(states.export_date) as timezone_export_date
    from current_zones
    inner join last_other_zones on current_zones.company_id = last_other_zones.company_id
    inner join states
        on
            current_zones.company_id = states.company_id
            and states.export_date > coalesce(last_other_zones.last_other_export_date, date '1900-01-01')
    group by current_zones.company_id, current_zones.timezone
)

select * from final
