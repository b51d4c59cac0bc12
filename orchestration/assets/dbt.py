"""The dbt project as Dagster assets (daily partitions; billing has its own monthly assets)."""

import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, BackfillPolicy, Config, TimeWindow
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration import settings
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


# dbt parses the whole project again whenever --vars change (they are part of its partial-parse state),
# which costs a daily run more than most of its models. So a daily run passes the same --vars every day:
# the window's dates are in environment variables that dbt renders when a model or test reads the var
# (an unset variable renders '', which no date cast accepts: the run fails instead of widening).
WINDOW_ENV = {"min_date": "DBT_WINDOW_MIN_DATE", "max_date": "DBT_WINDOW_MAX_DATE"}
WINDOW_FROM_ENV = {key: f"{{{{ env_var('{name}', '') }}}}" for key, name in WINDOW_ENV.items()}
# Dagster gives every dbt run a target folder of its own: a daily run starts from the partial parse the
# previous daily run left here (dbt checks it against the project's files and re-parses what changed).
DAILY_PARTIAL_PARSE = settings.PROJECT_DIR / "target" / "daily_partial_parse.msgpack"


def daily_build_args(window: TimeWindow, config: DbtBuildConfig) -> list[str]:
    """`dbt build` arguments for the export days of a partition window (end exclusive); the window's
    dates go in the environment (daily_build_env), except for the rare full-refresh and full-test runs.

    A day's run tests the rows of its window (macros/data_test_window.sql) and leaves the unit
    tests (CI) and the whole-table reconciliation tests to full-test runs, so it costs a day."""
    if config.full_refresh:
        return ["build", "--full-refresh"]
    last_day = (window.end - timedelta(days=1)).date()
    if config.full_tests:
        return ["build", *window_vars(min_date=window.start.date(), max_date=last_day, full_tests=True)]
    return [
        "build",
        *window_vars(**WINDOW_FROM_ENV),
        "--exclude-resource-type",
        "unit_test",
        "--exclude",
        "test_type:singular",
    ]


def daily_build_env(window: TimeWindow, partial_parse: Path = DAILY_PARTIAL_PARSE) -> dict[str, str]:
    """The environment of a daily `dbt build`: the window's dates, and the saved partial parse if any."""
    env = {
        WINDOW_ENV["min_date"]: window.start.date().isoformat(),
        WINDOW_ENV["max_date"]: (window.end - timedelta(days=1)).date().isoformat(),
    }
    if partial_parse.exists():
        env["DBT_PARTIAL_PARSE_FILE_PATH"] = str(partial_parse)
    return env


def keep_partial_parse(target_path: Path, partial_parse: Path = DAILY_PARTIAL_PARSE) -> None:
    """Keep the partial parse a daily run wrote for the next one (replaced atomically)."""
    written = Path(target_path) / "partial_parse.msgpack"
    if written.exists():
        partial_parse.parent.mkdir(parents=True, exist_ok=True)
        staging = partial_parse.with_name(f".{partial_parse.name}.{os.getpid()}")
        shutil.copyfile(written, staging)
        os.replace(staging, partial_parse)


@contextmanager
def environment(variables: Mapping[str, str]) -> Iterator[None]:
    """os.environ with the variables set (dagster-dbt hands the process environment to dbt), restored after."""
    before = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


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
    window = context.partition_time_window
    windowed = not (config.full_refresh or config.full_tests)
    with environment(daily_build_env(window) if windowed else {}):
        invocation = dbt.cli(daily_build_args(window, config), context=context)
        yield from invocation.stream()
    if windowed:
        keep_partial_parse(invocation.target_path)
