"""Load the platform's daily export (landing files) into Spark's `raw` database, as the DuckDB loader does.

The same landing layout and manifests (orchestration.landing), the same checks and reasons
(orchestration.contract), the same tables and columns as DuckDB's raw schema (orchestration.ingestion):
every entity's rows of a day are replaced, refused lines go to `raw.quarantine` with file, line and
reason, `raw.load_log` records the counts. Tables are Parquet, partitioned by export day (the partition
column is the table's last column), so a re-delivered day overwrites only its own partitions.

Spark has no transaction over several tables: every part of the day is read and checked, and the shrink
guard applied to every entity, before the first partition is overwritten; a crash while writing leaves
some entities of the day replaced, and loading the day again repairs it (a load is idempotent).

    python -m orchestration.spark.landing --help
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

from orchestration import landing as layout
from orchestration import settings
from orchestration.contract import (
    ENTITY_FIELDS,
    ENTITY_KEYS,
    QUARANTINED_LINE_CHARS,
    REASON_INVALID_JSON,
    REASON_INVALID_UTF8,
    REASON_NOT_OBJECT,
    REASON_SEPARATOR,
    Field,
    missing_reason,
    range_checks,
    wrong_kind_reason,
)
from orchestration.ingestion import CorruptExportFile, DayLoad, EntityLoad, ExportDayError, ShrinkingExportDay

log = logging.getLogger(__name__)

RAW = "raw"
# the contract's kinds as Spark column types (DuckDB's JSON columns are JSON text here)
SPARK_TYPES = {
    "int": "bigint",
    "str": "string",
    "bool": "boolean",
    "timestamp": "timestamp",
    "date": "date",
    "decimal": "decimal(18, 6)",
    "str_list": "array<string>",
    "object": "string",
}
# DuckDB's raw.<entity> load columns; _export_date is the partition column, hence last
LOAD_COLUMNS = {
    "_source_file": "string",
    "_line_number": "bigint",
    "_extra_fields": "string",
    "_loaded_at": "timestamp",
    "_export_date": "date",
}
QUARANTINE_COLUMNS = {
    "entity": "string",
    "source_file": "string",
    "line_number": "bigint",
    "reason": "string",
    "line": "string",
    "loaded_at": "timestamp",
    "export_date": "date",
}
LOAD_LOG_COLUMNS = {
    "entity": "string",
    "files": "int",
    "lines": "bigint",
    "loaded_rows": "bigint",
    "quarantined_rows": "bigint",
    "duplicate_lines": "bigint",
    "rows_with_extra_fields": "bigint",
    "loaded_at": "timestamp",
    "conflicting_keys": "bigint",
    "export_date": "date",
}
# the largest JSON integer DuckDB reads as an integer (UBIGINT): above 2^63 it is "outside the range"
_UBIGINT_MAX = 2**64 - 1


def _literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _date(day: date) -> str:
    return f"date '{day.isoformat()}'"


def _columns_sql(columns: dict[str, str]) -> str:
    return ", ".join(f"`{name}` {kind}" for name, kind in columns.items())


def ensure_raw_tables(spark, database: str = RAW) -> None:
    """Create the raw database (`raw`) and its tables (idempotent), as ingestion.ensure_raw_schema does for DuckDB."""
    # a line with a key twice is JSON to DuckDB too: load it as DuckDB does (DuckDB keeps the first value,
    # Spark the last: docs/spark.md); a setting of the loader's parsing, not of the session
    spark.conf.set("spark.sql.variant.allowDuplicateKeys", "true")
    spark.sql(f"create database if not exists {database}")
    for entity, fields in ENTITY_FIELDS.items():
        columns = {f.name: SPARK_TYPES[f.kind] for f in fields} | LOAD_COLUMNS
        spark.sql(
            f"create table if not exists {database}.{entity} ({_columns_sql(columns)}) using parquet"
            " partitioned by (_export_date)"
        )
        existing = {column.name for column in spark.catalog.listColumns(f"{database}.{entity}")}
        added = {f.name: SPARK_TYPES[f.kind] for f in fields if f.name not in existing}
        if added:  # contract fields that appeared after the table was created
            spark.sql(f"alter table {database}.{entity} add columns ({_columns_sql(added)})")
    spark.sql(
        f"create table if not exists {database}.quarantine ({_columns_sql(QUARANTINE_COLUMNS)}) using parquet"
        " partitioned by (export_date)"
    )
    spark.sql(
        f"create table if not exists {database}.load_log ({_columns_sql(LOAD_LOG_COLUMNS)}) using parquet"
        " partitioned by (export_date)"
    )


@cache
def _time_zone_names() -> tuple[str, ...]:
    """The IANA names the DuckDB loader accepts (its pg_timezone_names), so both refuse the same zones."""
    import duckdb

    with duckdb.connect() as con:
        return tuple(row[0] for row in con.execute("select name from pg_timezone_names() order by 1").fetchall())


# ------------------------------------------------------------------------------------------ the checks
# A line is parsed twice: try_parse_json (a VARIANT: JSON types and values) and json_tuple (each field's
# text as written, to tell 5 from 5.0); both take the last of duplicate keys.
def _type_sql(f: Field) -> str:
    return f"`t_{f.name}`"


def _text_sql(f: Field) -> str:
    return f"`x_{f.name}`"


def _string_sql(f: Field) -> str:
    return f"try_variant_get(document, '$.{f.name}', 'string')"


def _value_sql(f: Field) -> str:
    """The typed value, null when the JSON value does not have the contract's type."""
    json_type, text, string = _type_sql(f), _text_sql(f), _string_sql(f)
    # DuckDB reads `infinity` as a timestamp (then outside any window); Spark would not parse it
    infinite = f"case when lower(trim({string})) = 'infinity' then timestamp '9999-12-31 23:59:59'"
    infinite += f" when lower(trim({string})) = '-infinity' then timestamp '0001-01-01 00:00:00'"
    # Spark's casts also take `2026` or `2026-07`; DuckDB's need a whole date first
    whole_date = f"{string} rlike '^\\\\s*[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}'"
    return {
        "int": f"case when {json_type} = 'BIGINT' then try_variant_get(document, '$.{f.name}', 'bigint') end",
        "str": f"case when {json_type} = 'STRING' then {string} end",
        "bool": f"case when {json_type} = 'BOOLEAN' then try_variant_get(document, '$.{f.name}', 'boolean') end",
        "timestamp": f"case when {json_type} = 'STRING' then {infinite}"
        f" when {whole_date} then try_cast({string} as timestamp) end end",
        "date": f"case when {json_type} = 'STRING' and {whole_date} then try_cast({string} as date) end",
        "decimal": f"case when {json_type} = 'STRING' then try_cast({string} as {SPARK_TYPES['decimal']}) end",
        "str_list": f"case when {json_type} like 'ARRAY%' then"
        f" try_variant_get(document, '$.{f.name}', 'array<string>') end",
        "object": f"case when {json_type} like 'OBJECT%' then {text} end",
    }[f.kind]


