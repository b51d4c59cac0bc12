"""A daily dbt run does not parse the project again: its --vars are the same every day, the window's
dates reach dbt through the environment, and it starts from the partial parse of the previous day."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.assets.dbt import DbtBuildConfig, daily_build_args, daily_build_env, keep_partial_parse
from orchestration.assets.partitions import export_days
from orchestration.dbt_project import window_vars
from tests.conftest import run_dbt

STAGING_TEST = "unique_stg_platform__notifications_message_id"
FULL_PARSE = "Unable to do partial parsing"


def compile_day(warehouse: Path, target: Path, vars_args: list[str]) -> tuple[str, str]:
    """dbt compile of a windowed data test in a fresh target folder (as Dagster gives every run):
    the compiled SQL and dbt's output."""
    result = run_dbt(warehouse, "compile", "--select", STAGING_TEST, *vars_args, target_path=target)
    (compiled,) = [p.read_text() for p in (target / "compiled").rglob(f"{STAGING_TEST}.sql")]
    return compiled, result.stdout


def test_daily_runs_keep_the_partial_parse_and_get_their_own_window(tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema staging")
        con.execute("create table staging.stg_platform__notifications (message_id varchar, export_date date)")
    saved = tmp_path / "daily_partial_parse.msgpack"
    days = [export_days.time_window_for_partition_key(day) for day in ("2026-07-15", "2026-07-16", "2026-07-17")]
    args = [daily_build_args(window, DbtBuildConfig())[1:3] for window in days]
    assert args[0] == args[1] == args[2], "the --vars of a daily run must not change with the day"

    # the first daily run parses the project (nothing saved yet) and leaves its partial parse
    for name, value in daily_build_env(days[0], saved).items():
        monkeypatch.setenv(name, value)
    first, _ = compile_day(warehouse, tmp_path / "t1", args[0])
    assert "export_date between date '2026-07-15' and date '2026-07-15'" in first
    keep_partial_parse(tmp_path / "t1", saved)
    assert saved.exists()

    # the next day: same --vars, its own dates, no parse of the project
    for name, value in daily_build_env(days[1], saved).items():
        monkeypatch.setenv(name, value)
    second, output = compile_day(warehouse, tmp_path / "t2", args[1])
    assert "export_date between date '2026-07-16' and date '2026-07-16'" in second
    assert FULL_PARSE not in output, output[-3000:]

    # the dates as --vars (how daily runs passed them before) make dbt parse everything again
    literal = window_vars(min_date="2026-07-17", max_date="2026-07-17")
    third, output = compile_day(warehouse, tmp_path / "t3", literal)
    assert "export_date between date '2026-07-17' and date '2026-07-17'" in third
    assert FULL_PARSE in output


def test_a_daily_run_without_its_window_fails_instead_of_widening(tmp_path, monkeypatch):
    """The --vars of a daily run without the environment variables: '' is no date, the test does not compile
    to a whole-table test silently."""
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema staging")
        con.execute("create table staging.stg_platform__notifications (message_id varchar, export_date date)")
        con.execute("insert into staging.stg_platform__notifications values ('m-1', date '2026-07-15')")
    window = export_days.time_window_for_partition_key("2026-07-15")
    for name in daily_build_env(window, tmp_path / "none.msgpack"):
        monkeypatch.delenv(name, raising=False)
    compiled, _ = compile_day(warehouse, tmp_path / "t", daily_build_args(window, DbtBuildConfig())[1:3])
    assert "export_date between date '' and date ''" in compiled
    with duckdb.connect(str(warehouse)) as con:
        try:
            con.execute(compiled).fetchall()
        except duckdb.Error:
            return
    raise AssertionError("a window without dates must not run")
