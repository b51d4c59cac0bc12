"""Load the platform's daily export (landing files) into the warehouse's raw schema.

One export day is loaded in one DuckDB transaction: every entity's rows of that day are replaced,
malformed lines go to `raw.quarantine` with file, line and reason, and `raw.load_log` records the
counts. A crash or a failed file rolls the whole day back, so the warehouse is never half-loaded.

Validation is set-based: the lines of a day are handed to DuckDB as one Arrow table and checked
with SQL expressions generated from `orchestration.contract`.

    python -m orchestration.ingestion --help
"""

from __future__ import annotations

import argparse
import gzip
import logging
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration import settings
from orchestration.contract import DUCKDB_TYPES, ENTITY_FIELDS, Field

log = logging.getLogger(__name__)

LOAD_COLUMNS = {
    "_export_date": "DATE",
    "_source_file": "VARCHAR",
    "_line_number": "BIGINT",
    # fields outside the contract (added by a later export version), kept as JSON, else null
    "_extra_fields": "JSON",
    "_loaded_at": "TIMESTAMP",
}


class MissingExportDay(Exception):
    """The landing folder holds no export at all for a day."""


class CorruptExportFile(Exception):
    """A file that cannot be read as a whole (not gzip, truncated archive)."""


@dataclass
class EntityLoad:
    entity: str
    files: int = 0
    lines: int = 0
    loaded_rows: int = 0
    quarantined_rows: int = 0
    duplicate_lines: int = 0
    rows_with_extra_fields: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


def connect(warehouse: Path | str = settings.WAREHOUSE_PATH, wait_seconds: float = 600) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for writing, waiting while another writer holds DuckDB's file lock."""
    path = Path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    delay = 0.2
    while True:
        try:
            con = duckdb.connect(
                str(path),
                config={"memory_limit": settings.DUCKDB_MEMORY_LIMIT, "threads": settings.DUCKDB_THREADS},
            )
            con.execute("set TimeZone = 'UTC'")
            return con
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() > deadline:
                raise
            log.info("warehouse busy, waiting for the lock: %s", error)
            time.sleep(delay)
            delay = min(delay * 2, 5)


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw tables (idempotent) so dbt sources exist even before the first load."""
    con.execute("create schema if not exists raw")
    for entity, fields in ENTITY_FIELDS.items():
        columns = [f'"{f.name}" {DUCKDB_TYPES[f.kind]}' for f in fields]
        columns += [f"{name} {kind}" for name, kind in LOAD_COLUMNS.items()]
        con.execute(f"create table if not exists raw.{entity} ({', '.join(columns)})")
        # a contract field that appeared after the table was created
        existing = {row[0] for row in con.execute(f"describe raw.{entity}").fetchall()}
        for f in fields:
            if f.name not in existing:
                con.execute(f'alter table raw.{entity} add column "{f.name}" {DUCKDB_TYPES[f.kind]}')
    con.execute(
        """
        create table if not exists raw.quarantine (
            entity varchar, export_date date, source_file varchar, line_number bigint,
            reason varchar, line varchar, loaded_at timestamp
        )
        """
    )
    con.execute(
        """
        create table if not exists raw.load_log (
            entity varchar, export_date date, files integer, lines bigint, loaded_rows bigint,
            quarantined_rows bigint, duplicate_lines bigint, rows_with_extra_fields bigint,
            loaded_at timestamp
        )
        """
    )


def day_folders(landing: Path, day: date) -> dict[str, Path]:
    return {
        entity: landing / entity / f"date={day.isoformat()}"
        for entity in ENTITY_FIELDS
        if (landing / entity / f"date={day.isoformat()}").is_dir()
    }


def available_days(landing: Path) -> list[date]:
    days = set()
    for entity in ENTITY_FIELDS:
        for folder in (landing / entity).glob("date=*"):
            try:
                days.add(date.fromisoformat(folder.name.removeprefix("date=")))
            except ValueError:
                log.warning("ignoring folder with an invalid date: %s", folder)
    return sorted(days)


def _read_lines(path: Path, relative_name: str) -> pa.Table:
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as error:
        raise CorruptExportFile(f"{relative_name}: cannot be decompressed ({error})") from error
    try:
        lines = data.decode("utf-8").split("\n")
        bad_utf8 = [False] * len(lines)
    except UnicodeDecodeError:
        # only a file with broken bytes is decoded line by line, to quarantine just those lines
        lines, bad_utf8 = [], []
        for raw in data.split(b"\n"):
            try:
                lines.append(raw.decode("utf-8"))
                bad_utf8.append(False)
            except UnicodeDecodeError:
                lines.append(None)
                bad_utf8.append(True)
    if lines and lines[-1] == "":  # the newline that ends the last line
        lines.pop()
        bad_utf8.pop()
    count = len(lines)
    return pa.table(
        {
            "source_file": pa.array([relative_name] * count, pa.string()),
            "line_number": pa.array(range(1, count + 1), pa.int64()),
            "line": pa.array(lines, pa.string()),
            "bad_utf8": pa.array(bad_utf8, pa.bool_()),
        }
    )


def _value_sql(f: Field) -> str:
    """Typed value of a field from `fields`, the line's fields as JSON values (null if absent)."""
    json_value = f'fields."{f.name}"'
    text = f"({json_value}->>'$')"
    return {
        "int": f"try_cast({text} as bigint)",
        "str": text,
        "bool": f"try_cast({text} as boolean)",
        "timestamp": f"timezone('UTC', try_cast({text} as timestamptz))",
        "date": f"try_cast({text} as date)",
        "decimal": f"try_cast({text} as decimal(18, 6))",
        "str_list": f"try_cast({json_value} as varchar[])",
        "object": json_value,
    }[f.kind]


