{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='local_date',
        on_schema_change='fail',
        post_hook=["{{ delete_vanished_dates('(select local_date from ' ~ ref('int_chat_contact_days') ~ ' where not is_test_channel)') }}"],
    )
}}
{#- Per channel and day: the messages, and the contacts first seen in each period (day to year) on that day, which
    fct_account_usage_by_platform sums over a period (macros/chat_period_days.sql). -#}
-- depends_on: {{ ref('int_company_time_zones') }}, {{ ref('fct_chat_messages') }}

{{ chat_period_days(['time_zone', 'company_id', 'platform', 'chat_config_id']) }}
