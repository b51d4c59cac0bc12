{%- set steps = [
    (1, 'Sessions', 'sessions'),
    (2, 'Sessions with conversation', 'sessions_with_conversation'),
    (3, 'Chat starts', 'chat_starts'),
    (4, 'New customers', 'new_customers'),
    (5, 'Single opt-ins', 'web_push_soi + reminder_soi'),
    (6, 'Double opt-ins', 'web_push_doi + reminder_doi'),
] -%}

with

daily as (
    select * from {{ ref('fct_engagement_daily') }}
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
            {{ expression }} as step_value
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
        cast(step_value as bigint) as step_value
    from steps
)

select * from final