def _type_ok_sql(f: Field) -> str:
    """True when a present field has the contract's type."""
    json_value = f'fields."{f.name}"'
    json_type = f"json_type({json_value})"
    text = f"({json_value}->>'$')"
    return {
        "int": f"{json_type} in ('BIGINT', 'UBIGINT')",
        "str": f"{json_type} = 'VARCHAR'",
        "bool": f"{json_type} = 'BOOLEAN'",
        "timestamp": f"{json_type} = 'VARCHAR' and try_cast({text} as timestamptz) is not null",
        "date": f"{json_type} = 'VARCHAR' and try_cast({text} as date) is not null",
        # money is a decimal string by contract; a JSON float could already have lost precision
        "decimal": f"{json_type} = 'VARCHAR' and try_cast({text} as decimal(18, 6)) is not null",
        "str_list": f"{json_type} = 'ARRAY' and try_cast({json_value} as varchar[]) is not null",
        "object": f"{json_type} = 'OBJECT'",
    }[f.kind]


_KIND_WORDS = {
    "int": "an integer",
    "str": "a string",
    "bool": "a boolean",
    "timestamp": "an ISO-8601 timestamp",
    "date": "a YYYY-MM-DD date",
    "decimal": "a decimal string",
    "str_list": "an array of strings",
    "object": "an object",
}


def _reason_sql(fields: Iterable[Field]) -> str:
    checks = [
        "case when bad_utf8 then 'invalid UTF-8' end",
        "case when not bad_utf8 and not is_json then 'invalid JSON' end",
        "case when is_json and not is_object then 'not a JSON object' end",
    ]
    for f in fields:
        present = f'fields."{f.name}" is not null'
        if f.required:
            checks.append(f"case when is_object and not {present} then 'missing required field {f.name}' end")
        checks.append(
            f"case when is_object and {present} and not ({_type_ok_sql(f)})"
            f" then 'field {f.name} is not {_KIND_WORDS[f.kind]}' end"
        )
    return f"nullif(concat_ws('; ', {', '.join(checks)}), '')"


def _load_entity(
    con: duckdb.DuckDBPyConnection, landing: Path, entity: str, day: date, folder: Path | None
) -> EntityLoad:
    stats = EntityLoad(entity)
    fields = ENTITY_FIELDS[entity]
    con.execute(f"delete from raw.{entity} where _export_date = ?", [day])
    con.execute("delete from raw.quarantine where entity = ? and export_date = ?", [entity, day])
    con.execute("delete from raw.load_log where entity = ? and export_date = ?", [entity, day])
    files = sorted(folder.glob(f"{entity}-*.jsonl.gz")) if folder else []
    tables = [_read_lines(path, path.relative_to(landing).as_posix()) for path in files]
    stats.files = len(files)
    if tables:
        con.register("lines", pa.concat_tables(tables))
        # each line is parsed once: every contract field is extracted as a JSON value
        structure = "{" + ", ".join(f'"{f.name}": "JSON"' for f in fields) + "}"
        known = "{" + ", ".join(f'"{f.name}": null' for f in fields) + "}"
        con.execute(
            f"""
            create or replace temp table parsed as
            with documents as (
                select source_file, line_number, line, bad_utf8,
                       coalesce(json_valid(line), false) as is_json
                from lines
                where line is null or trim(line) <> ''
            ),
            objects as (
                select *, is_json and starts_with(ltrim(line), '{{') as is_object from documents
            )
            select *,
                   case when is_object then json_transform(line, '{structure}') end as fields,
                   -- fields outside the contract: the object minus the contract's keys
                   case when is_object then nullif(json_merge_patch(line, '{known}'), '{{}}') end as extra_fields
            from objects
            """
        )
        con.execute(f"create or replace temp table checked as select *, {_reason_sql(fields)} as reason from parsed")
        columns = ", ".join(f'"{f.name}"' for f in fields)
        values = ", ".join(_value_sql(f) for f in fields)
        con.execute(
            f"""
            insert into raw.{entity} ({columns}, {", ".join(LOAD_COLUMNS)})
            select {values}, ?, source_file, line_number, extra_fields, now()
            from checked where reason is null
            order by line_number
            """,
            [day],
        )
        con.execute(
            """
            insert into raw.quarantine
            select ?, ?, source_file, line_number, reason, left(coalesce(line, ''), 10000), now()
            from checked where reason is not null
            """,
            [entity, day],
        )
        stats.lines, stats.loaded_rows, stats.quarantined_rows, stats.rows_with_extra_fields = con.execute(
            """
            select count(*), count(*) filter (reason is null), count(*) filter (reason is not null),
                   count(*) filter (reason is null and extra_fields is not null)
            from checked
            """
        ).fetchone()
        stats.duplicate_lines = con.execute(
            "select coalesce(sum(copies - 1), 0) from"
            " (select count(*) as copies from checked where reason is null group by line)"
        ).fetchone()[0]
        stats.reasons = dict(
            con.execute(
                "select reason, count(*) from checked where reason is not null group by reason order by 2 desc"
            ).fetchall()
        )
    con.execute(
        "insert into raw.load_log values (?, ?, ?, ?, ?, ?, ?, ?, now())",
        [
            entity,
            day,
            stats.files,
            stats.lines,
            stats.loaded_rows,
            stats.quarantined_rows,
            stats.duplicate_lines,
            stats.rows_with_extra_fields,
        ],
    )
    return stats


