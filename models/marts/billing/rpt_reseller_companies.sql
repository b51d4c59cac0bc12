{#- "Reseller and companies": one row per reseller, dependent company and billing month (the
    dependent's local month). Counts from the rated usage; retail = what the company pays its
    reseller (after packages), wholesale = what the platform charges the reseller for the same units.
    Both are sums of the rounded invoice-line groups (int_billing_period_lines), so they equal the
    invoice lines billed for that period (regular lines plus later adjustments). Retail in the
    company's currency, wholesale in the reseller's. Every dependent company has a row for every
    month of the report (zeros without usage) so that "there are expenses" filters something.
    "Calls" and their duration count every call of the direction (the page's outgoing calls), the
    prices the billable ones; Alice messages are split by sender; package fees (activations and
    renewals the dependent paid) add to what the reseller earns (total_earned). -#}

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
            ~ " from " ~ services_relation ~ " as services" ~ seed_file_order('services')) %}
        {%- set services = kinds.rows | list %}
    {%- endif %}
{%- endif %}
{#- the report's sections (the page's tables); their services' prices add up to the section totals -#}
{%- set sections = {'text_messaging': [], 'chat': [], 'telephony_legacy': [], 'telephony_new': [], 'bot_service': []} %}
{%- for s, kind in services %}
    {%- if kind in ('sms', 'notification') %}
        {%- do sections['text_messaging'].append(s) %}
    {%- elif s.startswith('chat_') %}
        {%- do sections['chat'].append(s) %}
    {%- elif kind == 'call' and s.endswith('_inbound') %}
        {%- do sections['telephony_new'].append(s) %}
    {%- elif kind == 'call' %}
        {%- do sections['telephony_legacy'].append(s) %}
    {%- else %}
        {%- do sections['bot_service'].append(s) %}
    {%- endif %}
{%- endfor %}

with

companies as (
    select
        company_id,
        company_name,
        parent_company_id,
        currency,
        created_at
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

calls as (
    -- every call of a direction, answered or not (the page's "Calls" and total duration)
    select
        company_id,
        cast(date_trunc('month', local_date) as date) as billing_month,
        {%- for s, kind in services if kind == 'call' %}
            count(*) filter (where direction = '{{ s.replace("call_", "") }}') as {{ s }}_calls,
            sum(duration_seconds) filter (where direction = '{{ s.replace("call_", "") }}') as {{ s }}_seconds,
        {%- endfor %}
        count(*) as calls
    from {{ ref('fct_calls') }}
    group by all
),

alice as (
    select
        company_id,
        cast(date_trunc('month', local_date) as date) as billing_month,
        count(*) filter (where sender_type = 'operator') as alice_operator_messages,
        count(*) filter (where sender_type = 'bot') as alice_bot_messages,
        count(*) filter (where sender_type = 'user') as alice_user_messages
    from {{ ref('fct_chat_messages') }}
    where is_alice
    group by all
),

package_fees as (
    -- what the dependent paid for its packages (balance debits, shown positive)
    select
        company_id,
        cast(date_trunc('month', local_date) as date) as billing_month,
        -sum(amount) as package_fees
    from {{ ref('int_account_transactions') }}
    where transaction_type in ('package_activation', 'package_renewal')
    group by all
),

months as (
    select billing_month from {{ ref('int_billing_usage_monthly') }}
    union
    select billing_month from calls
    union
    select billing_month from package_fees
),

usage_keys as (
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

idle_keys as (
    -- a dependent company's months without rated usage (from its creation month on)
    select
        companies.parent_company_id as reseller_id,
        companies.company_id,
        months.billing_month,
        cast(null as {{ text_type() }}) as retail_currency,
        cast(null as {{ text_type() }}) as wholesale_currency
    from companies
    inner join months on date_trunc('month', companies.created_at) <= months.billing_month
    where
        companies.parent_company_id is not null
        and not exists (
            select 1 from usage_keys
            where usage_keys.company_id = companies.company_id and usage_keys.billing_month = months.billing_month
        )
),

keys as (
    select * from usage_keys
    union all
    select * from idle_keys
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
                coalesce(sum(usage.usage_count) filter (where usage.service = '{{ s }}'), 0) as {{ s }}_billable_calls,
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
                cast(coalesce(calls.{{ s }}_calls, 0) as bigint) as {{ s }}_calls,
                cast(coalesce(calls.{{ s }}_seconds, 0) as bigint) as {{ s }}_seconds,
                cast(pivoted.{{ s }}_billable_calls as bigint) as {{ s }}_billable_calls,
            {%- else %}
                cast(pivoted.{{ s }}_messages as bigint) as {{ s }}_messages,
            {%- endif %}
            {%- if s == 'chat_alice' %}
                cast(coalesce(alice.alice_operator_messages, 0) as bigint) as chat_alice_operator_messages,
                cast(coalesce(alice.alice_bot_messages, 0) as bigint) as chat_alice_bot_messages,
                cast(coalesce(alice.alice_user_messages, 0) as bigint) as chat_alice_user_messages,
            {%- endif %}
            cast(pivoted.{{ s }}_retail as decimal(18, 4)) as {{ s }}_retail,
            cast(pivoted.{{ s }}_wholesale as decimal(18, 4)) as {{ s }}_wholesale,
        {%- endfor %}
        {%- for section, section_services in sections.items() %}
            {%- for side in ['retail', 'wholesale'] %}
                cast(
                    0
                    {%- for s in section_services %} + pivoted.{{ s }}_{{ side }}{% endfor %}
                    as decimal(18, 4)
                ) as {{ section }}_{{ side }},
            {%- endfor %}
        {%- endfor %}
        cast(pivoted.total_retail as decimal(18, 4)) as total_retail,
        cast(pivoted.total_wholesale as decimal(18, 4)) as total_wholesale,
        cast(coalesce(package_fees.package_fees, 0) as decimal(18, 4)) as package_fees,
        cast(pivoted.total_retail + coalesce(package_fees.package_fees, 0) as decimal(18, 4)) as total_earned,
        pivoted.total_retail <> 0 or pivoted.total_wholesale <> 0 or coalesce(package_fees.package_fees, 0) <> 0
            as has_expenses
    from pivoted
    left join companies on pivoted.company_id = companies.company_id
    left join companies as resellers on pivoted.reseller_id = resellers.company_id
    -- calls and alice are read by the columns of the call services and chat_alice of the seed (none when the
    -- seeds are not built, as when sqlfluff compiles without a warehouse)
    left join calls -- noqa: ST11
        on pivoted.company_id = calls.company_id and pivoted.billing_month = calls.billing_month
    left join alice -- noqa: ST11
        on pivoted.company_id = alice.company_id and pivoted.billing_month = alice.billing_month
    left join package_fees
        on pivoted.company_id = package_fees.company_id and pivoted.billing_month = package_fees.billing_month
)

select * from final
