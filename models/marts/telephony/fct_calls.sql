{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='call_id',
        on_schema_change='append_new_columns',
    )
}}

with

time_zones as (
    select
        company_id,
        timezone,
        timezone_export_date
    from {{ ref('int_company_time_zones') }}
),

calls as (
    -- calls exported in the window, and every call of a company whose time zone came into force in it
    select * from {{ ref('stg_platform__calls') }}
    where
        {{ in_export_window('export_date', this_column='export_date') }}
        or company_id in ({{ companies_retimed_in_window(this_column='export_date') }})
),

companies as (
    select
        company_id,
        tariff_owner_id
    from {{ ref('dim_companies') }}
),

tariffs as (
    -- tariffs of the call services (priced per minute, seed services)
    select * from {{ ref('stg_platform__tariffs') }}
    where service in (
        select services.service from {{ ref('services') }} as services
        where services.unit = 'minute'
    )
),

call_tariffs as (
    -- the tariff valid at answered_at: the owner's row for the company if any, else the owner's default;
    -- owner = the company's reseller, else the platform (0)
    select
        calls.call_id,
        {{ ordered_pick('tariffs.rounding_seconds', 'tariffs.company_id asc nulls last, tariffs.valid_from desc') }}
            as rounding_seconds,
        {{ ordered_pick('tariffs.tariff_id', 'tariffs.company_id asc nulls last, tariffs.valid_from desc') }}
            as tariff_id
    from calls
    inner join companies on calls.company_id = companies.company_id
    inner join tariffs
        on
            companies.tariff_owner_id = tariffs.owner_id
            and tariffs.service = 'call_' || calls.direction
            and (calls.company_id = tariffs.company_id or tariffs.company_id is null)
            and calls.answered_at >= tariffs.valid_from
            and (calls.answered_at < tariffs.valid_to or tariffs.valid_to is null)
    where calls.answered_at is not null
    group by calls.call_id
),

final as (
    select
        calls.call_id,
        calls.company_id,
        calls.direction,
        case calls.direction when 'outbound' then 'legacy' when 'inbound' then 'new' end as telephony_service,
        calls.bot_id,
        calls.disposition,
        calls.started_at,
        calls.answered_at,
        calls.ended_at,
        {{ local_timestamp('calls.started_at', 'time_zones.timezone') }} as local_started_at,
        cast({{ local_timestamp('calls.started_at', 'time_zones.timezone') }} as date) as local_date,
        cast(extract(hour from {{ local_timestamp('calls.started_at', 'time_zones.timezone') }}) as integer)
            as local_hour,
        calls.answered_at is not null as is_answered,
        calls.answered_at is null as is_missed,
        cast(calls.talk_seconds as double) as duration_seconds,
        call_tariffs.tariff_id,
        coalesce(call_tariffs.rounding_seconds, 1) as rounding_seconds,
        -- talk time rounded up to the tariff's unit (1 = per second, 60 = per started minute)
        case
            when calls.answered_at is not null
                then cast(
                    ceil(calls.talk_seconds / coalesce(call_tariffs.rounding_seconds, 1))
                    * coalesce(call_tariffs.rounding_seconds, 1) as bigint
                )
            else 0
        end as billable_seconds,
        calls.export_date,
        -- the last export day that changed the row: its own, or its company's time zone
        greatest(calls.export_date, coalesce(time_zones.timezone_export_date, calls.export_date)) as last_export_date
    from calls
    left join time_zones on calls.company_id = time_zones.company_id
    left join call_tariffs on calls.call_id = call_tariffs.call_id
)

select * from final
