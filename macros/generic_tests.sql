{#- Generic test: the combination of columns is unique (rows returned = duplicated combinations). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}

{#- Generic test: every non-null value of the column is a value of the reference data (a seed), optionally
    of its rows matching `to_where` (rows returned = values the reference does not know). -#}
{% test values_in_reference(model, column_name, to, field, to_where=none) %}
    select
        {{ column_name }} as unknown_value,
        count(*) as n_rows
    from {{ model }}
    where
        {{ column_name }} is not null
        and {{ column_name }} not in (
            select reference.{{ field }} from {{ to }} as reference
            {%- if to_where %} where {{ to_where }}{% endif %}
        )
    group by {{ column_name }}
{% endtest %}
