"""Dagster: the definitions load, and a real in-process materialisation of ingestion + dbt succeeds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import duckdb
from dagster import DagsterInstance, Definitions, materialize

from orchestration import settings


def test_definitions_load():
    from orchestration.definitions import defs

    Definitions.validate_loadable(defs)
    job = defs.resolve_job_def("daily_export_job")
    assert job.partitions_def is not None
    assert {schedule.name for schedule in defs.schedules} >= {"daily_export_job_schedule", "weekly_full_tests_schedule"}
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"raw/notifications", "raw/balance_transactions", "staging/stg_platform__notifications"} <= keys
    # dbt tests surface as asset checks
    checks = defs.resolve_asset_graph().asset_check_keys
    assert any(check.name.startswith("unique_stg_platform__notifications") for check in checks)


def test_importing_the_dbt_project_parses_only_when_the_assets_need_a_stale_manifest():
    """The pipeline and the benchmark import orchestration.dbt_project for its dbt executable: that
    import leaves a stale manifest alone; defining the dbt assets parses it."""
    manifest = settings.PROJECT_DIR / "target" / "manifest.json"
    if manifest.exists():
        os.utime(manifest, (0, 0))  # older than every dbt file: stale
    before = manifest.stat().st_mtime if manifest.exists() else None
    importing = "import orchestration.dbt_project, orchestration.pipeline"
    subprocess.run([sys.executable, "-c", importing], check=True, cwd=settings.PROJECT_DIR)
    assert (manifest.stat().st_mtime if manifest.exists() else None) == before
    defining = (
        "from pathlib import Path; from orchestration.dbt_project import manifest_is_stale, prepared_dbt_project;"
        "assert not manifest_is_stale(Path(prepared_dbt_project().manifest_path))"
    )
    subprocess.run([sys.executable, "-c", defining], check=True, cwd=settings.PROJECT_DIR)
    assert manifest.stat().st_mtime > 0


def test_a_daily_partition_passes_its_window_to_dbt():
    from orchestration.assets.dbt import WINDOW_FROM_ENV, DbtBuildConfig, daily_build_args, daily_build_env
    from orchestration.assets.partitions import export_days

    window = export_days.time_window_for_partition_key("2026-07-15")
    args = daily_build_args(window, DbtBuildConfig())
    # the dates go in the environment; the --vars stay the same every day (no re-parse of the project)
    assert args[0] == "build" and args[1] == "--vars" and json.loads(args[2]) == WINDOW_FROM_ENV
    env = daily_build_env(window)
    assert (env["DBT_WINDOW_MIN_DATE"], env["DBT_WINDOW_MAX_DATE"]) == ("2026-07-15", "2026-07-15")
    # a day's run leaves unit tests and whole-table reconciliation tests to full-test runs
    assert args[3:] == ["--exclude-resource-type", "unit_test", "--exclude", "test_type:singular"]
    assert daily_build_args(window, DbtBuildConfig(full_refresh=True)) == ["build", "--full-refresh"]
    full_tests = daily_build_args(window, DbtBuildConfig(full_tests=True))
    assert json.loads(full_tests[2])["full_tests"] is True and len(full_tests) == 3


def test_weekly_schedule_reruns_yesterday_with_full_tests():
    from dagster import build_schedule_context

    from orchestration.definitions import weekly_full_tests_schedule

    context = build_schedule_context(scheduled_execution_time=datetime(2026, 7, 19, 5, tzinfo=UTC))
    request = weekly_full_tests_schedule(context)
    assert request.partition_key == "2026-07-18"
    assert request.run_config["ops"]["dbt_daily_models"]["config"] == {"full_tests": True}


def test_materialise_one_export_day_in_process(sample_landing):
    """Ingestion + every daily dbt model and check for the first export day, on the session warehouse."""
    from orchestration.assets.dbt import dbt_daily_models
    from orchestration.assets.ingestion import raw_export_day
    from orchestration.dbt_project import dbt_resource

    assert settings.LANDING_PATH == sample_landing
    day = settings.EXPORT_START
    result = materialize(
        [raw_export_day, dbt_daily_models],
        partition_key=day.isoformat(),
        resources={"dbt": dbt_resource},
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success
    materialisations = {
        event.asset_key.to_user_string(): event.materialization.metadata
        for event in result.get_asset_materialization_events()
    }
    assert materialisations["raw/notifications"]["loaded_rows"].value > 0
    assert "quarantined_rows" in materialisations["raw/notification_events"]
    assert "staging/stg_platform__notifications" in materialisations
    checks = result.get_asset_check_evaluations()
    assert checks and all(check.passed or check.severity.value == "WARN" for check in checks)
    with duckdb.connect(str(settings.WAREHOUSE_PATH), read_only=True) as con:
        days = con.execute("select distinct export_date from staging.stg_platform__notifications").fetchall()
    assert days == [(day,)]
