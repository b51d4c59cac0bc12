"""Freshness of the raw export: a day that was not loaded shows as a failed (warn) check in Dagster.

The daily job runs at 03:00 UTC for the export day that ended at midnight; by 06:00 UTC that day's
partition of every raw asset should be materialised. `dbt source freshness` gives the same signal from
the warehouse (the `_loaded_at` of the event tables, see models/staging/platform/_platform__sources.yml).
"""

from dagster import (
    AssetCheckSeverity,
    DefaultSensorStatus,
    build_sensor_for_freshness_checks,
    build_time_partition_freshness_checks,
)

from orchestration.assets.ingestion import raw_export_day

RAW_DEADLINE_CRON = "0 6 * * *"

raw_freshness_checks = build_time_partition_freshness_checks(
    assets=[raw_export_day], deadline_cron=RAW_DEADLINE_CRON, timezone="UTC", severity=AssetCheckSeverity.WARN
)

# evaluates the checks on its own, also when no run happened (a missing day starts no run); hourly, so the
# check runs barely use the one-run-at-a-time queue
raw_freshness_sensor = build_sensor_for_freshness_checks(
    freshness_checks=raw_freshness_checks,
    name="raw_export_freshness_sensor",
    minimum_interval_seconds=3600,
    default_status=DefaultSensorStatus.RUNNING,
)
