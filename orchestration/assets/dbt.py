"""The dbt project as Dagster assets (daily partitions; billing has its own monthly assets)."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from dagster import AssetExecutionContext, AssetKey, BackfillPolicy, Config, TimeWindow
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.assets.partitions import export_days
from orchestration.dbt_project import prepared_dbt_project, window_vars


class PlatformDbtTranslator(DagsterDbtTranslator):
    """dbt sources are the raw ingestion assets; groups follow the dbt schemas."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey(["raw", dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props.get("config", {}).get("schema") or "dbt"


translator = PlatformDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


class DbtBuildConfig(Config):
    # a full refresh rebuilds every incremental model from all raw history (no window vars)
    full_refresh: bool = False
    # test whole tables and run the reconciliation (singular) tests, not only the window's rows
    full_tests: bool = False


def daily_build_args(window: TimeWindow, config: DbtBuildConfig) -> list[str]:
    """`dbt build` arguments for the export days of a partition window (end exclusive).

    A day's run tests the rows of its window (macros/data_test_window.sql) and leaves the unit
    tests (CI) and the whole-table reconciliation tests to full-test runs, so it costs a day."""
    if config.full_refresh:
        return ["build", "--full-refresh"]
    last_day = (window.end - timedelta(days=1)).date()
    if config.full_tests:
        return ["build", *window_vars(min_date=window.start.date(), max_date=last_day, full_tests=True)]
    return [
        "build",
        *window_vars(min_date=window.start.date(), max_date=last_day),
        "--exclude-resource-type",
        "unit_test",
        "--exclude",
        "test_type:singular",
    ]


@dbt_assets(
    manifest=prepared_dbt_project().manifest_path,
    project=prepared_dbt_project(),
    exclude="tag:billing",
    partitions_def=export_days,
    dagster_dbt_translator=translator,
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
    name="dbt_daily_models",
)
def dbt_daily_models(context: AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig):
    yield from dbt.cli(daily_build_args(context.partition_time_window, config), context=context).stream()
