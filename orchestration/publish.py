"""Publish a finished build to the serving file Superset reads, atomically.

DuckDB allows one writer per file and a writer blocks every reader of that file, so Superset never
reads the build file. After a successful build, the BI schemas (marts only: no raw, staging or
intermediate) are copied into a temporary file in the serving folder, which then replaces the
serving file with os.replace: a reader opens either the old or the new complete file, never a
half-written one. A reader that opened the old file keeps reading it (its inode) until it closes.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import duckdb

from orchestration import settings

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


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def publish(
    build_path: Path | str = settings.WAREHOUSE_PATH,
    serving_path: Path | str = settings.SERVING_WAREHOUSE_PATH,
    schemas: tuple[str, ...] | list[str] = PUBLISHED_SCHEMAS,
) -> dict:
    """Copy the mart schemas of build_path into serving_path atomically; returns tables, rows, seconds."""
    started = time.monotonic()
    build_path = Path(build_path).resolve()
    serving_path = Path(serving_path).resolve()
    if not build_path.exists():
        raise FileNotFoundError(f"build warehouse {build_path} does not exist: run the build first")
    serving_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = serving_path.parent / f".{serving_path.name}.publish.lock"
    tmp_path = serving_path.parent / f".{serving_path.name}.{os.getpid()}.tmp"
    tables = 0
    rows = 0
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one publisher at a time
        tmp_path.unlink(missing_ok=True)
        try:
            con = duckdb.connect(str(tmp_path))
            try:
                con.execute(f"SET threads = {settings.DUCKDB_THREADS}")
                con.execute(f"SET memory_limit = '{settings.DUCKDB_MEMORY_LIMIT}'")
                con.execute("SET preserve_insertion_order = false")
                con.execute(f"ATTACH {_sql_str(str(build_path))} AS build (READ_ONLY)")
                relations = con.execute(
                    "select table_schema, table_name from information_schema.tables "
                    "where table_catalog = 'build' and table_schema in (select unnest(?)) "
                    "order by 1, 2",
                    [list(schemas)],
                ).fetchall()
                for schema in sorted({s for s, _ in relations}):
                    con.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote(schema)}")
                for schema, table in relations:
                    target = f"{_quote(schema)}.{_quote(table)}"
                    con.execute(f"CREATE TABLE {target} AS SELECT * FROM build.{target}")
                    rows += con.execute(f"SELECT count(*) FROM {target}").fetchone()[0]
                    tables += 1
                comments = con.execute(
                    "select schema_name, table_name, comment from duckdb_tables() "
                    "where database_name = 'build' and comment is not null and schema_name in (select unnest(?))",
                    [list(schemas)],
                ).fetchall()
                for schema, table, comment in comments:
                    con.execute(f"COMMENT ON TABLE {_quote(schema)}.{_quote(table)} IS {_sql_str(comment)}")
                con.execute("DETACH build")
                con.execute("CHECKPOINT")
            finally:
                con.close()
            with open(tmp_path, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp_path, serving_path)
            dir_fd = os.open(serving_path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        finally:
            tmp_path.unlink(missing_ok=True)
            Path(str(tmp_path) + ".wal").unlink(missing_ok=True)
    return {
        "serving_path": str(serving_path),
        "tables": tables,
        "rows": rows,
        "seconds": round(time.monotonic() - started, 3),
    }


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


if __name__ == "__main__":
    import json

    print(json.dumps(publish()))
