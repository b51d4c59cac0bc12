"""Publish writes only what changed: a day's publish does not copy the history (issue 9)."""

from __future__ import annotations

import duckdb

from orchestration.publish import publish


def _serving_equals_build(build, serving) -> bool:
    with duckdb.connect(str(serving), read_only=True) as con:
        con.execute(f"attach '{build}' as build (read_only)")
        return (
            con.execute(
                "select count(*) from ((select * from core.daily except all select * from build.core.daily)"
                " union all (select * from build.core.daily except all select * from core.daily))"
            ).fetchone()[0]
            == 0
        )


def test_a_daily_publish_writes_the_changed_day_only(tmp_path):
    build, serving = tmp_path / "build.duckdb", tmp_path / "serving" / "warehouse.duckdb"
    with duckdb.connect(str(build)) as con:
        con.execute("create schema core")
        con.execute(
            "create table core.daily as select date '2026-07-01' + cast(range // 100 as integer) as local_date,"
            " range as n from range(10000)"
        )
        con.execute("create table core.dim as select 1 as id")
        con.execute("create schema staging")
        con.execute("create table staging.hidden as select 1 as id")
    # each of the two generation files is written whole once
    assert publish(build, serving)["rows_written"] == 10001
    assert publish(build, serving)["rows_written"] == 10001 and _serving_equals_build(build, serving)

    with duckdb.connect(str(build)) as con:  # a new export day, and a late row on an older day
        con.execute("insert into core.daily select date '2026-10-09', range from range(100)")
        con.execute("update core.daily set n = -1 where local_date = date '2026-07-02' and n = 100")
    second = publish(build, serving)
    assert second["rows_written"] == 200 and second["partitions_replaced"] == 2
    assert _serving_equals_build(build, serving)
    # the other generation file catches up with both publishes it missed, then nothing is left to write
    assert publish(build, serving)["rows_written"] == 200
    assert publish(build, serving)["rows_written"] == 0
    assert _serving_equals_build(build, serving)

    with duckdb.connect(str(build)) as con:  # a changed column set is copied whole; a dropped table goes
        con.execute("alter table core.daily add column note varchar")
        con.execute("drop table core.dim")
    third = publish(build, serving)
    assert third["rows_written"] == 10100 and third["tables_dropped"] == 1
    with duckdb.connect(str(serving), read_only=True) as con:
        tables = con.execute("select table_schema, table_name from information_schema.tables order by 1, 2").fetchall()
    assert ("core", "daily") in tables and ("core", "dim") not in tables
    assert not any(schema == "staging" for schema, _ in tables)


def test_publish_of_many_large_tables_stays_within_the_memory_limit(tmp_path, monkeypatch):
    """A publish catching up a long history writes most partitions of every table: each table in its own
    transaction, so the limit bounds one table, not all (one transaction for every table ran out of DuckDB's
    memory limit on a 12-month large history)."""
    from orchestration import settings

    build, serving = tmp_path / "build.duckdb", tmp_path / "serving" / "warehouse.duckdb"
    rows = (
        "select date '2026-07-01' + cast(range // 20000 as integer) as local_date, range as n,"
        " md5(cast(range as varchar)) as payload from range({})"
    )
    with duckdb.connect(str(build)) as con:
        con.execute("create schema core")
        for table in range(8):
            con.execute(f"create table core.t{table} as {rows.format(20000)}")
    for _ in range(2):  # both generations hold the first day
        publish(build, serving)
    with duckdb.connect(str(build)) as con:
        for table in range(8):
            con.execute(f"create or replace table core.t{table} as {rows.format(1500000)}")
    monkeypatch.setattr(settings, "DUCKDB_MEMORY_LIMIT", "200MB")
    # every partition but the first day's (unchanged) is written
    assert publish(build, serving)["rows_written"] == 8 * (1500000 - 20000)
