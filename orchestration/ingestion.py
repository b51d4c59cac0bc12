"""Load the platform's daily export (landing files) into the warehouse's raw schema.

One export day is loaded in one DuckDB transaction: every entity's rows of that day are replaced,
malformed lines go to `raw.quarantine` with file, line and reason, and `raw.load_log` records the
counts. A crash or a failed file rolls the whole day back, so the warehouse is never half-loaded.

DuckDB reads the gzip parts itself (read_csv, one raw line per row, kept for the quarantine) and
checks every line with SQL expressions generated from `orchestration.contract`; a part its reader
cannot take line for line (broken bytes, control characters) is read in Python instead, with the
same checks. A day is loaded only when its manifest says it is complete (docs/landing-layout.md).

    python -m orchestration.ingestion --help
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration import landing as layout
from orchestration import settings
from orchestration.contract import (
    DUCKDB_TYPES,
    ENTITY_FIELDS,
    ENTITY_KEYS,
    REASON_INVALID_JSON,
    REASON_INVALID_UTF8,
    REASON_NOT_OBJECT,
    Field,
    missing_reason,
    range_checks,
    wrong_kind_reason,
)
from orchestration.landing import (  # noqa: F401  (re-exported: callers catch them from here)
    ExportDayError,
    IncompleteExportDay,
    MissingExportDay,
    UnsafeExportPath,
    available_days,
)
from orchestration.transactions import transaction

log = logging.getLogger(__name__)

LOAD_COLUMNS = {
    "_export_date": "DATE",
    "_source_file": "VARCHAR",
    "_line_number": "BIGINT",
    # fields outside the contract (added by a later export version), kept as JSON, else null
    "_extra_fields": "JSON",
    "_loaded_at": "TIMESTAMP",
}


# WAL size at which a many-day load checkpoints (DuckDB's default, 16MB, checkpoints after every day)
LOAD_CHECKPOINT_THRESHOLD = "1GB"


class CorruptExportFile(ExportDayError):
    """A file that cannot be read as a whole (not gzip, truncated archive, unreadable)."""


class ShrinkingExportDay(ExportDayError):
    """A re-delivered day that would replace loaded rows by fewer, without the explicit override."""


@dataclass
class EntityLoad:
    entity: str
    files: int = 0
    lines: int = 0
    loaded_rows: int = 0
    quarantined_rows: int = 0
    duplicate_lines: int = 0
    # keys loaded more than once with different content (staging keeps one of them)
    conflicting_keys: int = 0
    rows_with_extra_fields: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


class DayLoad(dict):
    """entity -> EntityLoad for one loaded day, plus what the loader noticed and did not load
    (unknown entity folders, folders that are not dates, files the manifest does not list)."""

    def __init__(self, loads: dict[str, EntityLoad], problems: list[str]):
        super().__init__(loads)
        self.problems = problems


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
    con.execute("alter table raw.load_log add column if not exists conflicting_keys bigint")


# read_csv options that make every line of a gzip part one VARCHAR value, as it is: the delimiter is a
# control character valid JSON never holds unescaped (a line with one falls back to Python reading)
_CSV_OPTIONS = (
    "columns = {'line': 'VARCHAR'}, header = false, delim = '\x01', quote = '', escape = '',"
    " auto_detect = false, compression = 'gzip'"
)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _date_sql(day: date) -> str:
    return f"date '{day.isoformat()}'"


def _duckdb_lines_sql(parts: list[tuple[Path, str]]) -> str:
    """The lines of the parts as DuckDB reads them: one read_csv per part, numbered in reading order
    (a gzip file is read by one thread, in order). A blank line reads as NULL, a BOM is dropped."""
    return " union all ".join(
        f"select {_sql_string(name)} as source_file, row_number() over () as line_number, line, false as bad_utf8"
        f" from read_csv({_sql_string(str(path))}, {_CSV_OPTIONS})"
        for path, name in parts
    )


def _whole_archive(path: Path, lines: int, line_bytes: int) -> bool:
    """DuckDB's gzip reader does not check a truncated archive: the size in the gzip trailer must match
    what it read (lines, newlines, perhaps a last line without one, perhaps a byte-order mark)."""
    try:
        with path.open("rb") as handle:
            handle.seek(-4, 2)
            recorded = int.from_bytes(handle.read(4), "little")
    except OSError:  # shorter than a gzip trailer: the Python reader reports it
        return False
    newlines = (lines, lines - 1) if lines else (0,)
    return any((line_bytes + n + bom) % 2**32 == recorded for n in newlines for bom in (0, 3))


def _read_lines(path: Path, relative_name: str, expected_lines: int) -> pa.Table:
    """The lines of a part read in Python: the exact fallback for a part DuckDB's reader refuses
    (broken bytes, control characters, CR line ends, a damaged archive) or counts differently."""
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as error:
        raise CorruptExportFile(f"{relative_name}: cannot be read or decompressed ({error})") from error
    if layout.count_lines(data) != expected_lines:
        raise IncompleteExportDay(
            f"{relative_name}: {layout.count_lines(data)} lines, the day's manifest says {expected_lines}"
        )
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark is not part of the first line
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


# Per line, the fields are read with two parses of the line: their JSON types (one json_type call with
# every path) and their values as text (one json_transform); arrays and objects are kept as JSON.
def _json_type_sql(entity: str, f: Field) -> str:
    return f"types[{[g.name for g in ENTITY_FIELDS[entity]].index(f.name) + 1}]"


def _text_sql(f: Field) -> str:
    return f'fields."{f.name}"'


def _value_sql(f: Field) -> str:
    """Typed value of a field from `fields`, the line's fields as text (JSON for lists and objects)."""
    text = _text_sql(f)
    return {
        "int": f"try_cast({text} as bigint)",
        "str": text,
        "bool": f"try_cast({text} as boolean)",
        # UTC with a Z (the contract's form) parses without ICU, several times faster; any other offset
        # goes through timestamptz (TIMESTAMP would ignore the offset)
        "timestamp": f"case when suffix({text}, 'Z') then try_cast({text} as timestamp)"
        f" else timezone('UTC', try_cast({text} as timestamptz)) end",
        "date": f"try_cast({text} as date)",
        "decimal": f"try_cast({text} as {DUCKDB_TYPES['decimal']})",
        "str_list": f"try_cast({text} as varchar[])",
        "object": text,
    }[f.kind]


