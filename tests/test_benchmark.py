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