def _type_ok_sql(f: Field) -> str:
    """True when a present field has the contract's type (as DuckDB's json_type would say)."""
    json_type, text, value = _type_sql(f), _text_sql(f), f"`{f.name}`"
    if f.kind == "int":  # a JSON integer up to 2^64 - 1 is an integer (maybe out of range), 5.0 is not
        big = (
            f"({json_type} like 'DECIMAL(%,0)' and {text} rlike '^[0-9]+$'"
            f" and try_cast({text} as decimal(38, 0)) <= {_UBIGINT_MAX})"
        )
        return f"coalesce({json_type} = 'BIGINT' or {big}, false)"
    if f.kind in ("str", "bool", "object"):
        return f"{value} is not null"
    if f.kind == "str_list":
        return f"{json_type} like 'ARRAY%' and {value} is not null"
    return f"{json_type} = 'STRING' and {value} is not null"


def _range_sql(rule, f: Field) -> str:
    value = f"`{f.name}`"
    if rule.rule == "time_window":
        return f"{value} >= timestamp '{rule.earliest}' and {value} < timestamp '{rule.latest}'"
    return {
        "int64": f"{value} is not null",
        "scale": f"try_cast({_string_sql(f)} as decimal(38, 18)) = {value}",
        "non_negative": f"{value} >= 0",
        "positive": f"{value} > 0",
        "time_zone": f"{value} in ({', '.join(_literal(name) for name in _time_zone_names())})",
    }[rule.rule]


