{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='invoice_id',
    on_schema_change='append_new_columns',
    full_refresh=false,
    pre_hook=before_begin("{{ billing_ledger_verify() }}"),
) }}

{#- Invoice lines. A run builds the invoices of its billing month (var billing_month; without it
    every ended month) that are not final yet; a final invoice is never rebuilt, and full_refresh=false
    keeps it through `dbt build --full-refresh`. For every (company, usage period, line group) a line
    carries what the current rating says minus what other invoices already billed for it:
      - the invoice's own month: its regular lines;
      - an earlier period that a run already closed (some invoice of that month is final), and whose
        own invoice for the company is not a draft: an adjustment line, placed on the company's
        earliest invoice being built after that period (late usage, re-rated months).
    So every period is billed exactly once across all invoices, whatever the order of runs.
    Issued invoices come from the ledger (macros/billing_ledger.sql): a new build file gets them back
    exactly as issued, and the pre-hook refuses to run when the build file and the ledger disagree. -#}

with

as_of as (
    select {{ billing_as_of() }} as as_of
),

companies as (
    select
        company_id,
        company_name,
        parent_company_id,
        currency,
        timezone
    from {{ ref('stg_platform__companies') }}
),

services as (
    select
        service,
        service_label,
        unit,
        unit_divisor
    from {{ ref('services') }}
),

periods as (
    select * from {{ ref('int_billing_period_lines') }}
),

ledger_lines as (
    select {{ star_except(['recorded_at']) }} from {{ source('billing_ledger', 'invoice_lines') }}
),

existing as (
    -- lines already written: the ledger's issued invoices, and the build file's other invoices
    select
        invoice_id,
        company_id,
        invoice_month,
        invoice_status,
        period_month,
        line_kind,
        usage_company_id,
        service,
        unit_price,
        price_currency,
        currency,
        usage_count,
        quantity_base,
        amount
    from ledger_lines
    {%- if is_incremental() %}
        union all
        select
            invoice_id,
            company_id,
            invoice_month,
            invoice_status,
            period_month,
            line_kind,
            usage_company_id,
            service,
            unit_price,
            price_currency,
            currency,
            usage_count,
            quantity_base,
            amount
        from {{ this }} as built
        where not exists (select 1 from ledger_lines where ledger_lines.invoice_id = built.invoice_id)
    {%- endif %}
),

existing_invoices as (
    select distinct
        company_id,
        invoice_month,
        invoice_status
    from existing
),

target_months as (
    {%- if var('billing_month', none) is not none %}
        select {{ billing_run_month() }} as invoice_month
    {%- else %}
        select distinct billing_month as invoice_month from periods
    {%- endif %}
),

candidates as (
    -- invoices this run (re)builds: company x target month, unless already final
    select
        companies.company_id,
        target_months.invoice_month
    from companies
    cross join target_months
    cross join as_of
    where
        not exists (
            select 1 from existing_invoices as e
            where
                e.company_id = companies.company_id
                and e.invoice_month = target_months.invoice_month
                and e.invoice_status = 'final'
        )
        {%- if var('billing_month', none) is none %}
            -- without a billing_month: every month that has ended in the company's time zone
            and {{ local_to_utc("target_months.invoice_month + interval 1 month", "companies.timezone") }}
            <= as_of.as_of
        {%- endif %}
),

closed_months as (
    -- months a billing run has closed: at least one of their invoices is final
    select distinct invoice_month from existing_invoices
    where invoice_status = 'final'
),

company_periods as (
    select distinct
        billed_company_id as company_id,
        billing_month as period_month
    from periods
    union
    select distinct
        company_id,
        period_month
    from existing
),

assignment as (
    select
        company_periods.company_id,
        company_periods.period_month,
        min(candidates.invoice_month) as invoice_month
    from company_periods
    inner join candidates
        on
            company_periods.company_id = candidates.company_id
            and (
                company_periods.period_month = candidates.invoice_month
                or (
                    company_periods.period_month < candidates.invoice_month
                    and company_periods.period_month in (select invoice_month from closed_months)
                    and not exists (
                        select 1 from candidates as own
                        where
                            own.company_id = company_periods.company_id
                            and own.invoice_month = company_periods.period_month
                    )
                    and not exists (
                        select 1 from existing_invoices as draft
                        where
                            draft.company_id = company_periods.company_id
                            and draft.invoice_month = company_periods.period_month
                            and draft.invoice_status = 'draft'
                    )
                )
            )
    group by all
),

rated as (
    select
        assignment.invoice_month,
        periods.billed_company_id as company_id,
        periods.billing_month as period_month,
        periods.line_kind,
        periods.usage_company_id,
        periods.service,
        periods.unit_price,
        periods.price_currency,
        periods.currency,
        periods.unit_divisor,
        periods.usage_count,
        periods.quantity_base,
        periods.amount
    from periods
    inner join assignment
        on periods.billed_company_id = assignment.company_id and periods.billing_month = assignment.period_month
),

