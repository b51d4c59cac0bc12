with

operators as (
    select * from {{ ref('stg_platform__operators') }}
),

final as (
    select
        operator_id,
        company_id,
        operator_name,
        operator_group_id,
        coalesce(operator_group_name, '(no group)') as operator_group_name,
        is_active,
        updated_at
    from operators
)

select * from final