def _typed_sql(f: Field) -> str:
    """The typed value column, computed once per line (see _checked_sql)."""
    return f'"{f.name}"'


def _type_ok_sql(entity: str, f: Field) -> str:
    """True when a present field has the contract's type."""
    json_type = _json_type_sql(entity, f)
    value = _typed_sql(f)
    return {
        "int": f"{json_type} in ('BIGINT', 'UBIGINT')",
        "str": f"{json_type} = 'VARCHAR'",
        "bool": f"{json_type} = 'BOOLEAN'",
        "timestamp": f"{json_type} = 'VARCHAR' and {value} is not null",
        "date": f"{json_type} = 'VARCHAR' and {value} is not null",
        # money is a decimal string by contract; a JSON float could already have lost precision
        "decimal": f"{json_type} = 'VARCHAR' and {value} is not null",
        "str_list": f"{json_type} = 'ARRAY' and {value} is not null",
        "object": f"{json_type} = 'OBJECT'",
    }[f.kind]


def _range_checks(entity: str, f: Field, day: date) -> list[tuple[str, str]]:
    """(condition that must hold, the reason otherwise) for a present, well-typed field: the contract's
    rules (orchestration.contract.range_checks) as DuckDB SQL."""
    value = _typed_sql(f)
    conditions = {
        "int64": f"{value} is not null",
        "scale": f"try_cast({_text_sql(f)} as decimal(38, 18)) = {value}",
        "non_negative": f"{value} >= 0",
        "positive": f"{value} > 0",
        "time_zone": f"{value} in (select name from pg_timezone_names())",
    }
    return [
        (
            conditions.get(check.rule)
            or f"{value} >= timestamp '{check.earliest}' and {value} < timestamp '{check.latest}'",
            check.reason,
        )
        for check in range_checks(entity, f, day)
    ]


