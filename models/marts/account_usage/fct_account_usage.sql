-- depends_on: {{ ref('int_company_time_zones') }}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['period_grain', 'period_start'],
        on_schema_change='append_new_columns',
        post_hook="{{ marts_account_usage_drop_vanished_periods(by_platform=false) }}",
    )
}}
{{ marts_account_usage_sql(by_platform=false, incremental=is_incremental()) }}
