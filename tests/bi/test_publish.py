"""Atomic publish: Superset keeps answering while a writer holds the build file; readers see whole builds."""

from __future__ import annotations

import threading

import duckdb

from orchestration.publish import publish


def test_publish_copies_marts_only(bi_build_warehouse, tmp_path):
    stats = publish(bi_build_warehouse, tmp_path / "serving.duckdb")
    assert stats["tables"] > 0 and stats["rows"] > 0 and stats["seconds"] >= 0
    con = duckdb.connect(str(tmp_path / "serving.duckdb"), read_only=True)
    schemas = {r[0] for r in con.execute("select distinct table_schema from information_schema.tables").fetchall()}
    con.close()
    assert "raw" not in schemas and "staging" not in schemas and "core" in schemas
    assert not list(tmp_path.glob(".*.tmp")), "temp file left behind"


def test_chart_answers_while_a_writer_holds_the_build(admin, bi_build_warehouse, tmp_path):
    copy = tmp_path / "build.duckdb"
    copy.write_bytes(bi_build_warehouse.read_bytes())
    writer = duckdb.connect(str(copy))  # read-write: DuckDB's exclusive file lock
    try:
        writer.execute("create table core.being_built as select 1 as x")
        chart_id = admin.list_all("chart", ["id"])[0]["id"]
        result = admin.chart_data(chart_id)["result"]
        assert result and not result[0].get("error")
    finally:
        writer.close()


def _build(path, generation: int, rows: int) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists core")
    con.execute(
        "create or replace table core.generation as select ? as generation, range as i from range(?)",
        [generation, rows],
    )
    con.close()


def test_reader_sees_old_or_new_complete_build(tmp_path):
    serving = tmp_path / "serving" / "warehouse.duckdb"
    builds = []
    for generation, rows in ((1, 10_000), (2, 250_000)):
        path = tmp_path / f"build{generation}.duckdb"
        _build(path, generation, rows)
        builds.append((path, generation, rows))
    publish(builds[0][0], serving)
    expected = {g: r for _, g, r in builds}
    seen: set[int] = set()
    errors: list[str] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                con = duckdb.connect(str(serving), read_only=True)
                generation, count, distinct = con.execute(
                    "select min(generation), count(*), count(distinct generation) from core.generation"
                ).fetchone()
                con.close()
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))
                continue
            seen.add(generation)
            if distinct != 1 or expected.get(generation) != count:
                errors.append(f"half build: generation {generation}, {count} rows")

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(3):
            for path, _, _ in builds[1:] + builds[:1]:
                publish(path, serving)
    finally:
        stop.set()
        thread.join()
    assert not errors, errors[:5]
    assert seen == {1, 2}