def _field_reason_sql(entity: str, f: Field, day: date) -> str:
    """The reason a line's field is refused (null when it is fine): first failed check only."""
    missing = _sql_string(missing_reason(f.name)) if f.required else "null"
    json_type = _json_type_sql(entity, f)
    whens = [f"when {json_type} is null or {json_type} = 'NULL' then {missing}"]
    whens.append(f"when not ({_type_ok_sql(entity, f)}) then {_sql_string(wrong_kind_reason(f.name, f.kind))}")
    for condition, reason in _range_checks(entity, f, day):
        whens.append(f"when not ({condition}) then {_sql_string(reason)}")
    return f"case when is_object then case {' '.join(whens)} end end"


def _reason_sql(entity: str, day: date) -> str:
    checks = [
        f"case when bad_utf8 then {_sql_string(REASON_INVALID_UTF8)} end",
        f"case when not bad_utf8 and not is_json then {_sql_string(REASON_INVALID_JSON)} end",
        f"case when is_json and not is_object then {_sql_string(REASON_NOT_OBJECT)} end",
    ]
    checks += [_field_reason_sql(entity, f, day) for f in ENTITY_FIELDS[entity]]
    return f"nullif(concat_ws('; ', {', '.join(checks)}), '')"


def _duplicates_sql(entity: str, checked: str) -> str:
    """Exact duplicate lines, and keys whose valid lines differ (a reference row may change during a
    day: there the key is the id plus `updated_at`). Identical lines share a key, so one grouping counts
    both."""
    names = {f.name for f in ENTITY_FIELDS[entity]}
    key = [*ENTITY_KEYS[entity], *(["updated_at"] if "updated_at" in names else [])]
    group = ", ".join(f'"{name}"' for name in key)
    return (
        "select coalesce(sum(copies - versions), 0), count(*) filter (versions > 1) from ("
        f" select count(*) as copies, count(distinct hash(line)) as versions from {checked}"
        f" where reason is null and not is_blank group by {group})"
    )


def _checked_sql(entity: str, day: date, lines_sql: str) -> str:
    """Every line with its parsed fields, extra fields and the reason it is refused (null if loaded)."""
    fields = ENTITY_FIELDS[entity]
    paths = "[" + ", ".join(_sql_string(f'$."{f.name}"') for f in fields) + "]"
    as_text = {"str_list": "JSON", "object": "JSON"}
    structure = "{" + ", ".join(f'"{f.name}": "{as_text.get(f.kind, "VARCHAR")}"' for f in fields) + "}"
    known = "{" + ", ".join(f'"{f.name}": null' for f in fields) + "}"
    return f"""
        with documents as (
            -- trim costs more than the JSON parse: only a line not starting with '{{' is trimmed
            select source_file, line_number, line, bad_utf8,
                   not bad_utf8 and case when starts_with(line, '{{') then false
                                         else trim(coalesce(line, '')) = '' end as is_blank,
                   coalesce(json_valid(line), false) as is_json
            from ({lines_sql})
        ),
        objects as (
            select *,
                   is_json and case when starts_with(line, '{{') then true
                                    else starts_with(ltrim(line), '{{') end as is_object
            from documents
        ),
        parsed as (
            select *,
                   case when is_object then json_type(line, {paths}) end as types,
                   case when is_object then json_transform(line, '{structure}') end as fields
            from objects
        ),
        typed as (
            select *, {", ".join(f"{_value_sql(f)} as {_typed_sql(f)}" for f in fields)} from parsed
        )
        select source_file, line_number, line, bad_utf8, is_blank, {", ".join(_typed_sql(f) for f in fields)},
               -- fields outside the contract: the object minus the contract's keys (only when it has more keys)
               case when is_object and len(json_keys(line)) > len(list_filter(types, t -> t is not null))
                    then nullif(json_merge_patch(line, '{known}'), '{{}}') end as extra_fields,
               case when not is_blank then {_reason_sql(entity, day)} end as reason
        from typed
    """