def _field_reason_sql(entity: str, f: Field, day: date) -> str:
    """The reason a line's field is refused (null when it is fine): first failed check only."""
    missing = _literal(missing_reason(f.name)) if f.required else "null"
    json_type = _type_sql(f)
    whens = [f"when {json_type} is null or {json_type} = 'VOID' then {missing}"]
    whens.append(f"when not ({_type_ok_sql(f)}) then {_literal(wrong_kind_reason(f.name, f.kind))}")
    for check in range_checks(entity, f, day):
        whens.append(f"when not coalesce({_range_sql(check, f)}, false) then {_literal(check.reason)}")
    return f"case when is_object then case {' '.join(whens)} end end"


def _reason_sql(entity: str, day: date) -> str:
    checks = [
        f"case when bad_utf8 then {_literal(REASON_INVALID_UTF8)} end",
        f"case when not bad_utf8 and not is_json then {_literal(REASON_INVALID_JSON)} end",
        f"case when is_json and not is_object then {_literal(REASON_NOT_OBJECT)} end",
    ]
    checks += [_field_reason_sql(entity, f, day) for f in ENTITY_FIELDS[entity]]
    return f"nullif(concat_ws({_literal(REASON_SEPARATOR)}, {', '.join(checks)}), '')"


def _checked_sql(entity: str, day: date, lines_view: str) -> str:
    """Every line of the view (source_file, line_number, line, bad_utf8) with its typed fields, its
    fields outside the contract (JSON) and the reason it is refused (null when loaded)."""
    fields = ENTITY_FIELDS[entity]
    names = ", ".join(_literal(f.name) for f in fields)
    texts = ", ".join(_text_sql(f) for f in fields)
    return f"""
        with documents as (
            select source_file, line_number, line, bad_utf8,
                   not bad_utf8 and trim(coalesce(line, '')) = '' as is_blank,
                   case when not bad_utf8 then try_parse_json(line) end as document
            from {lines_view}
        ),
        objects as (
            -- as DuckDB: an object is a valid JSON document starting with '{{' after leading spaces
            select *, document is not null as is_json,
                   document is not null and startswith(ltrim(line), '{{') as is_object
            from documents
        ),
        parsed as (
            select o.*, {", ".join(f"schema_of_variant(try_variant_get(document, '$.{f.name}')) as {_type_sql(f)}" for f in fields)},
                   t.*
            from objects o
            lateral view outer json_tuple(case when is_object then line end, {names}) t as {texts}
        ),
        typed as (
            select *, {", ".join(f"{_value_sql(f)} as `{f.name}`" for f in fields)} from parsed
        )
        select source_file, line_number, line, bad_utf8, is_blank, {", ".join(f"`{f.name}`" for f in fields)},
               case when is_object then nullif(to_json(map_filter(
                   from_json(line, 'map<string, variant>'), (name, value) -> not array_contains(array({names}), name)
               )), '{{}}') end as extra_fields,
               case when not is_blank then {_reason_sql(entity, day)} end as reason
        from typed
    """  # noqa: E501  (one generated select list a field)


# ------------------------------------------------------------------------------------------ reading
def _read_lines(spark, landing: Path, parts: layout.DayParts, view: str) -> None:
    """The parts' lines as a temporary view (source_file, line_number, line, bad_utf8), numbered per file
    in reading order (a gzip part is one split, read in order). Lines end at \\n only, as in the DuckDB
    loader; a byte-order mark is dropped."""
    folder = parts.files[0].parent.relative_to(landing).as_posix()
    lines = (
        spark.read.option("lineSep", "\n")
        .text([str(path) for path in parts.files])
        .selectExpr(
            f"concat({_literal(folder + '/')}, element_at(split(_metadata.file_path, '/'), -1)) as source_file",
            "monotonically_increasing_id() as reading_order",
            "value",
        )
    )
    lines.createOrReplaceTempView(f"{view}_read")
    spark.sql(
        f"""
        select source_file, line_number,
               case when is_valid_utf8(value) then
                   case when line_number = 1 then regexp_replace(value, '^\\uFEFF', '') else value end
               end as line,
               not is_valid_utf8(value) as bad_utf8
        from (select *, row_number() over (partition by source_file order by reading_order) as line_number
              from {view}_read)
        """
    ).createOrReplaceTempView(view)


