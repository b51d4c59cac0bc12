-- depends_on: {{ ref('int_company_time_zones') }}
{{ config(post_hook="{{ delete_vanished_dates(ref('fct_engagement_daily')) }}") }}
{#- Incremental by local date: the dates of daily rows rebuilt in the export window, and the dates whose
    daily row count no longer matches (six funnel steps per daily row), are replaced whole. -#}
{%- set steps = [
    (1, 'Sessions', 'sessions'),
    (2, 'Sessions with conversation', 'sessions_with_conversation'),
    (3, 'Chat starts', 'chat_starts'),
    (4, 'New customers', 'new_customers'),
    (5, 'Single opt-ins', 'web_push_soi + reminder_soi'),
    (6, 'Double opt-ins', 'web_push_doi + reminder_doi'),
] -%}

with

{% if is_incremental() %}
    {{ daily_affected_dates_ctes(ref('fct_engagement_daily'), 'last_export_date', integer_divide('count(*)', steps | length)) }},
{% endif %}

daily as {{ not_materialized() }} (
    select * from {{ ref('fct_engagement_daily') }}
    {% if is_incremental() %}
        where local_date in (select affected_dates.local_date from affected_dates)
    {% endif %}
),

steps as (
    {%- for step_number, step_name, expression in steps %}
        select
            local_date,
            company_id,
            experience_id,
            device,
            {{ step_number }} as step_number,
            '{{ step_name }}' as step_name,
            {{ expression }} as step_value,
            last_export_date
        from daily
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select
        local_date,
        company_id,
        experience_id,
        device,
        cast(step_number as integer) as step_number,
        step_name,
        cast(step_value as bigint) as step_value,
        last_export_date
    from steps
)

select * from final
