"""Dagster on Spark: CPAAS_ENGINE selects the engine of the jobs, and a real daily materialisation on Spark
(the Spark loader, then dbt in-process on the `spark` target) succeeds for one small day."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from dagster import DagsterInstance, materialize

from orchestration import settings


def _definitions(engine: str | None) -> subprocess.CompletedProcess:
    """Load orchestration.definitions in a fresh process (the engine is read at import)."""
    env = {k: v for k, v in os.environ.items() if k != "CPAAS_ENGINE"} | ({"CPAAS_ENGINE": engine} if engine else {})
    code = (
        "import sys\n"
        "from dagster import Definitions\n"
        "from orchestration.definitions import defs\n"
        "Definitions.validate_loadable(defs)\n"
        "print(sorted(job.name for job in defs.jobs), sorted(s.name for s in defs.schedules))\n"
        "print('pyspark imported' if 'pyspark' in sys.modules else 'pyspark not imported')\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.PROJECT_DIR, capture_output=True, text=True, timeout=600
    )


def test_duckdb_stays_the_default_and_loads_without_pyspark():
    result = _definitions(None)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "weekly_full_tests_schedule" in result.stdout and "pyspark not imported" in result.stdout


def test_spark_engine_serves_the_daily_and_monthly_jobs_on_spark():
    result = _definitions("spark")
    assert result.returncode == 0, result.stderr[-3000:]
    jobs, schedules = result.stdout.splitlines()[0].split("] [")
    assert "'billing_job'" in jobs and "'daily_export_job'" in jobs
    assert "billing_schedule" in schedules and "daily_export_job_schedule" in schedules
    assert "pyspark not imported" in result.stdout  # imported by a run, not by loading the definitions


def test_an_unknown_engine_fails_instead_of_running_on_duckdb():
    result = _definitions("postgres")
    assert result.returncode != 0 and "CPAAS_ENGINE='postgres'" in result.stderr


@pytest.mark.spark
def test_daily_job_materialises_one_day_on_spark(sample_landing):
    """The first export day: loaded by the Spark loader, then a staging model built by dbt on Spark."""
    pytest.importorskip("pyspark")
    from orchestration.spark.definitions import raw_export_day_spark, spark_dbt_daily_models
    from orchestration.spark.session import spark_session

    assert settings.LANDING_PATH == sample_landing
    day = settings.EXPORT_START
    model = "stg_platform__notifications"
    result = materialize(
        [raw_export_day_spark, spark_dbt_daily_models],
        partition_key=day.isoformat(),
        instance=DagsterInstance.ephemeral(),
        run_config={"ops": {"spark__dbt_daily_models": {"config": {"select": model}}}},
    )
    assert result.success
    metadata = {
        event.asset_key.to_user_string(): event.materialization.metadata
        for event in result.get_asset_materialization_events()
    }
    loaded = metadata["raw/notifications"]["loaded_rows"].value
    assert loaded > 0 and "quarantined_rows" in metadata["raw/notification_events"]
    assert f"--select {model}" in metadata["spark/dbt_daily_models"]["dbt_args"].value

    spark = spark_session()
    raw_rows = spark.sql(f"select count(*) from raw.notifications where _export_date = date '{day}'").first()[0]
    assert raw_rows == loaded
    table = next(
        f"{database.name}.{model}"
        for database in spark.catalog.listDatabases()
        if any(t.name == model for t in spark.catalog.listTables(database.name))
    )
    assert spark.sql(f"select count(*) from {table}").first()[0] > 0
