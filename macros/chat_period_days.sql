{#- The chat period-days models (int_chat_channel_days, int_chat_company_days): per day and group, the contacts and
    channels seen there for the first time in each period from the day to the year. A period's distinct contacts
    are then the sum of its days' rows: account usage reads a year as its days' rows (a few per company and day)
    instead of counting the distinct contacts of every day of it again on each daily run (issue 9). -#}

{#- The members counted by first sightings: name, the contact-day column identifying one, and whether there are many
    (contacts: millions a year) or few (a company's channels). -#}
{% macro chat_period_members() -%}
    {{ return([('contacts', 'chat_id', true), ('channels', 'chat_config_id', false)]) }}
{%- endmacro %}

{#- Null-safe equality of `columns` between the relations aliased `left` and `right` (a chat of an unknown channel has
    no company or platform: the same group, as in a group by). -#}
{% macro same_group_keys(columns, left, right) -%}
    {%- for column in columns -%}
        {{ left }}.{{ column }} is not distinct from {{ right }}.{{ column }}{{ ' and ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- Body of a chat period-days model: one row per local date and group (`group_columns`: time_zone, then the
    group's keys), the day's messages from int_chat_contact_days (test channels left out), and new_<member>_<grain>, the
    members (chat_period_members) seen on that day and on no earlier day of the grain's period within the group.
    Incremental: a late or moved contact day can make a member's first day in its period earlier or later, so
    every date from the first affected one (chat_message_affected_days, plus the stored dates of companies retimed
    in the window) is rebuilt; whether a rebuilt member was seen before that date in its period is looked up for
    those members only (joined with the rebuilt ones, not a distinct count of the period). -#}
{% macro chat_period_days(group_columns) -%}
    {%- set group_keys = group_columns | join(', ') -%}
    {%- set sightings = [] -%}
    {%- for member, column, many in chat_period_members() -%}
        {%- for grain in account_usage_grains() if grain != 'hour' -%}
            {%- do sightings.append((member, column, grain)) -%}
        {%- endfor -%}
    {%- endfor -%}
    with

    contact_days as {{ not_materialized() }} (
        select * from {{ ref('int_chat_contact_days') }} where not is_test_channel
    ),

    {% if is_incremental() %}
        {{ account_usage_messages_cte() }},

        {{ upstream_message_days_cte('contact_days') }},

        stored_days as (
            select
                time_zone,
                local_date,
                sum(inbound_messages + outbound_messages) as messages
            from {{ this }}
            group by all
        ),

        affected_days as (
            {{ chat_message_affected_days('stored_days') }}
            union
            select local_date from {{ this }}
            where company_id in ({{ companies_retimed_in_window() }})
        ),

        first_affected as (
            select
                min(local_date) as local_date,
                -- the earliest start of a period holding it: its year's, or its week's when that begins the year before
                least(
                    cast(date_trunc('week', min(local_date)) as date), cast(date_trunc('year', min(local_date)) as date)
                ) as earliest_period_start
            from affected_days
        ),
    {% endif %}

    rebuilt_days as (
        select * from contact_days
        {% if is_incremental() %}
            where local_date >= (select first_affected.local_date from first_affected)
        {% endif %}
    ),

    {% if is_incremental() %}
        {% for member, column, many in chat_period_members() %}
            earlier_{{ member }} as (
                -- the last day before the rebuilt ones that each rebuilt member was seen on, in the periods they share:
                -- many members are joined to the rebuilt ones first (the small side), few are aggregated first
                select
                    {%- for column_name in group_columns %}
                        earlier.{{ column_name }},
                    {%- endfor %}
                    earlier.{{ column }},
                    max(earlier.last_seen) as last_seen_before
                from (
                    select
                        {{ group_keys }},
                        {{ column }},
                        {{ 'local_date' if many else 'max(local_date)' }} as last_seen
                    from contact_days
                    where
                        local_date < (select first_affected.local_date from first_affected)
                        and local_date >= (select first_affected.earliest_period_start from first_affected)
                    {%- if not many %}
                        group by {{ group_keys }}, {{ column }}
                    {%- endif %}
                ) as earlier
                inner join (select distinct {{ group_keys }}, {{ column }} from rebuilt_days) as rebuilt
                    on
                        earlier.{{ column }} = rebuilt.{{ column }}
                        and {{ same_group_keys(group_columns, 'earlier', 'rebuilt') }}
                group by
                    {%- for column_name in group_columns %}
                        earlier.{{ column_name }},
                    {%- endfor %}
                    earlier.{{ column }}
            ),
        {% endfor %}
    {% endif %}

    first_sightings as (
        {%- for member, column, grain in sightings %}
            select
                {%- for column_name in group_columns %}
                    rebuilt.{{ column_name }},
                {%- endfor %}
                min(rebuilt.local_date) as local_date,
                '{{ member }}_{{ grain }}' as sighting
            from rebuilt_days as rebuilt
            {%- if is_incremental() %}
                left join earlier_{{ member }} as earlier
                    on
                        rebuilt.{{ column }} = earlier.{{ column }}
                        and {{ same_group_keys(group_columns, 'rebuilt', 'earlier') }}
            {%- endif %}
            where rebuilt.{{ column }} is not null
            group by
                {%- for column_name in group_columns %}
                    rebuilt.{{ column_name }},
                {%- endfor %}
                rebuilt.{{ column }},
                date_trunc('{{ grain }}', rebuilt.local_date)
            {%- if is_incremental() %}
                -- seen earlier in the same period: not its first day there
                having coalesce(
                    max(earlier.last_seen_before) < min(cast(date_trunc('{{ grain }}', rebuilt.local_date) as date)),
                    true
                )
            {%- endif %}
            {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    ),

    sighting_counts as (
        select
            {{ group_keys }},
            local_date,
            {%- for member, column, grain in sightings %}
                count(*) filter (where sighting = '{{ member }}_{{ grain }}') as new_{{ member }}_{{ grain }}
                {{- ',' if not loop.last }}
            {%- endfor %}
        from first_sightings
        group by {{ group_keys }}, local_date
    ),

    day_totals as (
        select
            {{ group_keys }},
            local_date,
            cast(sum(inbound_messages) as bigint) as inbound_messages,
            cast(sum(outbound_messages) as bigint) as outbound_messages,
            cast(sum(proactive_messages) as bigint) as proactive_messages,
            max(last_export_date) as last_export_date
        from rebuilt_days
        group by {{ group_keys }}, local_date
    ),

    final as (
        select
            {%- for column_name in group_columns %}
                day_totals.{{ column_name }},
            {%- endfor %}
            day_totals.local_date,
            day_totals.inbound_messages,
            day_totals.outbound_messages,
            day_totals.proactive_messages,
            {%- for member, column, grain in sightings %}
                coalesce(sighting_counts.new_{{ member }}_{{ grain }}, 0) as new_{{ member }}_{{ grain }},
            {%- endfor %}
            day_totals.last_export_date
        from day_totals
        left join sighting_counts
            on
                day_totals.local_date = sighting_counts.local_date
                and {{ same_group_keys(group_columns, 'day_totals', 'sighting_counts') }}
    )

    select * from final
{%- endmacro %}
