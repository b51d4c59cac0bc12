{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='billing_month',
    on_schema_change='append_new_columns',
) }}

{#- One row per billable usage event, priced on both sides. Whole billing months are rated at once
    (package quotas cover a month's first units in event-time order), and a run re-rates only the
    months it touches: the run's billing_month plus the months of usage that arrived since the last
    run. delete+insert on billing_month replaces exactly those months. -#}

with

months_to_rate as (
    {%- if is_incremental() %}
        select distinct billable.billing_month
        from {{ ref('int_billable_usage') }} as billable
        where
            billable.known_export_date >= (
                select coalesce(max(rated.known_export_date), date '1900-01-01') - {{ billing_rescan_days() }}
                from {{ this }} as rated
            )
        {%- if var('billing_month', none) is not none %}
            union
            select {{ billing_run_month() }} as billing_month
        {%- endif %}
    {%- else %}
        select distinct billing_month from {{ ref('int_billable_usage') }}
    {%- endif %}
),

usage as (
    select billable.*
    from {{ ref('int_billable_usage') }} as billable
    semi join months_to_rate on billable.billing_month = months_to_rate.billing_month
),

usage_dates as (
    -- read apart from `usage`: a second reference would make DuckDB materialize every usage row
    select
        min(billable.usage_date_utc) as first_date,
        max(billable.usage_date_utc) as last_date
    from {{ ref('int_billable_usage') }} as billable
    semi join months_to_rate on billable.billing_month = months_to_rate.billing_month
),

current_companies as (
    select
        company_id,
        parent_company_id,
        currency,
        timezone
    from {{ ref('stg_platform__companies') }}
),

frozen_companies as (
    select frozen.*
    from {{ ref('int_billing_reference_monthly') }} as frozen
    semi join months_to_rate on frozen.billing_month = months_to_rate.billing_month
),

companies as (
    -- per month: the copy frozen when the month closed, else (open month, or a company created
    -- after the month closed) the current row
    select
        months_to_rate.billing_month,
        current_companies.company_id,
        case when frozen.company_id is null then current_companies.parent_company_id else frozen.parent_company_id end
            as parent_company_id,
        coalesce(frozen.currency, current_companies.currency) as currency
    from months_to_rate
    cross join current_companies
    left join frozen_companies as frozen
        on
            months_to_rate.billing_month = frozen.billing_month
            and current_companies.company_id = frozen.company_id
),

frozen_tariffs as (
    select frozen.*
    from {{ ref('int_billing_tariffs_monthly') }} as frozen
    semi join months_to_rate on frozen.billing_month = months_to_rate.billing_month
),

tariff_rows as (
    -- per month: the tariff rows frozen when the month closed, else the current rows
    select
        billing_month,
        tariff_id,
        owner_id,
        company_id,
        service,
        price,
        currency,
        rounding_seconds,
        valid_from,
        valid_to
    from frozen_tariffs
    union all
    select
        months_to_rate.billing_month,
        current_tariffs.tariff_id,
        current_tariffs.owner_id,
        current_tariffs.company_id,
        current_tariffs.service,
        current_tariffs.price,
        current_tariffs.currency,
        current_tariffs.rounding_seconds,
        current_tariffs.valid_from,
        current_tariffs.valid_to
    from months_to_rate
    cross join {{ ref('stg_platform__tariffs') }} as current_tariffs
    where months_to_rate.billing_month not in (select frozen_tariffs.billing_month from frozen_tariffs)
),

tariffs as (
    -- an open-ended row is valid until a far date: the validity test is then a plain range, which
    -- joins by hash (an "or valid_to is null" made it a nested loop over every tariff)
    select
        *,
        coalesce(valid_to, cast('9999-12-31' as timestamp)) as valid_until
    from tariff_rows
),

default_tariffs as (
    select * from tariffs
    where company_id is null
),

company_tariffs as (
    select * from tariffs
    where company_id is not null
),

with_company as (
    select
        usage.*,
        companies.company_id is not null as is_known_company,
        companies.currency as company_currency,
        companies.parent_company_id as reseller_id,
        coalesce(companies.parent_company_id, 0) as price_owner_id,
        -- the platform (owner 0) prices a reseller's usage to the reseller; none for a direct company
        case when companies.parent_company_id is not null then 0 end as wholesale_owner_id,
        resellers.currency as reseller_currency
    from usage
    left join companies on usage.company_id = companies.company_id and usage.billing_month = companies.billing_month
    left join companies as resellers
        on companies.parent_company_id = resellers.company_id and usage.billing_month = resellers.billing_month
),

with_tariffs as (
    -- the tariff valid at the event time: the owner's row for the company, else the owner's default;
    -- the company pays its owner's price (reseller or platform), the reseller pays the platform's
    select
        w.*,
        coalesce(own.tariff_id, own_default.tariff_id) as company_tariff_id,
        coalesce(own.price, own_default.price) as company_unit_price,
        coalesce(own.currency, own_default.currency) as company_price_currency,
        coalesce(own.rounding_seconds, own_default.rounding_seconds) as company_rounding_seconds,
        coalesce(wholesale.tariff_id, wholesale_default.tariff_id) as wholesale_tariff_id,
        coalesce(wholesale.price, wholesale_default.price) as wholesale_unit_price,
        coalesce(wholesale.currency, wholesale_default.currency) as wholesale_price_currency,
        coalesce(wholesale.rounding_seconds, wholesale_default.rounding_seconds) as wholesale_rounding_seconds
    from with_company as w
    left join company_tariffs as own
        on
            w.billing_month = own.billing_month
            and w.price_owner_id = own.owner_id and w.company_id = own.company_id and w.service = own.service
            and w.usage_at >= own.valid_from and w.usage_at < own.valid_until
    left join default_tariffs as own_default
        on
            w.billing_month = own_default.billing_month
            and w.price_owner_id = own_default.owner_id and w.service = own_default.service
            and w.usage_at >= own_default.valid_from
            and w.usage_at < own_default.valid_until
    left join company_tariffs as wholesale
        on
            w.billing_month = wholesale.billing_month
            and w.wholesale_owner_id = wholesale.owner_id and w.reseller_id = wholesale.company_id
            and w.service = wholesale.service
            and w.usage_at >= wholesale.valid_from and w.usage_at < wholesale.valid_until
    left join default_tariffs as wholesale_default
        on
            w.billing_month = wholesale_default.billing_month
            and w.wholesale_owner_id = wholesale_default.owner_id and w.service = wholesale_default.service
            and w.usage_at >= wholesale_default.valid_from
            and w.usage_at < wholesale_default.valid_until
),

with_divisors as (
    -- base quantities per priced unit of the service (seed services; 1 for an unknown service)
    select
        with_tariffs.*,
        coalesce(services.unit_divisor, 1) as unit_divisor
    from with_tariffs
    left join {{ ref('services') }} as services on with_tariffs.service = services.service
),

with_quantities as (
    -- base quantity: messages / segments, or call seconds rounded up to the tariff's rounding
    select
        *,
        case
            when talk_ms is null then quantity
            when company_rounding_seconds is null then {{ integer_divide('(talk_ms + 999)', '1000') }}
            else
                ({{ integer_divide(
                    '(talk_ms + 1000 * company_rounding_seconds - 1)', '(1000 * company_rounding_seconds)'
                ) }})
                * company_rounding_seconds
        end as company_base_quantity,
        case
            when talk_ms is null then quantity
            when wholesale_rounding_seconds is null then {{ integer_divide('(talk_ms + 999)', '1000') }}
            else
                ({{ integer_divide(
                    '(talk_ms + 1000 * wholesale_rounding_seconds - 1)', '(1000 * wholesale_rounding_seconds)'
                ) }})
                * wholesale_rounding_seconds
        end as wholesale_base_quantity
    from with_divisors
),

package_months as (
    -- a package activation or renewal makes its package active for that company-local month
    select distinct
        txn.company_id,
        {{ local_month_start('txn.occurred_at', 'companies.timezone') }} as billing_month,
        txn.package_id
    from {{ ref('stg_platform__balance_transactions') }} as txn
    inner join current_companies as companies on txn.company_id = companies.company_id
    where txn.kind in ('package_activation', 'package_renewal') and txn.package_id is not null
),

package_services as (
    select
        package_months.company_id,
        package_months.billing_month,
        packages.included_units,
        {{ unnest_json_keys('packages.included_units') }} as service
    from package_months
    semi join months_to_rate on package_months.billing_month = months_to_rate.billing_month
    inner join {{ ref('stg_platform__packages') }} as packages on package_months.package_id = packages.package_id
),

package_quota as (
    select
        company_id,
        billing_month,
        service,
        sum(cast({{ json_text_at_key('included_units', 'service') }} as bigint)) as included_units
    from package_services
    group by all
),

with_coverage as (
    select
        q.*,
        coalesce(package_quota.included_units, 0) as package_included_units,
        -- the month's first units in event-time order are the package's
        least(
            q.company_base_quantity,
            greatest(
                coalesce(package_quota.included_units, 0) * q.unit_divisor
                - (sum(q.company_base_quantity) over (
                    partition by q.company_id, q.billing_month, q.service
                    order by q.usage_at, q.usage_id
                    rows between unbounded preceding and current row
                ) - q.company_base_quantity),
                0
            )
        ) as covered_base_quantity
    from with_quantities as q
    left join package_quota
        on
            q.company_id = package_quota.company_id
            and q.billing_month = package_quota.billing_month
            and q.service = package_quota.service
),

rate_currencies as (
    select distinct currency from {{ ref('stg_platform__exchange_rates') }}
    union
    select 'USD'
),

rate_days as (
    select cast(rate_range.range_day as date) as rate_date
    from {{ day_range(
        '(select cast(first_date as timestamp) from usage_dates)',
        '(select cast(last_date as timestamp) + interval 1 day from usage_dates)',
        'rate_range', 'range_day') }}
),

daily_rates as (
    -- the latest rate on or before each UTC day (USD is 1 unless the export says otherwise)
    select
        rate_days.rate_date,
        rate_currencies.currency,
        coalesce(rates.units_per_usd, case when rate_currencies.currency = 'USD' then 1.0 end)
            as units_per_usd
    from rate_days
    cross join rate_currencies
    {{ asof_left_join(
        ref('stg_platform__exchange_rates'), 'rates',
        'rate_currencies.currency = rates.currency and rate_days.rate_date >= rates.rate_date', 'rate_date') }}
),

with_rates as (
    select
        c.*,
        c.company_base_quantity - c.covered_base_quantity as paid_base_quantity,
        case when c.company_price_currency = c.company_currency then 1 else company_from.units_per_usd end
            as company_rate_from,
        case when c.company_price_currency = c.company_currency then 1 else company_to.units_per_usd end
            as company_rate_to,
        case when c.wholesale_price_currency = c.reseller_currency then 1 else wholesale_from.units_per_usd end
            as wholesale_rate_from,
        case when c.wholesale_price_currency = c.reseller_currency then 1 else wholesale_to.units_per_usd end
            as wholesale_rate_to
    from with_coverage as c
    left join daily_rates as company_from
        on c.usage_date_utc = company_from.rate_date and c.company_price_currency = company_from.currency
    left join daily_rates as company_to
        on c.usage_date_utc = company_to.rate_date and c.company_currency = company_to.currency
    left join daily_rates as wholesale_from
        on c.usage_date_utc = wholesale_from.rate_date and c.wholesale_price_currency = wholesale_from.currency
    left join daily_rates as wholesale_to
        on c.usage_date_utc = wholesale_to.rate_date and c.reseller_currency = wholesale_to.currency
),

with_issues as (
    select
        *,
        case
            when not is_known_service then 'unknown_service'
            when not is_known_company then 'unknown_company'
            when company_tariff_id is null then 'no_tariff'
            when company_rate_from is null or company_rate_to is null then 'no_exchange_rate'
        end as company_rating_issue,
        case
            when reseller_id is null then null
            when not is_known_service then 'unknown_service'
            when reseller_currency is null then 'unknown_reseller'
            when wholesale_tariff_id is null then 'no_wholesale_tariff'
            when wholesale_rate_from is null or wholesale_rate_to is null then 'no_wholesale_exchange_rate'
        end as wholesale_rating_issue
    from with_rates
),

final as (
    select
        usage_id,
        source_entity,
        source_id,
        company_id,
        service,
        usage_at,
        usage_date_utc,
        local_date,
        billing_month,
        quantity as usage_quantity,
        talk_ms,
        is_delivered,
        cast(unit_divisor as integer) as unit_divisor,
        cast(company_base_quantity as bigint) as billable_base_quantity,
        cast({{ exact_divide('company_base_quantity', 'unit_divisor') }} as decimal(18, 6)) as billable_units,
        cast(covered_base_quantity as bigint) as package_covered_base_quantity,
        cast(paid_base_quantity as bigint) as paid_base_quantity,
        covered_base_quantity > 0 and paid_base_quantity = 0 as is_package_covered,
        cast(package_included_units as bigint) as package_included_units,
        company_tariff_id,
        cast(company_unit_price as decimal(18, 6)) as company_unit_price,
        company_price_currency,
        company_currency,
        case
            when company_rating_issue is null then
            {{ exact_divide(
                ['paid_base_quantity', 'company_unit_price', 'company_rate_to'],
                ['unit_divisor', 'company_rate_from']) }}
        end as company_amount,
        reseller_id,
        wholesale_tariff_id,
        cast(wholesale_base_quantity as bigint) as wholesale_base_quantity,
        cast(wholesale_unit_price as decimal(18, 6)) as wholesale_unit_price,
        wholesale_price_currency,
        reseller_currency as wholesale_currency,
        case
            when reseller_id is not null and wholesale_rating_issue is null then
            {{ exact_divide(
                ['wholesale_base_quantity', 'wholesale_unit_price', 'wholesale_rate_to'],
                ['unit_divisor', 'wholesale_rate_from']) }}
        end as wholesale_amount,
        company_rating_issue is null as is_priced,
        coalesce(company_rating_issue, wholesale_rating_issue) as rating_issue,
        company_rating_issue,
        wholesale_rating_issue,
        source_export_date,
        known_export_date,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp) as rated_at
    from with_issues
)

select * from final
