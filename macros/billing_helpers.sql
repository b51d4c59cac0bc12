{#- Monthly billing helpers (docs/billing.md). Services (label, unit, divisor) and currencies (minor
    units) are seeds (seeds/services.csv, seeds/currencies.csv), read by the models. Money is DECIMAL
    end to end: DuckDB turns a decimal division into DOUBLE, so the only division of the rating
    (per-minute prices, currency conversion) goes through exact_divide(), which divides exactly in
    128-bit integers. -#}

{#- ISO 4217 minor units (decimal places) of a currency: seed `currencies`, 2 for a currency not listed. -#}
{% macro currency_minor_units(currency_column) -%}
    coalesce(
        (select currencies.minor_units from {{ ref('currencies') }} as currencies
            where currencies.currency_code = {{ currency_column }}),
        2
    )
{%- endmacro %}

{#- Invoice rounding: an exact amount rounded half away from zero to the currency's minor unit (0, 2, 3
    or 4 decimals, the values seed `currencies` accepts). -#}
{% macro round_to_minor_unit(amount, currency_column) -%}
    {#- each branch cast on its own: a CASE takes the type of its first branch; DuckDB rounds a decimal
        to a constant number of places only -#}
    (case {{ currency_minor_units(currency_column) }}
        when 0 then cast(round(cast({{ amount }} as decimal(38, 12)), 0) as decimal(18, 4))
        when 3 then cast(round(cast({{ amount }} as decimal(38, 12)), 3) as decimal(18, 4))
        when 4 then cast(round(cast({{ amount }} as decimal(38, 12)), 4) as decimal(18, 4))
        else cast(round(cast({{ amount }} as decimal(38, 12)), 2) as decimal(18, 4))
    end)
{%- endmacro %}

{#- Exact numerator / denominator as DECIMAL(38, 12), rounded half away from zero at the 12th
    decimal. Each operand is a factor or a list of factors, each an integer or a decimal with at most
    6 decimals (quantities, prices, exchange rates), |factor| < 1e12; |numerator| < 8e13.
    tests/test_exact_divide.py checks it against exact decimal arithmetic. -#}
{% macro exact_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('exact_divide')(exact_divide_factors(numerator), exact_divide_factors(denominator))) }}
{%- endmacro %}
{% macro exact_divide_factors(operand) -%}
    {%- set factors = [operand] if operand is string else operand -%}
    {%- for factor in factors if '*' in factor or '/' in factor -%}
        {{ exceptions.raise_compiler_error(
            "exact_divide: pass a product as a list of factors, not '" ~ factor ~ "': each factor is scaled exactly") }}
    {%- endfor -%}
    {{ return(factors) }}
{%- endmacro %}
{#- Spark has no 128-bit integer: its decimal division is exact to 38 digits and rounds half up (away
    from zero) at the result's scale, 12 decimals here (|numerator| < 8e13 leaves 26 digits). -#}
{% macro spark__exact_divide(numerator_factors, denominator_factors) -%}
    cast(
        cast({{ numerator_factors | join(' * ') }} as decimal(26, 12))
        / cast({{ denominator_factors | join(' * ') }} as decimal(26, 12))
        as decimal(38, 12)
    )
{%- endmacro %}
{#- DuckDB divides decimals as DOUBLE, so the division is done on 128-bit integers: each factor in
    millionths, their product exact. DuckDB divides 128-bit integers bit by bit, so the quotient is
    estimated in DOUBLE, kept below the exact one, and completed by the quotient of the small
    remainder. Each operand appears once or twice: DuckDB evaluates a repeated expression again. -#}
{% macro default__exact_divide(numerator_factors, denominator_factors) -%}
    {%- set shift = 12 + 6 * (denominator_factors | length) - 6 * (numerator_factors | length) -%}
    {%- set numerator -%}
        {{ millionths_product(numerator_factors) }}{% if shift > 0 %} * cast({{ 10 ** shift }} as hugeint){% endif %}
    {%- endset -%}
    {%- set denominator -%}
        {{ millionths_product(denominator_factors) }}{% if shift < 0 %} * cast({{ 10 ** (0 - shift) }} as hugeint){% endif %}
    {%- endset -%}
    {#- |numerator / denominator| rounded half away from zero = floor((2 |n| + |d|) / (2 |d|)) -#}
    {%- set divisor %}(2 * abs({{ denominator }})){% endset -%}
    {%- set estimate -%}
        cast(floor(
            (abs(cast({{ numerator_factors | join(' as double) * cast(') }} as double))
                / nullif(abs(cast({{ denominator_factors | join(' as double) * cast(') }} as double)), 0)
                * 1e12 + 0.5) * 0.9999999999999 - 1
        ) as hugeint)
    {%- endset -%}
    cast(
        cast(
            sign({{ numerator_factors | join(') * sign(') }}) * sign({{ denominator_factors | join(') * sign(') }}) * (
                {{ estimate }}
                + (2 * abs({{ numerator }}) + abs({{ denominator }}) - {{ estimate }} * {{ divisor }}) // {{ divisor }}
            )
            as decimal(38, 0)
        ) * cast(0.000000000001 as decimal(38, 12))
        as decimal(38, 12)
    )
{%- endmacro %}
{#- A product of factors in units of 10^-6 per factor, as a 128-bit integer. Each factor's millionths
    are its whole part times 10^6 plus its fraction's millionths, all in 64-bit integers (scaling the
    decimal up in one step would overflow its 18 digits). -#}
{% macro millionths_product(factors) -%}
    {%- for factor in factors -%}
        {%- set exact %}cast({{ factor }} as decimal(18, 6)){% endset -%}
        {% if not loop.first %} * {% endif -%}
        cast(cast(trunc({{ exact }}) as bigint) * 1000000 + cast(({{ exact }} - trunc({{ exact }})) * 1000000 as bigint) as hugeint)
    {%- endfor -%}
{%- endmacro %}

{#- A billing time var (billing_as_of, billing_month) checked strictly before it reaches SQL: an ISO
    date or UTC timestamp ('YYYY-MM-DD' or 'YYYY-MM-DD HH:MM[:SS[.ffffff]]', 'T' allowed), a real
    calendar date and time, never in the future (a future as-of would finalise drafts early).
    Returns 'YYYY-MM-DD HH:MM:SS.ffffff'. -#}
{% macro billing_checked_time(name, value) -%}
    {%- set text = (value | string).strip() -%}
    {%- set match = modules.re.fullmatch(
        '([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.]([0-9]{1,6}))?)?)?', text) -%}
    {%- set problem = 'is not an ISO date or UTC timestamp (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)' -%}
    {%- if match -%}
        {%- set year, month, day = match.group(1) | int, match.group(2) | int, match.group(3) | int -%}
        {%- set hour, minute, second = match.group(4) | int, match.group(5) | int, match.group(6) | int -%}
        {%- set micro = ((match.group(7) or '') ~ '000000')[:6] -%}
        {%- if year < 1900 or month < 1 or month > 12 or day < 1 or hour > 23 or minute > 59 or second > 59 -%}
            {%- set match = none -%}
        {%- else -%}
            {%- set next_month = modules.datetime.date(year + (month // 12), (month % 12) + 1, 1) -%}
            {%- if day > (next_month - modules.datetime.timedelta(days=1)).day -%}
                {%- set match = none -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {%- if not match -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " " ~ problem ~ ": got " ~ (text | tojson)) }}
    {%- endif -%}
    {%- set moment = modules.datetime.datetime(year, month, day, hour, minute, second, micro | int) -%}
    {%- if moment > modules.datetime.datetime.utcnow() -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " is in the future (" ~ text ~ " UTC): a billing run cannot be dated ahead of the clock") }}
    {%- endif -%}
    {{- return(moment.strftime('%Y-%m-%d %H:%M:%S.%f')) -}}
{%- endmacro %}

{#- The moment a billing run considers "now" (UTC): var billing_as_of (tests, replays) or the clock. -#}
{% macro billing_as_of() -%}
    {%- if var('billing_as_of', none) is not none -%}
        cast('{{ billing_checked_time("billing_as_of", var("billing_as_of")) }}' as timestamp)
    {%- else -%}
        cast({{ utc_now() }} as timestamp)
    {%- endif -%}
{%- endmacro %}





{#- When an invoice of a month stops being a draft: local midnight of the 1st of the next month
    plus var invoice_grace_days, as a UTC timestamp. -#}
{% macro billing_finalisation_due(month_column, timezone_column) -%}
    {{ local_to_utc(
        "cast(" ~ month_column ~ " as timestamp) + interval 1 month + " ~ days_interval(var('invoice_grace_days') | int),
        timezone_column) }}
{%- endmacro %}

{#- The billing month a run is for (var billing_month, YYYY-MM-01 or any day of the month). -#}
{% macro billing_run_month() -%}
    {%- if var('billing_month', none) is not none -%}
        cast(date_trunc('month', cast('{{ billing_checked_time("billing_month", var("billing_month"))[:10] }}' as date)) as date)
    {%- else -%}
        cast(null as date)
    {%- endif -%}
{%- endmacro %}

{#- Export days re-read behind the watermark of the usage models (a day loaded out of order). -#}
{% macro billing_rescan_days() -%}
    {{ var('billing_rescan_days', 7) | int }}
{%- endmacro %}

{#- Billing months of int_rated_usage re-rated since this model last saw them (all months on a
    first build): the monthly aggregates below rebuild exactly those. -#}
{% macro billing_rerated_months() -%}
    select billing_month, max(rated_at) as rated_at
    from {{ ref('int_rated_usage') }}
    group by billing_month
    {%- if is_incremental() %}
    except
    select billing_month, max(rated_at) as rated_at
    from {{ this }}
    group by billing_month
    {%- endif %}
{%- endmacro %}

{#- Zero-padded decimal text of an integer that is never truncated (DuckDB's lpad cuts longer strings):
    0 <= value < 10^width is padded to width digits, anything else is written in full. The two forms
    cannot collide: padded texts have exactly `width` characters, the others more (or a minus sign). -#}
{% macro padded_id(value_column, width) -%}
    (case
        when {{ value_column }} >= 0 and {{ value_column }} < {{ 10 ** width }}
            then lpad(cast({{ value_column }} as {{ text_type() }}), {{ width }}, '0')
        else cast({{ value_column }} as {{ text_type() }})
    end)
{%- endmacro %}

{#- Stable, human-readable invoice id: INV-YYYY-MM-<company id, at least 6 digits>, unique for any
    integer company id (fct_invoice_lines appends -<currency> to an invoice in another currency than
    the company's current one). -#}
{% macro billing_invoice_id(month_column, company_column) -%}
    ('INV-' || {{ year_month_text(month_column) }} || '-' || {{ padded_id(company_column, 6) }})
{%- endmacro %}

{#- Invoice line id: <invoice id>-<line number, at least 3 digits>, unique for any number of lines. -#}
{% macro billing_invoice_line_id(invoice_id_column, line_number_column) -%}
    ({{ invoice_id_column }} || '-' || {{ padded_id(line_number_column, 3) }})
{%- endmacro %}

{#- When a billing month's reference data (companies, tariffs) is frozen: the earliest moment any
    company's invoice of that month can become final (local midnight of the next month's 1st in
    UTC+14, plus invoice_grace_days). From then on the month is rated with the frozen copy. -#}
{% macro billing_reference_frozen_at(month_column) -%}
    (cast({{ month_column }} as timestamp) + interval 1 month + {{ days_interval(var('invoice_grace_days') | int) }} - interval 14 hour)
{%- endmacro %}

{#- CTEs as_of, months and closing_months of a frozen-reference model (int_billing_reference_monthly,
    int_billing_tariffs_monthly): the billing months whose reference is frozen by this run, i.e. closed
    by the billing "as of" time and not yet in the (append-only) model. -#}
{% macro billing_closing_months() -%}
    as_of as (
        select {{ billing_as_of() }} as as_of
    ),

    months as (
        select distinct billing_month from {{ ref('int_billable_usage') }}
    ),

    closing_months as (
        select months.billing_month
        from months
        cross join as_of
        where
            as_of.as_of >= {{ billing_reference_frozen_at('months.billing_month') }}
            {%- if is_incremental() %}
                and months.billing_month not in (select frozen.billing_month from {{ this }} as frozen)
            {%- endif %}
    )
{%- endmacro %}