billed_elsewhere as (
    -- what invoices other than the ones being built already carry for those periods
    select
        assignment.invoice_month,
        existing.company_id,
        existing.period_month,
        existing.line_kind,
        existing.usage_company_id,
        existing.service,
        existing.unit_price,
        existing.price_currency,
        existing.currency,
        sum(existing.usage_count) as usage_count,
        sum(existing.quantity_base) as quantity_base,
        sum(existing.amount) as amount
    from existing
    inner join assignment
        on existing.company_id = assignment.company_id and existing.period_month = assignment.period_month
    where
        not exists (
            select 1 from candidates
            where candidates.company_id = existing.company_id and candidates.invoice_month = existing.invoice_month
        )
    group by all
),

deltas as (
    select
        coalesce(rated.invoice_month, billed.invoice_month) as invoice_month,
        coalesce(rated.company_id, billed.company_id) as company_id,
        coalesce(rated.period_month, billed.period_month) as period_month,
        coalesce(rated.line_kind, billed.line_kind) as line_kind,
        coalesce(rated.usage_company_id, billed.usage_company_id) as usage_company_id,
        coalesce(rated.service, billed.service) as service,
        coalesce(rated.unit_price, billed.unit_price) as unit_price,
        coalesce(rated.price_currency, billed.price_currency) as price_currency,
        coalesce(rated.currency, billed.currency) as currency,
        coalesce(rated.unit_divisor, services.unit_divisor, 1) as unit_divisor,
        coalesce(rated.usage_count, 0) - coalesce(billed.usage_count, 0) as usage_count,
        coalesce(rated.quantity_base, 0) - coalesce(billed.quantity_base, 0) as quantity_base,
        coalesce(rated.amount, 0) - coalesce(billed.amount, 0) as amount
    from rated
    full outer join billed_elsewhere as billed
        on
            rated.invoice_month = billed.invoice_month
            and rated.company_id = billed.company_id
            and rated.period_month = billed.period_month
            and rated.line_kind = billed.line_kind
            and rated.usage_company_id = billed.usage_company_id
            and rated.service = billed.service
            and rated.unit_price = billed.unit_price
            and rated.price_currency = billed.price_currency
            and rated.currency = billed.currency
    left join services on coalesce(rated.service, billed.service) = services.service
),

lines as (
    select
        -- one currency per invoice: lines in another currency than the company's current one (a closed
        -- period billed before a currency change) get their own invoice, suffixed with the currency
        {{ billing_invoice_id('deltas.invoice_month', 'deltas.company_id') }}
        || case when deltas.currency = companies.currency then '' else '-' || deltas.currency end as invoice_id,
        deltas.*,
        deltas.period_month <> deltas.invoice_month as is_adjustment,
        usage_companies.company_name as usage_company_name,
        companies.timezone,
        -- an unknown service is never priced, so never on a line; named by its code all the same
        coalesce(services.service_label, deltas.service) as service_label,
        coalesce(services.unit, 'message') as unit
    from deltas
    inner join companies on deltas.company_id = companies.company_id
    left join companies as usage_companies on deltas.usage_company_id = usage_companies.company_id
    left join services on deltas.service = services.service
    where deltas.quantity_base <> 0 or deltas.amount <> 0
),

final as (
    select
        {{ billing_invoice_line_id('invoice_id', 'line_number') }} as invoice_line_id,
        invoice_id,
        cast(line_number as integer) as line_number,
        company_id,
        invoice_month,
        period_month,
        is_adjustment,
        line_kind,
        usage_company_id,
        service,
        case when is_adjustment then 'Adjustment for ' || {{ year_month_text('period_month') }} || ': ' else '' end
        || case line_kind
            when 'package' then 'Included in package: '
            when 'wholesale' then usage_company_name || ' (#' || usage_company_id || '): '
            else ''
        end
        || service_label as description,
        unit,
        cast(usage_count as bigint) as usage_count,
        cast(quantity_base as bigint) as quantity_base,
        cast({{ exact_divide('quantity_base', 'unit_divisor') }} as decimal(18, 6)) as quantity,
        cast(unit_price as decimal(18, 6)) as unit_price,
        price_currency,
        cast(amount as decimal(18, 4)) as amount,
        currency,
        case when as_of >= finalisation_due_at then 'final' else 'draft' end as invoice_status,
        finalisation_due_at,
        case when as_of >= finalisation_due_at then as_of end as issued_at,
        as_of as generated_at
    from (
        select
            lines.*,
            row_number() over (
                partition by lines.invoice_id
                order by
                    lines.is_adjustment, lines.period_month,
                    case lines.line_kind when 'usage' then 1 when 'package' then 2 else 3 end,
                    lines.usage_company_id, lines.service, lines.unit_price, lines.price_currency
            ) as line_number,
            {{ billing_finalisation_due('invoice_month', 'timezone') }} as finalisation_due_at,
            as_of.as_of
        from lines
        cross join as_of
    )
),

restored as (
    -- issued invoices the build file lacks (a new or lost build file): exactly as the ledger has them
    select * from ledger_lines
    {%- if is_incremental() %}
        where not exists (select 1 from {{ this }} as built where built.invoice_id = ledger_lines.invoice_id)
    {%- endif %}
)

select * from final
union all
select * from restored
