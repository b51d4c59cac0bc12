{#- Usage events that could not be priced, with the reason (never dropped silently): they are not on
    any invoice until the cause is fixed and their month is re-rated, then they arrive as
    adjustment lines. The monthly run counts them (Dagster metadata, a warning test). -#}

select
    usage_id,
    company_id,
    service,
    usage_at,
    local_date,
    billing_month,
    billable_base_quantity,
    rating_issue,
    company_rating_issue,
    wholesale_rating_issue,
    reseller_id,
    known_export_date
from {{ ref('int_rated_usage') }}
where rating_issue is not null