# Checked lines wait in an in-memory database of the DuckDB instance, visible to every cursor: the
# entities of a day are read and checked by parallel cursors (a gzip part is read by one thread).
SCRATCH = "loader_scratch"
# a number per check: a day checked ahead never takes the name of one still being written (the same
# day twice in one load_days call)
_CHECK_NUMBERS = itertools.count()


def _check_lines(con: duckdb.DuckDBPyConnection, landing: Path, parts: layout.DayParts, day: date) -> str:
    """Read and check the parts into a scratch table (returned), before the day's transaction: DuckDB
    reads the gzip files itself; a part it cannot read line for line as Python would (or whose count
    differs from the manifest) is read in Python. Raises CorruptExportFile, IncompleteExportDay."""
    entity = parts.entity
    checked = f"{SCRATCH}.checked_{entity}_{day.strftime('%Y%m%d')}_{next(_CHECK_NUMBERS)}"
    files = [(path, path.relative_to(landing).as_posix(), parts.expected_lines[path.name]) for path in parts.files]
    try:
        con.execute(
            f"create or replace table {checked} as "
            + _checked_sql(entity, day, _duckdb_lines_sql([(path, name) for path, name, _ in files]))
        )
        counted = {
            name: (lines, size)
            for name, lines, size in con.execute(
                f"select source_file, count(*), coalesce(sum(strlen(line)), 0) from {checked} group by all"
            ).fetchall()
        }
        if all(
            counted.get(name, (0, 0))[0] == lines and _whole_archive(path, *counted.get(name, (0, 0)))
            for path, name, lines in files
        ):
            return checked
    except duckdb.Error as error:
        log.info("%s %s: read in Python (%s)", entity, day, str(error).split("\n")[0])
    con.register("python_lines", pa.concat_tables([_read_lines(path, name, lines) for path, name, lines in files]))
    try:
        con.execute(f"create or replace table {checked} as " + _checked_sql(entity, day, "from python_lines"))
    finally:
        con.unregister("python_lines")
    return checked


def _entity_stats(con: duckdb.DuckDBPyConnection, parts: layout.DayParts, checked: str) -> EntityLoad:
    """What the load_log and the result say about an entity's checked lines (computed before the
    day's transaction, on the cursor that checked them)."""
    entity = parts.entity
    stats = EntityLoad(entity, files=len(parts.files))
    stats.lines, stats.loaded_rows, stats.quarantined_rows, stats.rows_with_extra_fields = con.execute(
        f"""
        select count(*), count(*) filter (reason is null), count(*) filter (reason is not null),
               count(*) filter (reason is null and extra_fields is not null)
        from {checked} where not is_blank
        """
    ).fetchone()
    stats.duplicate_lines, stats.conflicting_keys = con.execute(_duplicates_sql(entity, checked)).fetchone()
    if stats.quarantined_rows:
        stats.reasons = dict(
            con.execute(
                f"select reason, count(*) from {checked} where reason is not null group by reason order by 2 desc"
            ).fetchall()
        )
    return stats


def _day_rows(con: duckdb.DuckDBPyConnection, entity: str, day: date) -> int:
    return con.execute(f"select count(*) from raw.{entity} where _export_date = {_date_sql(day)}").fetchone()[0]


