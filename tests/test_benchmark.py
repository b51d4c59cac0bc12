"""A tiny smoke run of `make bench`: every step runs on real data and the incremental warehouse equals the full one."""

from __future__ import annotations

import json

import pytest

from orchestration import benchmark


def test_every_chart_of_the_bundle_has_a_query():
    queries = benchmark.chart_queries()
    assert len(queries) >= 90
    assert all(sql.startswith("SELECT ") and " FROM " in sql and " LIMIT " in sql for sql in queries.values())


@pytest.mark.timeout(2400)
def test_benchmark_smoke_run(tmp_path):
    figures_path = tmp_path / "figures.json"
    workdir = tmp_path / "bench"
    status = benchmark.main(
        ["--profile", "small", "--months", "1", "--days", "4", "--chart-repeats", "2"]
        + ["--workdir", str(workdir), "--json", str(figures_path)]
    )
    figures = json.loads(figures_path.read_text())
    assert status == 0 and figures["correctness"]["differing_rows"] == 0, figures["correctness"]
    steps = figures["steps"]
    for step in (
        "generate",
        "ingestion floor (read_ndjson)",
        "ingestion (all days)",
        "full dbt build",
        "full build floor (SQL script)",
        "dbt parse (deploy, daily vars)",
        "daily run (start of history)",
        "daily run (end of history)",
        "monthly billing run",
        "publish (first, full copy)",
        "dashboard chart queries",
    ):
        assert steps[step]["seconds"] >= 0 and steps[step]["peak_rss_mb"] > 0, step
    assert steps["dashboard chart queries"]["charts"] == len(benchmark.chart_queries())
    assert all(rows > 0 for rows in steps["full build floor (SQL script)"]["rows"].values())
    # the daily run publishes the day only: the second generation file is written whole once, then days
    assert (
        steps["daily run (end of history)"]["published"]["rows_written"] < steps["publish (first, full copy)"]["rows"]
    )
    # the daily runs start from a saved partial parse (the deploy's, then the previous day's)
    assert all(steps[f"daily run ({when} of history)"]["dbt_startup_seconds"] > 0 for when in ("start", "end"))
    assert (workdir / "incremental" / "daily_partial_parse.msgpack").exists()
    assert set(figures["ratios"]) >= {"daily run (end) / full build", "full build / floor", "ingestion / floor"}


def test_comparison_counts_changed_duplicated_and_missing_rows(tmp_path):
    import duckdb

    full, incremental = tmp_path / "full.duckdb", tmp_path / "inc.duckdb"
    for path, rows in ((full, "(1, 'a'), (2, 'b'), (3, 'c')"), (incremental, "(1, 'a'), (2, 'B'), (3, 'c'), (3, 'c')")):
        con = duckdb.connect(str(path))
        con.execute("create schema core")
        con.execute(f"create table core.t as select * from (values {rows}) as v(id, name)")
        con.execute("create table core.same as select 1 as id, now() as built_at")
        if path == full:
            con.execute("create table core.only_full as select 1 as id")
        con.close()
    # (2, 'b') and (2, 'B') differ once each way, (3, 'c') is there once more; built_at is bookkeeping
    assert benchmark.differing_rows(full, incremental, skipped=set()) == {
        "core.t": 3,
        "core.same": 0,
        "core.only_full": -1,
    }


def test_dbt_and_the_python_steps_share_the_duckdb_resource_defaults():
    import os
    import re
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DUCKDB_MEMORY_LIMIT", "DUCKDB_THREADS")}
    code = "from orchestration import settings; print(settings.DUCKDB_MEMORY_LIMIT, settings.DUCKDB_THREADS)"
    printed = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=benchmark.PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    profile = (benchmark.PROJECT_DIR / "profiles.yml").read_text()
    assert re.search(r"env_var\('DUCKDB_MEMORY_LIMIT', '([^']+)'\)", profile)[1] == printed[0]
    assert re.search(r"env_var\('DUCKDB_THREADS', '([^']+)'\)", profile)[1] == printed[1]
