"""Publish a finished build to the serving file Superset reads, atomically, writing only what changed.

DuckDB allows one writer per file and a writer blocks every reader of that file, so Superset never
reads the build file. The serving file is one of two generation files kept beside it
(`.<name>.a` and `.<name>.b`): the serving path is a hard link to the current one. A publish brings
the other generation up to date with the build, then swaps the link with os.replace: a reader
opens either the old or the new complete file, never a half-written one, and Superset keeps
reading the current generation while the other is written.

Bringing a generation up to date copies only changed partitions: every published table is cut into
partitions (its local date, period or month column; small tables are one partition), each with a
row count and a checksum of its rows kept in the generation's own `_publish` schema, written in the
same transaction as the rows. A partition whose checksum differs from the build's is replaced; a
table whose columns changed is copied whole. So a daily publish reads the marts and writes a day,
not the whole history (issue 9).
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.transactions import transaction

# The schemas BI reads: the dbt marts, by domain.
PUBLISHED_SCHEMAS = (
    "core",
    "notifications",
    "chats",
    "engagement",
    "telephony",
    "account_usage",
    "customer_dynamics",
    "billing",
)
# Bookkeeping of a generation file: partition checksums of what it holds.
META_SCHEMA = "_publish"
# Partition column of a table: the first of these it has, else its first DATE column.
PARTITION_COLUMNS = ("local_date", "period_start", "invoice_month", "billing_month", "local_month", "month_start")
# A reader from another process holds DuckDB's file lock on an old generation for a moment.
LOCK_WAIT_SECONDS = 300


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def generation_paths(serving_path: Path) -> tuple[Path, Path]:
    return (
        serving_path.parent / f".{serving_path.name}.a",
        serving_path.parent / f".{serving_path.name}.b",
    )


def next_generation(serving_path: Path) -> Path:
    """The generation file the serving path does not point to (the one to write)."""
    first, second = generation_paths(serving_path)
    try:
        current = serving_path.stat().st_ino
    except FileNotFoundError:
        return first
    for path in (first, second):
        if path.exists() and path.stat().st_ino == current:
            return second if path == first else first
    return first


def _connect_for_writing(path: Path) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _partition_key(columns: list[tuple[str, str]]) -> str:
    """SQL expression of a table's partition key (text), or a constant for a one-partition table."""
    names = {name: data_type for name, data_type in columns}
    chosen = next((name for name in PARTITION_COLUMNS if name in names), None)
    if chosen is None:
        chosen = next((name for name, data_type in columns if data_type == "DATE"), None)
    return f"coalesce(cast({_quote(chosen)} as varchar), '')" if chosen else "''"


