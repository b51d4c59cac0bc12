"""All Dagster definitions: `dagster dev -m orchestration.definitions`."""

from __future__ import annotations

import os
from datetime import timedelta

from dagster import (
    AssetSelection,
    Definitions,
    RunRequest,
    ScheduleEvaluationContext,
    build_schedule_from_partitioned_job,
    define_asset_job,
    schedule,
)

from orchestration.assets.dbt import dbt_daily_models
from orchestration.assets.freshness import raw_freshness_checks, raw_freshness_sensor
from orchestration.assets.ingestion import raw_export_day
from orchestration.assets.partitions import export_days
from orchestration.assets.publish import published_warehouse_asset
from orchestration.billing.definitions import (
    billing_dbt_assets,
    billing_documents,
    billing_job,
    billing_reports,
    billing_schedule,
    billing_serving_warehouse,
)
from orchestration.billing.topup_job import topup_invoice_job
from orchestration.dbt_project import dbt_resource
from orchestration.reports.definitions import JOBS as REPORT_JOBS

serving_warehouse = published_warehouse_asset(
    "serving_warehouse", upstream=list(dbt_daily_models.keys), partitions_def=export_days
)

daily_export_job = define_asset_job(
    name="daily_export_job",
    description="Load one export day into raw, build the dbt models for it, publish the marts to Superset.",
    selection=AssetSelection.assets(raw_export_day, dbt_daily_models, serving_warehouse),
)

# Runs at 03:00 UTC for the export day that ended at midnight UTC.
daily_export_schedule = build_schedule_from_partitioned_job(daily_export_job, hour_of_day=3, minute_of_hour=0)


@schedule(job=daily_export_job, cron_schedule="0 5 * * 0", execution_timezone="UTC")
def weekly_full_tests_schedule(context: ScheduleEvaluationContext) -> RunRequest:
    """Sundays: re-run yesterday's export day with every data test on whole tables (daily runs test their day)."""
    day = (context.scheduled_execution_time - timedelta(days=1)).date().isoformat()
    return RunRequest(
        run_key=f"full-tests-{day}",
        partition_key=day,
        run_config={"ops": {"dbt_daily_models": {"config": {"full_tests": True}}}},
    )


defs = Definitions(
    assets=[
        raw_export_day,
        dbt_daily_models,
        serving_warehouse,
        billing_dbt_assets,
        billing_documents,
        billing_reports,
        billing_serving_warehouse,
    ],
    asset_checks=raw_freshness_checks,
    jobs=[daily_export_job, billing_job, topup_invoice_job, *REPORT_JOBS],
    schedules=[daily_export_schedule, weekly_full_tests_schedule, billing_schedule],
    sensors=[raw_freshness_sensor],
    resources={"dbt": dbt_resource},
)

# The engine of the daily and monthly jobs: duckdb (default) or spark (docs/spark.md); pyspark is imported
# only when Spark is chosen. An unknown value fails the code location instead of running on DuckDB.
ENGINE = os.environ.get("CPAAS_ENGINE", "duckdb").strip().lower() or "duckdb"
if ENGINE == "spark":
    from orchestration.spark import definitions as spark_definitions

    defs = spark_definitions.defs
elif ENGINE != "duckdb":
    raise ValueError(f"CPAAS_ENGINE={ENGINE!r}: expected duckdb (the default) or spark")
