{#- "Reseller and companies": one row per reseller, dependent company and billing month (the
    dependent's local month). Counts from the rated usage; retail = what the company pays its
    reseller (after packages), wholesale = what the platform charges the reseller for the same units.
    Both are sums of the rounded invoice-line groups (int_billing_period_lines), so they equal the
    invoice lines billed for that period (regular lines plus later adjustments). Retail in the
    company's currency, wholesale in the reseller's. -#}

{#- One group of columns per service of seed `services`, in the seed's row order, named by how the
    service is counted: SMS-like (unit segment) delivered and segments, notification channels sent and
    delivered, calls (unit minute) calls and seconds, anything else messages. A new service row adds its
    columns. The list is read from the built seeds when the model runs; a build without them fails. -#}
{%- set services_relation = ref('services') %}
{%- set channels_relation = ref('channels') %}
{%- set services = [] %}
{%- if execute %}
    {%- if load_relation(services_relation) is none or load_relation(channels_relation) is none %}
        {%- if flags.WHICH in ('run', 'build') %}
            {{ exceptions.raise_compiler_error(
                "seeds services and channels are not built: run `dbt seed` (or `dbt build`) first") }}
        {%- endif %}
    {%- else %}
        {%- set kinds = run_query(
            "select services.service, case when services.unit = 'segment' then 'sms'"
            ~ " when services.unit = 'minute' then 'call'"
            ~ " when services.service in (select channels.billing_service from " ~ channels_relation
            ~ " as channels where channels.channel_family = 'notification') then 'notification'"
            ~ " else 'message' end as kind"
            ~ " from " ~ services_relation ~ " as services order by services.rowid") %}
        {%- set services = kinds.rows | list %}
    {%- endif %}
{%- endif %}

with

companies as (
    select
        company_id,
        company_name,
        parent_company_id,
        currency
    from {{ ref('stg_platform__companies') }}
),

usage as (
    select monthly.*
    from {{ ref('int_billing_usage_monthly') }} as monthly
    where monthly.reseller_id is not null
),

money as (
    select
        usage_company_id as company_id,
        billing_month,
        service,
        sum(amount) filter (where line_kind = 'usage') as retail_amount,
        sum(amount) filter (where line_kind = 'wholesale') as wholesale_amount
    from {{ ref('int_billing_period_lines') }}
    where line_kind in ('usage', 'wholesale')
    group by all
),

keys as (
    -- the currencies the month was rated in (a closed month keeps the ones it was invoiced in)
    select
        usage.reseller_id,
        usage.company_id,
        usage.billing_month,
        any_value(usage.company_currency) as retail_currency,
        any_value(usage.wholesale_currency) as wholesale_currency
    from usage
    group by usage.reseller_id, usage.company_id, usage.billing_month
),

pivoted as (
    select
        keys.reseller_id,
        keys.company_id,
        keys.billing_month,
        any_value(keys.retail_currency) as retail_currency,
        any_value(keys.wholesale_currency) as wholesale_currency,
        {%- for s, kind in services %}
            {%- if kind == 'sms' %}
                coalesce(sum(usage.usage_count) filter (where usage.service = '{{ s }}'), 0) as {{ s }}_delivered,
                coalesce(sum(usage.usage_quantity) filter (where usage.service = '{{ s }}'), 0) as {{ s }}_segments,
            {%- elif kind == 'notification' %}
                coalesce(sum(usage.usage_count) filter (where usage.service = '{{ s }}'), 0) as {{ s }}_sent,
                coalesce(sum(usage.delivered_count) filter (where usage.service = '{{ s }}'), 0) as {{ s }}_delivered,
            {%- elif kind == 'call' %}
                coalesce(sum(usage.usage_count) filter (where usage.service = '{{ s }}'), 0) as {{ s }}_calls,
                coalesce(sum(usage.talk_seconds) filter (where usage.service = '{{ s }}'), 0) as {{ s }}_seconds,
            {%- else %}
                coalesce(sum(usage.usage_count) filter (where usage.service = '{{ s }}'), 0) as {{ s }}_messages,
            {%- endif %}
            coalesce(sum(money.retail_amount) filter (where money.service = '{{ s }}'), 0) as {{ s }}_retail,
            coalesce(sum(money.wholesale_amount) filter (where money.service = '{{ s }}'), 0) as {{ s }}_wholesale,
        {%- endfor %}
        coalesce(sum(money.retail_amount), 0) as total_retail,
        coalesce(sum(money.wholesale_amount), 0) as total_wholesale
    from keys
    left join usage
        on keys.company_id = usage.company_id and keys.billing_month = usage.billing_month
    left join money
        on
            usage.company_id = money.company_id and usage.billing_month = money.billing_month
            and usage.service = money.service
    group by keys.reseller_id, keys.company_id, keys.billing_month
),

final as (
    select
        cast(pivoted.reseller_id as bigint) as reseller_id,
        resellers.company_name as reseller_name,
        cast(pivoted.company_id as bigint) as company_id,
        companies.company_name,
        pivoted.billing_month,
        coalesce(pivoted.retail_currency, companies.currency) as retail_currency,
        coalesce(pivoted.wholesale_currency, resellers.currency) as wholesale_currency,
        {%- for s, kind in services %}
            {%- if kind == 'sms' %}
                cast(pivoted.{{ s }}_delivered as bigint) as {{ s }}_delivered,
                cast(pivoted.{{ s }}_segments as bigint) as {{ s }}_segments,
            {%- elif kind == 'notification' %}
                cast(pivoted.{{ s }}_sent as bigint) as {{ s }}_sent,
                cast(pivoted.{{ s }}_delivered as bigint) as {{ s }}_delivered,
            {%- elif kind == 'call' %}
                cast(pivoted.{{ s }}_calls as bigint) as {{ s }}_calls,
                cast(pivoted.{{ s }}_seconds as bigint) as {{ s }}_seconds,
            {%- else %}
                cast(pivoted.{{ s }}_messages as bigint) as {{ s }}_messages,
            {%- endif %}
            cast(pivoted.{{ s }}_retail as decimal(18, 4)) as {{ s }}_retail,
            cast(pivoted.{{ s }}_wholesale as decimal(18, 4)) as {{ s }}_wholesale,
        {%- endfor %}
        cast(pivoted.total_retail as decimal(18, 4)) as total_retail,
        cast(pivoted.total_wholesale as decimal(18, 4)) as total_wholesale,
        pivoted.total_retail <> 0 or pivoted.total_wholesale <> 0 as has_expenses
    from pivoted
    left join companies on pivoted.company_id = companies.company_id
    left join companies as resellers on pivoted.reseller_id = resellers.company_id
)

select * from final