def _ensure_meta(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {META_SCHEMA}")
    con.execute(
        f"create table if not exists {META_SCHEMA}.tables"
        " (table_schema varchar, table_name varchar, signature varchar, partition_key varchar)"
    )
    con.execute(
        f"create table if not exists {META_SCHEMA}.partitions"
        " (table_schema varchar, table_name varchar, key varchar, row_count bigint, checksum hugeint)"
    )


def _sync_table(con: duckdb.DuckDBPyConnection, schema: str, table: str, columns: list[tuple[str, str]]) -> dict:
    """Make the generation's schema.table equal to build's, replacing changed partitions only."""
    target, source = f"{_quote(schema)}.{_quote(table)}", f"build.{_quote(schema)}.{_quote(table)}"
    signature = ", ".join(f"{name} {data_type}" for name, data_type in columns)
    key = _partition_key(columns)
    row_hash = "hash(" + ", ".join(_quote(name) for name, _ in columns) + ")"
    fresh = {
        k: (n, c)
        for k, n, c in con.execute(
            f"select {key} as key, count(*), sum({row_hash}) from {source} group by all"
        ).fetchall()
    }
    stored_table = con.execute(
        f"select signature, partition_key from {META_SCHEMA}.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    if stored_table != (signature, key):
        con.execute(f"create or replace table {target} as select * from {source}")
        changed = list(fresh)
        con.execute(f"delete from {META_SCHEMA}.tables where table_schema = ? and table_name = ?", [schema, table])
        con.execute(f"insert into {META_SCHEMA}.tables values (?, ?, ?, ?)", [schema, table, signature, key])
        con.execute(f"delete from {META_SCHEMA}.partitions where table_schema = ? and table_name = ?", [schema, table])
        rows_written = sum(n for n, _ in fresh.values())
    else:
        stored = {
            k: (n, c)
            for k, n, c in con.execute(
                f"select key, row_count, checksum from {META_SCHEMA}.partitions"
                " where table_schema = ? and table_name = ?",
                [schema, table],
            ).fetchall()
        }
        changed = [k for k in set(fresh) | set(stored) if fresh.get(k) != stored.get(k)]
        rows_written = 0
        if changed:
            con.execute(f"delete from {target} where {key} in (select unnest(?))", [changed])
            con.execute(f"insert into {target} select * from {source} where {key} in (select unnest(?))", [changed])
            rows_written = sum(fresh[k][0] for k in changed if k in fresh)
            con.execute(
                f"delete from {META_SCHEMA}.partitions where table_schema = ? and table_name = ?"
                " and key in (select unnest(?))",
                [schema, table, changed],
            )
    rows = [(schema, table, k, *fresh[k]) for k in changed if k in fresh]
    if rows:
        con.executemany(f"insert into {META_SCHEMA}.partitions values (?, ?, ?, ?, ?)", rows)
    return {"partitions_replaced": len(changed), "rows_written": rows_written}


def _sync(con: duckdb.DuckDBPyConnection, schemas: list[str]) -> dict:
    """Each table in a transaction of its own, with its checksums: one transaction for every table held all
    their new rows in memory (a 12-month large-profile copy ran out of the 3GB limit). The generation is
    served only once every table is synced, so a reader never sees a half-written one."""
    with transaction(con):
        _ensure_meta(con)
    columns: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, table, column, data_type in con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns"
        " where table_catalog = 'build' and table_schema in (select unnest(?)) order by table_schema, table_name,"
        " ordinal_position",
        [schemas],
    ).fetchall():
        columns.setdefault((schema, table), []).append((column, data_type))
    published = set(
        con.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_catalog = current_database() and table_schema in (select unnest(?))",
            [schemas],
        ).fetchall()
    )
    stats = {"tables": len(columns), "partitions_replaced": 0, "rows_written": 0, "tables_dropped": 0}
    with transaction(con):
        for schema in sorted({schema for schema, _ in columns}):
            con.execute(f"create schema if not exists {_quote(schema)}")
        for schema, table in sorted(published - set(columns)):
            con.execute(f"drop table {_quote(schema)}.{_quote(table)}")
            con.execute(f"delete from {META_SCHEMA}.tables where table_schema = ? and table_name = ?", [schema, table])
            con.execute(
                f"delete from {META_SCHEMA}.partitions where table_schema = ? and table_name = ?", [schema, table]
            )
            stats["tables_dropped"] += 1
    for (schema, table), table_columns in sorted(columns.items()):
        with transaction(con):
            for name, value in _sync_table(con, schema, table, table_columns).items():
                stats[name] += value
    with transaction(con):
        for schema, table, comment in con.execute(
            "select schema_name, table_name, comment from duckdb_tables()"
            " where database_name = 'build' and comment is not null and schema_name in (select unnest(?))",
            [schemas],
        ).fetchall():
            con.execute(f"COMMENT ON TABLE {_quote(schema)}.{_quote(table)} IS {_sql_str(comment)}")
    stats["rows"] = sum(
        con.execute(f"select count(*) from {_quote(schema)}.{_quote(table)}").fetchone()[0] for schema, table in columns
    )
    return stats


def publish(
    build_path: Path | str = settings.WAREHOUSE_PATH,
    serving_path: Path | str = settings.SERVING_WAREHOUSE_PATH,
    schemas: tuple[str, ...] | list[str] = PUBLISHED_SCHEMAS,
) -> dict:
    """Bring the mart schemas of build_path to serving_path atomically; returns what was written."""
    started = time.monotonic()
    build_path = Path(build_path).resolve()
    serving_path = Path(serving_path).absolute()
    if not build_path.exists():
        raise FileNotFoundError(f"build warehouse {build_path} does not exist: run the build first")
    serving_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = serving_path.parent / f".{serving_path.name}.publish.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one publisher at a time
        generation = next_generation(serving_path)
        con = _connect_for_writing(generation)
        try:
            con.execute(f"SET threads = {settings.DUCKDB_THREADS}")
            con.execute(f"SET memory_limit = '{settings.DUCKDB_MEMORY_LIMIT}'")
            con.execute("SET preserve_insertion_order = false")
            con.execute(f"ATTACH {_sql_str(str(build_path))} AS build (READ_ONLY)")
            stats = _sync(con, list(schemas))
            con.execute("DETACH build")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        with open(generation, "rb") as fh:
            os.fsync(fh.fileno())
        # swap: the serving path becomes a link to the generation just written
        link = serving_path.parent / f".{serving_path.name}.{os.getpid()}.link"
        link.unlink(missing_ok=True)
        os.link(generation, link)
        os.replace(link, serving_path)
        dir_fd = os.open(serving_path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return {
        "serving_path": str(serving_path),
        "generation": generation.name,
        **stats,
        "seconds": round(time.monotonic() - started, 3),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(publish()))
