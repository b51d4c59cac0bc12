{#- Export-day window of an incremental mart. Same contract as staging's export_day_window:
    with vars min_date/max_date (a Dagster daily partition) exactly that window is processed;
    without them the last processed export day is redone together with everything after it;
    a full refresh (or the first run) processes everything. `column` is an export date of the
    input (staging export_date, or the last_export_date carried by an incremental fact). With vars, days
    newer than the last one already processed are included too, so a run that failed or was skipped
    leaves no hole: the next daily run catches up. -#}
{% macro marts_export_window(column, this_column='last_export_date') -%}
    {%- if is_incremental() -%}
        {%- if var('min_date') is not none -%}
            ({{ column }} between cast('{{ var("min_date") }}' as date)
                and cast('{{ var("max_date") or var("min_date") }}' as date)
                or {{ column }} > (select max({{ this_column }}) from {{ this }}))
        {%- else -%}
            {{ column }} >= (select coalesce(max({{ this_column }}), date '1900-01-01') from {{ this }})
        {%- endif -%}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Companies whose time zone came into force inside the export window (their company row arrived for the
    first time, or their time zone changed; see int_company_time_zones): an incremental model recomputes
    their rows so that local dates follow the zone in force, as a full refresh would. A model calling it only
    inside an is_incremental() block declares `-- depends_on: {{ ref('int_company_time_zones') }}`. -#}
{% macro marts_retimed_companies(this_column='last_export_date') -%}
    select retimed.company_id from {{ ref('int_company_time_zones') }} as retimed
    where {{ marts_export_window('retimed.timezone_export_date', this_column) }}
{%- endmacro %}

{#- Seconds between two timestamps, as a double. -#}
{% macro marts_seconds_between(start_column, end_column) -%}
    ((epoch_ms({{ end_column }}) - epoch_ms({{ start_column }})) / 1000.0)
{%- endmacro %}

{#- Rank of a notification status for events at the same instant: a later stage wins the tie. -#}
{% macro marts_notification_status_rank(status_column) -%}
    case {{ status_column }}
        when 'created' then 1
        when 'created_optional' then 1
        when 'delayed' then 2
        when 'pending' then 3
        when 'omitted_optional' then 4
        when 'canceled' then 5
        when 'error' then 5
        when 'undelivered' then 6
        when 'delivered' then 7
        else 0
    end
{%- endmacro %}

{#- NPS bucket of a 1-10 score: detractors 1-6, passives 7-8, promoters 9-10. -#}
{% macro marts_nps_category(score_column) -%}
    case
        when {{ score_column }} between 1 and 6 then 'detractor'
        when {{ score_column }} between 7 and 8 then 'passive'
        when {{ score_column }} between 9 and 10 then 'promoter'
    end
{%- endmacro %}

{#- Sum of a seconds column (millisecond precision) that is exact and independent of row order:
    summed as integer milliseconds, so a full refresh and incremental runs give identical doubles. -#}
{% macro marts_sum_seconds(seconds_column) -%}
    (sum(cast(round({{ seconds_column }} * 1000) as bigint)) / 1000.0)
{%- endmacro %}