def _load_entity(
    con: duckdb.DuckDBPyConnection,
    parts: layout.DayParts,
    checked: tuple[str, EntityLoad] | None,
    day: date,
    allow_shrink: bool,
) -> EntityLoad:
    """Replace the entity's rows of the day by the checked lines (inside the day's transaction)."""
    entity = parts.entity
    table, stats = checked or (None, EntityLoad(entity, files=len(parts.files)))
    fields = ENTITY_FIELDS[entity]
    rows_before = _day_rows(con, entity, day)
    # literals, no prepared parameters: the first parameter binding of a process costs seconds
    on_day = f"entity = {_sql_string(entity)} and export_date = {_date_sql(day)}"
    if rows_before:
        con.execute(f"delete from raw.{entity} where _export_date = {_date_sql(day)}")
    con.execute(f"delete from raw.quarantine where {on_day}")
    con.execute(f"delete from raw.load_log where {on_day}")
    if stats.loaded_rows < rows_before and not allow_shrink:
        raise ShrinkingExportDay(
            f"{entity} {day.isoformat()}: {stats.loaded_rows} rows would replace the {rows_before} loaded before;"
            " not loaded (re-load with --allow-shrink / allow_shrink to accept fewer rows)"
        )
    if table:
        columns = ", ".join(_typed_sql(f) for f in fields)
        con.execute(
            f"""
            insert into raw.{entity} ({columns}, {", ".join(LOAD_COLUMNS)})
            select {columns}, {_date_sql(day)}, source_file, line_number, extra_fields, now()
            from {table} where reason is null and not is_blank
            """
        )
        if stats.quarantined_rows:
            con.execute(
                f"""
                insert into raw.quarantine
                select {_sql_string(entity)}, {_date_sql(day)}, source_file, line_number, reason,
                       left(coalesce(line, ''), 10000), now()
                from {table} where reason is not null
                """
            )
    counts = (
        stats.files,
        stats.lines,
        stats.loaded_rows,
        stats.quarantined_rows,
        stats.duplicate_lines,
        stats.rows_with_extra_fields,
        stats.conflicting_keys,
    )
    con.execute(
        f"""
        insert into raw.load_log (entity, export_date, files, lines, loaded_rows, quarantined_rows,
            duplicate_lines, rows_with_extra_fields, conflicting_keys, loaded_at)
        values ({_sql_string(entity)}, {_date_sql(day)}, {", ".join(str(int(n)) for n in counts)}, now())
        """
    )
    return stats


def _check_day(
    con: duckdb.DuckDBPyConnection, landing: Path, parts: dict[str, layout.DayParts], day: date
) -> dict[str, tuple[str, EntityLoad]]:
    """Check every entity's parts of the day, biggest first, on as many cursors as DuckDB has threads:
    entity -> (its checked table, its counts). The first error (in entity order) is raised once every
    check ended; the checked tables of a failed day are dropped."""
    present = sorted((e for e in parts if parts[e].files), key=lambda e: -sum(p.stat().st_size for p in parts[e].files))
    con.execute(f"attach if not exists ':memory:' as {SCRATCH}")
    workers = max(1, min(int(settings.DUCKDB_THREADS), len(present)))
    cursors = [con.cursor() for _ in range(workers)]
    free = list(cursors)

    def check(entity: str) -> tuple[str, EntityLoad]:
        cursor = free.pop()  # list.pop/append are atomic: each running check holds a cursor of its own
        try:
            checked = _check_lines(cursor, landing, parts[entity], day)
            return checked, _entity_stats(cursor, parts[entity], checked)
        finally:
            free.append(cursor)

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {entity: pool.submit(check, entity) for entity in present}
        errors = [futures[e].exception() for e in parts if e in futures and futures[e].exception()]
        if errors:
            _drop_checked(con, [f.result()[0] for f in futures.values() if not f.exception()])
            raise errors[0]
        return {entity: futures[entity].result() for entity in present}
    finally:
        for cursor in cursors:
            cursor.close()


