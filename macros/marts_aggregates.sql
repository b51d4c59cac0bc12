{#- Post-hook of an incremental daily aggregate: a date with no upstream rows left is dropped
    (delete+insert only replaces dates that still have rows). -#}
{% macro marts_drop_vanished_dates(relation, date_column='local_date') -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as stored
        where not exists (
            select 1 from {{ relation }} as upstream where upstream.{{ date_column }} = stored.local_date
        )
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
