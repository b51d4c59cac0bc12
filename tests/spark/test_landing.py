"""The Spark loader loads and quarantines what the DuckDB loader does, from the same landing files.

Both loaders run for real on the same files: the awkward-line corpus of tests/test_ingestion_golden.py
(every line's outcome: loaded row or quarantine reason) and two days of the session's generated sample
(its injected dirt: invalid JSON, missing fields, duplicates, late events). Spark writes into a database
of its own (`raw_landing_test`), so the session's `raw` stays for the other Spark tests.
"""

from __future__ import annotations

import gzip
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration import ingestion
from orchestration import landing as layout
from orchestration.contract import ENTITY_FIELDS
from tests.test_ingestion_golden import CORPUS, DAY, GOLDEN, write_corpus

pytest.importorskip("pyspark")
pytestmark = pytest.mark.spark

DATABASE = "raw_landing_test"
LEFT_OUT = {"_loaded_at", "loaded_at"}
# the columns holding JSON text: compared as JSON (Spark writes nested keys in its own order)
JSON_COLUMNS = {"_extra_fields", *(f.name for fields in ENTITY_FIELDS.values() for f in fields if f.kind == "object")}
# Lines where the engines' JSON parsers differ (docs/spark.md): a key given twice (DuckDB keeps the first
# value, Spark the last; both load the line), a trailing comma and NaN (JSON to DuckDB, then refused field
# by field; invalid JSON to Spark). Both load or quarantine these lines alike, only the detail differs.
DUPLICATE_KEY_LINE = ("notifications", 43)
LENIENT_JSON_LINES = {
    ("notifications", 53): "missing required field company_id",
    ("notifications", 57): "field company_id",
}


@pytest.fixture(scope="module")
def spark():
    from orchestration.spark.session import spark_session

    session = spark_session()
    session.sql(f"drop database if exists {DATABASE} cascade")
    yield session
    session.sql(f"drop database if exists {DATABASE} cascade")


