{#- Company-local calendar: every daily figure and billing month uses the company's time zone. -#}

{#- Wall-clock timestamp, in an IANA time zone (null = UTC), of a UTC timestamp. -#}
{% macro local_timestamp(utc_column, timezone_column) -%}
    {{ return(adapter.dispatch('local_timestamp')(utc_column, timezone_column)) }}
{%- endmacro %}
{% macro spark__local_timestamp(utc_column, timezone_column) -%}
    from_utc_timestamp({{ utc_column }}, coalesce({{ timezone_column }}, 'UTC'))
{%- endmacro %}
{% macro default__local_timestamp(utc_column, timezone_column) -%}
    timezone(coalesce({{ timezone_column }}, 'UTC'), timezone('UTC', {{ utc_column }}))
{%- endmacro %}

{#- Local calendar date of a UTC timestamp in an IANA time zone (daily figures use the company's date). -#}
{% macro local_date(utc_column, timezone_column) -%}
    cast({{ local_timestamp(utc_column, timezone_column) }} as date)
{%- endmacro %}

{#- UTC instant of a company-local wall-clock timestamp. -#}
{% macro local_to_utc(local_column, timezone_column) -%}
    {{ return(adapter.dispatch('local_to_utc')(local_column, timezone_column)) }}
{%- endmacro %}
{% macro spark__local_to_utc(local_column, timezone_column) -%}
    to_utc_timestamp(cast({{ local_column }} as timestamp), coalesce({{ timezone_column }}, 'UTC'))
{%- endmacro %}
{% macro default__local_to_utc(local_column, timezone_column) -%}
    cast(timezone('UTC', timezone(coalesce({{ timezone_column }}, 'UTC'), cast({{ local_column }} as timestamp))) as timestamp)
{%- endmacro %}

{#- First day of the company-local calendar month of a UTC timestamp. -#}
{% macro local_month_start(utc_column, timezone_column) -%}
    cast(date_trunc('month', {{ local_timestamp(utc_column, timezone_column) }}) as date)
{%- endmacro %}