def _check_entity(spark, landing: Path, parts: layout.DayParts, day: date):
    """The checked lines of an entity's parts, read once (checkpointed) and counted against the manifest.
    Raises CorruptExportFile, IncompleteExportDay."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    view = f"landing_{parts.entity}"
    _read_lines(spark, landing, parts, view)
    folder = parts.files[0].parent.relative_to(landing).as_posix()
    try:
        checked = spark.sql(_checked_sql(parts.entity, day, view)).localCheckpoint(eager=True)
    except (Py4JJavaError, PySparkException) as error:
        message = str(error).strip().splitlines()[0][:300]
        raise CorruptExportFile(f"{folder}: a part cannot be read or decompressed ({message})") from error
    checked.createOrReplaceTempView(f"checked_{parts.entity}")
    counted = dict(checked.groupBy("source_file").count().collect())
    for path in parts.files:
        name = f"{folder}/{path.name}"
        expected = parts.expected_lines[path.name]
        if counted.get(name, 0) != expected:
            found = counted.get(name, 0)
            raise layout.IncompleteExportDay(f"{name}: {found} lines, the day's manifest says {expected}")
    return checked


def _stats(spark, entity: str, files: int) -> EntityLoad:
    checked = f"checked_{entity}"
    stats = EntityLoad(entity, files=files)
    by_reason = spark.sql(
        f"""
        select reason, count(*) as lines, count_if(extra_fields is not null) as with_extra_fields
        from {checked} where not is_blank group by reason
        """
    ).collect()
    stats.lines = sum(row.lines for row in by_reason)
    stats.loaded_rows = sum(row.lines for row in by_reason if row.reason is None)
    stats.quarantined_rows = stats.lines - stats.loaded_rows
    stats.rows_with_extra_fields = sum(row.with_extra_fields for row in by_reason if row.reason is None)
    refused = sorted((row for row in by_reason if row.reason is not None), key=lambda row: -row.lines)
    stats.reasons = {row.reason: row.lines for row in refused}
    names = {f.name for f in ENTITY_FIELDS[entity]}
    key = [*ENTITY_KEYS[entity], *(["updated_at"] if "updated_at" in names else [])]
    group = ", ".join(f"`{name}`" for name in key)
    # as the DuckDB loader: exact copies of a line, and keys whose valid lines differ
    stats.duplicate_lines, stats.conflicting_keys = spark.sql(
        f"""
        select coalesce(sum(copies - versions), 0), count_if(versions > 1) from (
            select count(*) as copies, count(distinct line) as versions from {checked}
            where reason is null and not is_blank group by {group})
        """
    ).first()
    return stats


def _day_rows(spark, day: date, database: str) -> dict[str, int]:
    """Rows of the day per entity table, as loaded before (one query)."""
    counts = " union all ".join(
        f"select {_literal(entity)} as entity, count(*) as n from {database}.{entity} where _export_date = {_date(day)}"
        for entity in ENTITY_FIELDS
    )
    return dict(spark.sql(counts).collect())


def _overwrite_day(spark, database: str, table: str, partition: str, day: date, select: str | None) -> None:
    """Replace a table's partition of the day by the select's rows, or drop it when there are none."""
    if select is None:
        spark.sql(f"alter table {database}.{table} drop if exists partition ({partition} = {_date(day)})")
    else:
        spark.sql(f"insert overwrite table {database}.{table} partition ({partition} = {_date(day)}) {select}")


def _write_day(spark, results: dict[str, EntityLoad], rows_before: dict[str, int], day: date, database: str) -> None:
    """Overwrite the day's partitions: each entity's rows, then the quarantine and the load log."""
    for entity, stats in results.items():
        if stats.loaded_rows or rows_before.get(entity):
            columns = ", ".join(f"`{f.name}`" for f in ENTITY_FIELDS[entity])
            rows = (
                f"select {columns}, source_file, line_number, extra_fields, current_timestamp()"
                f" from checked_{entity} where reason is null and not is_blank"
            )
            _overwrite_day(spark, database, entity, "_export_date", day, rows if stats.loaded_rows else None)
    refused = [
        f"select {_literal(entity)}, source_file, line_number, reason,"
        f" left(coalesce(line, ''), {QUARANTINED_LINE_CHARS}), current_timestamp()"
        f" from checked_{entity} where reason is not null"
        for entity, stats in results.items()
        if stats.quarantined_rows
    ]
    _overwrite_day(spark, database, "quarantine", "export_date", day, " union all ".join(refused) or None)
    log_rows = []
    for entity, stats in results.items():
        counts = (
            stats.files,
            stats.lines,
            stats.loaded_rows,
            stats.quarantined_rows,
            stats.duplicate_lines,
            stats.rows_with_extra_fields,
        )
        log_rows.append(
            f"({_literal(entity)}, {', '.join(str(int(n)) for n in counts)}, current_timestamp(),"
            f" {int(stats.conflicting_keys)})"
        )
    _overwrite_day(spark, database, "load_log", "export_date", day, f"values {', '.join(log_rows)}")


def load_day(
    spark,
    landing: Path,
    day: date,
    allow_shrink: bool = False,
    landing_problems: list[str] | None = None,
    database: str = RAW,
) -> DayLoad:
    """Replace one export day of every entity in Spark's raw database, if its manifest says it is complete.

    Raises an ExportDayError (nothing of the day written) when the day is missing, incomplete, has a file
    that cannot be read, a symlink out of the landing folder, or would replace rows by fewer ones (unless
    `allow_shrink`): the same errors as orchestration.ingestion.load_day. `database`: another than `raw`
    (a test's own)."""
    landing = Path(landing)
    parts, notices = layout.day_parts(landing, day)
    if landing_problems is None:
        landing_problems = layout.landing_problems(landing)
    problems = landing_problems + notices
    for problem in problems:
        log.warning("%s: %s", day, problem)
    ensure_raw_tables(spark, database)
    results: dict[str, EntityLoad] = {}
    checked = {}
    try:
        # read and check every part, and apply the shrink guard, before the first write
        for entity in ENTITY_FIELDS:
            if parts[entity].files:
                checked[entity] = _check_entity(spark, landing, parts[entity], day)
                results[entity] = _stats(spark, entity, len(parts[entity].files))
            else:
                results[entity] = EntityLoad(entity)
        rows_before = _day_rows(spark, day, database)
        for entity, stats in results.items():
            if stats.loaded_rows < rows_before[entity] and not allow_shrink:
                raise ShrinkingExportDay(
                    f"{entity} {day.isoformat()}: {stats.loaded_rows} rows would replace the"
                    f" {rows_before[entity]} loaded before; not loaded (re-load with --allow-shrink /"
                    " allow_shrink to accept fewer rows)"
                )
        _write_day(spark, results, rows_before, day, database)
    finally:
        for entity, frame in checked.items():
            frame.unpersist()
            spark.catalog.dropTempView(f"checked_{entity}")
            spark.catalog.dropTempView(f"landing_{entity}")
            spark.catalog.dropTempView(f"landing_{entity}_read")
    return DayLoad(results, problems)


def load_days(
    spark,
    landing: Path,
    days: Iterable[date],
    progress: bool = True,
    allow_shrink: bool = False,
    database: str = RAW,
) -> dict[date, DayLoad | Exception]:
    """Load several days; a day that cannot load is reported, the others load."""
    outcome: dict[date, DayLoad | Exception] = {}
    problems = layout.landing_problems(landing)
    for day in days:
        try:
            outcome[day] = load_day(
                spark, landing, day, allow_shrink=allow_shrink, landing_problems=problems, database=database
            )
        except ExportDayError as error:
            outcome[day] = error
            log.error("%s", error)
            continue
        if progress:
            loaded = sum(s.loaded_rows for s in outcome[day].values())
            quarantined = sum(s.quarantined_rows for s in outcome[day].values())
            print(f"{day}: {loaded:>9,} rows loaded, {quarantined:>6,} quarantined", flush=True)
    return outcome


def spark_session():
    """The project's Spark session (orchestration.spark.session: one warehouse and metastore for the
    loader and dbt)."""
    from orchestration.spark.session import spark_session as shared_session

    return shared_session()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.spark.landing",
        description="Load export days from the landing folder into Spark's raw database.",
    )
    parser.add_argument("--landing", type=Path, default=settings.LANDING_PATH)
    parser.add_argument("--from", dest="start", type=date.fromisoformat, help="first export day (default: first)")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, help="last export day (default: last found)")
    parser.add_argument("--allow-shrink", action="store_true", help="accept a re-delivered day with fewer rows")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    found = layout.available_days(args.landing)
    if not found and not (args.start and args.end):
        print(f"no export days found in {args.landing}", file=sys.stderr)
        return 1
    start, end = args.start or found[0], args.end or found[-1]
    days = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
    started = datetime.now()
    outcome = load_days(spark_session(), args.landing, days, allow_shrink=args.allow_shrink)
    failed = {day: error for day, error in outcome.items() if isinstance(error, Exception)}
    for day, error in failed.items():
        print(f"NOT LOADED {day}: {error}", file=sys.stderr)
    print(f"{len(outcome) - len(failed)} days loaded in {(datetime.now() - started).total_seconds():.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
