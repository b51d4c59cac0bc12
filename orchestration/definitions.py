"""All Dagster definitions: `dagster dev -m orchestration.definitions`."""

from __future__ import annotations

from dagster import AssetSelection, Definitions, build_schedule_from_partitioned_job, define_asset_job

from orchestration.assets.dbt import dbt_daily_models
from orchestration.assets.freshness import raw_freshness_checks, raw_freshness_sensor
from orchestration.assets.ingestion import raw_export_day
from orchestration.assets.partitions import export_days
from orchestration.assets.publish import published_warehouse_asset
from orchestration.billing.definitions import (
    billing_dbt_assets,
    billing_documents,
    billing_job,
    billing_schedule,
    billing_serving_warehouse,
)
from orchestration.dbt_project import dbt_resource

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

defs = Definitions(
    assets=[
        raw_export_day,
        dbt_daily_models,
        serving_warehouse,
        billing_dbt_assets,
        billing_documents,
        billing_serving_warehouse,
    ],
    asset_checks=raw_freshness_checks,
    jobs=[daily_export_job, billing_job],
    schedules=[daily_export_schedule, billing_schedule],
    sensors=[raw_freshness_sensor],
    resources={"dbt": dbt_resource},
)