@contextmanager
def _one_thread_per_query(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """While loading, the parallel cursors are the parallelism: a second DuckDB thread per query would
    only compete with them for the cores (a third more CPU for the same work, measured)."""
    threads = con.execute("select current_setting('threads')").fetchone()[0]
    con.execute("set threads = 1")
    try:
        yield
    finally:
        con.execute(f"set threads = {int(threads)}")


def _drop_checked(con: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> None:
    for table in tables:
        con.execute(f"drop table if exists {table}")


@dataclass
class _CheckedDay:
    """A day read and checked, waiting for its transaction."""

    day: date
    parts: dict[str, layout.DayParts]
    problems: list[str]
    checked: dict[str, tuple[str, EntityLoad]]


def _prepare_day(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    day: date,
    entities: list[str],
    landing_problems: list[str] | None,
) -> _CheckedDay:
    """Find the day's parts (raising ExportDayError as load_day says) and check them into scratch
    tables; no warehouse table is touched."""
    parts, notices = layout.day_parts(landing, day)
    if landing_problems is None:
        landing_problems = layout.landing_problems(landing)
    problems = landing_problems + notices
    for problem in problems:
        log.warning("%s: %s", day, problem)
    checked = _check_day(con, landing, {entity: parts[entity] for entity in entities}, day)
    return _CheckedDay(day, parts, problems, checked)


def _write_day(
    con: duckdb.DuckDBPyConnection, prepared: _CheckedDay, entities: list[str], allow_shrink: bool
) -> DayLoad:
    """The day's transaction: every entity's rows of the day replaced, or none."""
    results: dict[str, EntityLoad] = {}
    try:
        with transaction(con):
            for entity in entities:
                results[entity] = _load_entity(
                    con, prepared.parts[entity], prepared.checked.get(entity), prepared.day, allow_shrink
                )
    finally:
        _drop_checked(con, (table for table, _ in prepared.checked.values()))
    return DayLoad(results, prepared.problems)


def load_day(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    day: date,
    entities: Iterable[str] | None = None,
    allow_shrink: bool = False,
    landing_problems: list[str] | None = None,
) -> DayLoad:
    """Replace one export day of every entity atomically, if its manifest says it is complete.

    Raises an ExportDayError (the day left as it was) when the day is missing, incomplete, has a file
    that cannot be read, a symlink out of the landing folder, or would replace rows by fewer ones
    (unless `allow_shrink`). `landing_problems`: the landing folder's, when the caller has them (a scan
    of the whole folder costs more with every day of history)."""
    entities = list(entities or ENTITY_FIELDS)
    with _one_thread_per_query(con):
        # read and check every part first: a read error must not abort the day's transaction
        prepared = _prepare_day(con, Path(landing), day, entities, landing_problems)
        ensure_raw_schema(con)
        return _write_day(con, prepared, entities, allow_shrink)


def load_days(
    landing: Path, warehouse: Path, days: Iterable[date], progress: bool = True, allow_shrink: bool = False
) -> dict[date, DayLoad | Exception]:
    """Load several days, one transaction each; a day that cannot load is reported, the others load.

    The next day is read and checked (on cursors of its own) while the current day's transaction
    writes, so both cores stay busy."""
    outcome: dict[date, DayLoad | Exception] = {}
    landing, days, entities = Path(landing), list(days), list(ENTITY_FIELDS)
    con = connect(warehouse)
    checker = con.cursor()
    problems = layout.landing_problems(landing)
    try:
        ensure_raw_schema(con)
        # every commit is durable in the WAL; the tables are checkpointed once at the end, not each day
        con.execute(f"set checkpoint_threshold = '{LOAD_CHECKPOINT_THRESHOLD}'")
        with _one_thread_per_query(con), ThreadPoolExecutor(max_workers=1) as ahead:
            upcoming = [ahead.submit(_prepare_day, checker, landing, day, entities, problems) for day in days[:1]]
            for index, day in enumerate(days):
                started = time.monotonic()
                prepared = upcoming.pop()
                if index + 1 < len(days):
                    next_day = days[index + 1]
                    upcoming.append(ahead.submit(_prepare_day, checker, landing, next_day, entities, problems))
                try:
                    outcome[day] = _write_day(con, prepared.result(), entities, allow_shrink)
                except ExportDayError as error:
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
        con.execute("reset checkpoint_threshold")
        con.execute("checkpoint")
    finally:
        checker.close()
        con.close()
    return outcome


def totals(outcome: dict[date, DayLoad | Exception]) -> tuple[int, int]:
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
    parser.add_argument(
        "--allow-shrink",
        action="store_true",
        help="accept a re-delivered day with fewer rows than loaded before (rows are then deleted)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")

    found = available_days(args.landing)
    if not found and not (args.start and args.end):
        print(f"no export days found in {args.landing}", file=sys.stderr)
        return 1
    start = args.start or found[0]
    end = args.end or found[-1]
    days = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
    outcome = load_days(args.landing, args.warehouse, days, allow_shrink=args.allow_shrink)
    for problem in layout.landing_problems(args.landing):
        print(f"LANDING PROBLEM: {problem}", file=sys.stderr)
    failed = {day: error for day, error in outcome.items() if isinstance(error, Exception)}
    for day, error in failed.items():
        print(f"NOT LOADED {day}: {error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