def _value(column: str, value):
    if column in JSON_COLUMNS and value is not None:
        return json.loads(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def _duckdb_tables(warehouse: Path, day: date) -> dict[str, list[dict]]:
    tables = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in [*ENTITY_FIELDS, "quarantine", "load_log"]:
            day_column = "_export_date" if table in ENTITY_FIELDS else "export_date"
            cursor = con.execute(f"select * from raw.{table} where {day_column} = ?", [day])
            names = [column[0] for column in cursor.description]
            tables[table] = [
                {n: _value(n, v) for n, v in zip(names, row, strict=True) if n not in LEFT_OUT}
                for row in cursor.fetchall()
            ]
    return tables


def _spark_tables(spark, day: date) -> dict[str, list[dict]]:
    tables = {}
    for table in [*ENTITY_FIELDS, "quarantine", "load_log"]:
        day_column = "_export_date" if table in ENTITY_FIELDS else "export_date"
        rows = spark.sql(f"select * from {DATABASE}.{table} where {day_column} = date '{day}'").collect()
        tables[table] = [{n: _value(n, v) for n, v in row.asDict().items() if n not in LEFT_OUT} for row in rows]
    return tables


def _by_line(rows: list[dict]) -> dict[tuple, dict]:
    """Rows keyed by where their line was: (entity, file, line number)."""
    return {
        (
            row.get("entity"),
            row.get("_source_file", row.get("source_file")),
            row.get("_line_number", row.get("line_number")),
        ): row
        for row in rows
    }


def _load_both(spark, landing: Path, tmp_path: Path, day: date) -> tuple:
    warehouse = tmp_path / f"duckdb-{day}.duckdb"
    outcome = ingestion.load_days(landing, warehouse, [day], progress=False)
    assert isinstance(outcome[day], dict), outcome[day]
    from orchestration.spark import landing as spark_landing

    loads = spark_landing.load_day(spark, landing, day, database=DATABASE)
    # the counts a run reports (Dagster's metadata) and the tables
    return outcome[day], loads, _duckdb_tables(warehouse, day), _spark_tables(spark, day)


def test_awkward_lines_load_and_quarantine_as_in_duckdb(spark, tmp_path):
    landing = tmp_path / "landing"
    write_corpus(landing)
    loads_duckdb, loads_spark, in_duckdb, in_spark = _load_both(spark, landing, tmp_path, DAY)
    golden = [
        outcome for lines in json.loads((GOLDEN / "corpus.json").read_text()).values() for outcome in lines.values()
    ]
    for entity, stats in loads_duckdb.items():
        if entity == DUPLICATE_KEY_LINE[0]:  # the reasons of LENIENT_JSON_LINES differ (below)
            stats.reasons, loads_spark[entity].reasons = {}, {}
        assert loads_spark[entity] == stats, entity

    # every quarantined line: same entity, file, line number, reason and kept text
    quarantined_duckdb = {(r["entity"], r["line_number"]): r for r in in_duckdb["quarantine"]}
    quarantined_spark = {(r["entity"], r["line_number"]): r for r in in_spark["quarantine"]}
    assert quarantined_duckdb.keys() == quarantined_spark.keys()
    for line, duckdb_reason in LENIENT_JSON_LINES.items():
        assert quarantined_duckdb.pop(line)["reason"].startswith(duckdb_reason)
        assert quarantined_spark.pop(line)["reason"] == "invalid JSON"
    assert quarantined_spark == quarantined_duckdb
    quarantined_golden = sum(outcome.startswith("quarantined") for outcome in golden)
    assert len(quarantined_spark) + len(LENIENT_JSON_LINES) == quarantined_golden

    # every loaded row: same values, line for line, in every entity of the corpus
    for entity in CORPUS:
        rows_duckdb = {r["_line_number"]: r for r in in_duckdb[entity]}
        rows_spark = {r["_line_number"]: r for r in in_spark[entity]}
        assert rows_spark.keys() == rows_duckdb.keys(), entity
        if entity == DUPLICATE_KEY_LINE[0]:
            number = DUPLICATE_KEY_LINE[1]
            assert (rows_duckdb.pop(number)["message_id"], rows_spark.pop(number)["message_id"]) == ("m-42", "m-42b")
        assert rows_spark == rows_duckdb, entity
    assert sum(len(in_spark[e]) for e in CORPUS) == sum(outcome.startswith("loaded") for outcome in golden)

    assert sorted(in_spark["load_log"], key=lambda r: r["entity"]) == sorted(
        in_duckdb["load_log"], key=lambda r: r["entity"]
    )


def test_sample_days_load_row_for_row_as_in_duckdb(spark, sample_landing, tmp_path):
    """Two generated days with the generator's dirt: the same rows per table and the same quarantine."""
    days = layout.available_days(sample_landing)
    quarantined = 0
    for day in (days[0], days[len(days) // 2]):
        loads_duckdb, loads_spark, in_duckdb, in_spark = _load_both(spark, sample_landing, tmp_path, day)
        assert loads_spark == loads_duckdb, day
        for table in [*ENTITY_FIELDS, "quarantine", "load_log"]:
            assert len(in_spark[table]) == len(in_duckdb[table]), (day, table)
            assert _by_line(in_spark[table]) == _by_line(in_duckdb[table]), (day, table)
        quarantined += len(in_spark["quarantine"])
    assert quarantined, "the sample's injected dirt reaches the quarantine"


def _rows(spark, entity: str, day: date) -> int:
    return spark.sql(f"select count(*) from {DATABASE}.{entity} where _export_date = date '{day}'").first()[0]


def test_a_redelivered_day_replaces_its_rows_and_a_shorter_one_needs_the_override(spark, tmp_path):
    from orchestration.spark import landing as spark_landing

    day = date(2026, 3, 2)  # a day no other test of this module loads
    landing = tmp_path / "landing"
    folder = landing / "bots" / f"date={day}"
    folder.mkdir(parents=True)
    bot = {"bot_id": 1, "company_id": 5, "name": "b", "updated_at": f"{day}T10:00:00Z"}

    def deliver(count: int, bad: int = 0) -> None:
        lines = [json.dumps({**bot, "bot_id": n}) for n in range(1, count + 1)] + ["{"] * bad
        (folder / "bots-0001.jsonl.gz").write_bytes(gzip.compress("".join(f"{x}\n" for x in lines).encode()))
        layout.write_day_manifest(landing, day)

    deliver(3, bad=1)
    spark_landing.load_day(spark, landing, day, database=DATABASE)
    deliver(3, bad=1)  # the same day again: replaced, not doubled
    spark_landing.load_day(spark, landing, day, database=DATABASE)
    assert _rows(spark, "bots", day) == 3
    quarantined = spark.sql(f"select count(*) from {DATABASE}.quarantine where export_date = date '{day}'")
    assert quarantined.first()[0] == 1

    deliver(2)  # fewer rows than loaded: refused, the day stays as it was
    with pytest.raises(ingestion.ShrinkingExportDay):
        spark_landing.load_day(spark, landing, day, database=DATABASE)
    assert _rows(spark, "bots", day) == 3

    loads = spark_landing.load_day(spark, landing, day, allow_shrink=True, database=DATABASE)
    assert loads["bots"].loaded_rows == 2 and _rows(spark, "bots", day) == 2
    quarantined = spark.sql(f"select count(*) from {DATABASE}.quarantine where export_date = date '{day}'")
    assert quarantined.first()[0] == 0

    deliver(0)  # no rows at all, with the override: the day's partition is emptied
    spark_landing.load_day(spark, landing, day, allow_shrink=True, database=DATABASE)
    assert _rows(spark, "bots", day) == 0


def test_a_part_that_differs_from_the_manifest_or_is_not_gzip_loads_nothing(spark, tmp_path):
    from orchestration.spark import landing as spark_landing

    day = date(2026, 3, 3)
    landing = tmp_path / "landing"
    folder = landing / "bots" / f"date={day}"
    folder.mkdir(parents=True)
    part = folder / "bots-0001.jsonl.gz"
    line = json.dumps({"bot_id": 1, "company_id": 5, "name": "b", "updated_at": f"{day}T10:00:00Z"})
    part.write_bytes(gzip.compress(f"{line}\n".encode()))
    layout.write_day_manifest(landing, day, {"bots": {part.name: 2}})  # the manifest expects a second line
    with pytest.raises(layout.IncompleteExportDay, match="1 lines, the day's manifest says 2"):
        spark_landing.load_day(spark, landing, day, database=DATABASE)

    part.write_bytes(gzip.compress(f"{line}\n{line}\n".encode())[:-12])  # cut short: no whole archive
    with pytest.raises((ingestion.CorruptExportFile, layout.IncompleteExportDay)):
        spark_landing.load_day(spark, landing, day, database=DATABASE)
    assert _rows(spark, "bots", day) == 0
