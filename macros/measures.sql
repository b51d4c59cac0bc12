{#- Seconds between two timestamps, as a double. -#}
{% macro seconds_between(start_column, end_column) -%}
    (({{ epoch_milliseconds(end_column) }} - {{ epoch_milliseconds(start_column) }}) / 1000.0)
{%- endmacro %}

{#- Sum of a seconds column (millisecond precision) that is exact and independent of row order:
    summed as integer milliseconds, so a full refresh and incremental runs give identical doubles. -#}
{% macro sum_seconds_exact(seconds_column) -%}
    (sum(cast(round({{ seconds_column }} * 1000) as bigint)) / 1000.0)
{%- endmacro %}

{#- NPS bucket of a 1-10 score: detractors 1-6, passives 7-8, promoters 9-10. -#}
{% macro nps_category(score_column) -%}
    case
        when {{ score_column }} between 1 and 6 then 'detractor'
        when {{ score_column }} between 7 and 8 then 'passive'
        when {{ score_column }} between 9 and 10 then 'promoter'
    end
{%- endmacro %}
