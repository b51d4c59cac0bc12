{{ config(severity='warn', tags=['ingestion']) }}
-- Event keys loaded more than once with different contents (exact re-deliveries are not counted):
-- staging keeps one version and drops the others, so every such key is listed here.
{%- set event_keys = {
    'notifications': 'message_id',
    'notification_events': 'event_id',
    'chat_messages': 'message_id',
    'widget_events': 'event_id',
    'calls': 'call_id',
    'bot_api_messages': 'message_id',
    'balance_transactions': 'txn_id',
} %}

with

{% for entity, key in event_keys.items() %}
    {{ entity }}_versions as (
        select
            '{{ entity }}' as entity,
            {{ key }} as event_key,
            count(distinct hash(contents)) as versions
        from (
            select
                {{ key }},
                struct_pack(
                    *columns(* exclude (_export_date, _source_file, _line_number, _loaded_at, _extra_fields))
                ) as contents
            from {{ source('platform', entity) }}
        )
        group by {{ key }}
        having count(distinct hash(contents)) > 1
    ){{ "," if not loop.last }}
{% endfor %}

{% for entity in event_keys %}
    select * from {{ entity }}_versions
    {% if not loop.last %}union all{% endif %}
{% endfor %}