def load_day(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    day: date,
    entities: Iterable[str] | None = None,
) -> dict[str, EntityLoad]:
    """Replace one export day of every entity atomically. Raises MissingExportDay if nothing landed."""
    landing = Path(landing)
    folders = day_folders(landing, day)
    if not folders:
        raise MissingExportDay(f"no export for {day.isoformat()} in {landing}: no <entity>/date={day} folder")
    ensure_raw_schema(con)
    results: dict[str, EntityLoad] = {}
    con.execute("begin transaction")
    try:
        for entity in entities or ENTITY_FIELDS:
            results[entity] = _load_entity(con, landing, entity, day, folders.get(entity))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return results


def load_days(
    landing: Path, warehouse: Path, days: Iterable[date], progress: bool = True
) -> dict[date, dict[str, EntityLoad] | Exception]:
    """Load several days, one transaction each; a missing or broken day is reported, the others load."""
    outcome: dict[date, dict[str, EntityLoad] | Exception] = {}
    con = connect(warehouse)
    try:
        ensure_raw_schema(con)
        for day in days:
            started = time.monotonic()
            try:
                outcome[day] = load_day(con, landing, day)
            except (MissingExportDay, CorruptExportFile) as error:
                outcome[day] = error
                log.error("%s", error)
                continue
            if progress:
                loaded = sum(s.loaded_rows for s in outcome[day].values())
                quarantined = sum(s.quarantined_rows for s in outcome[day].values())
                print(
                    f"{day}: {loaded:>9,} rows loaded, {quarantined:>6,} quarantined"
                    f" ({time.monotonic() - started:.1f} s)",
                    flush=True,
                )
    finally:
        con.close()
    return outcome


def totals(outcome: dict[date, dict[str, EntityLoad] | Exception]) -> tuple[int, int]:
    """Rows loaded and lines quarantined over the days of a load_days outcome that loaded."""
    loads = [stats for result in outcome.values() if isinstance(result, dict) for stats in result.values()]
    return sum(s.loaded_rows for s in loads), sum(s.quarantined_rows for s in loads)


def _parse_date(value: str) -> date:
    return datetime.strptime(value, "%Y-%m-%d").date()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.ingestion",
        description="Load export days from the landing folder into the warehouse's raw schema.",
    )
    parser.add_argument("--landing", type=Path, default=settings.LANDING_PATH)
    parser.add_argument("--warehouse", type=Path, default=settings.WAREHOUSE_PATH)
    parser.add_argument("--from", dest="start", type=_parse_date, help="first export day (default: first found)")
    parser.add_argument("--to", dest="end", type=_parse_date, help="last export day (default: last found)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")

    found = available_days(args.landing)
    if not found and not (args.start and args.end):
        print(f"no export days found in {args.landing}", file=sys.stderr)
        return 1
    start = args.start or found[0]
    end = args.end or found[-1]
    days = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
    outcome = load_days(args.landing, args.warehouse, days)
    failed = {day: error for day, error in outcome.items() if isinstance(error, Exception)}
    for day, error in failed.items():
        print(f"NOT LOADED {day}: {error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
