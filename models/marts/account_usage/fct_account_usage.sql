{{ marts_account_usage_sql(by_platform=false) }}
