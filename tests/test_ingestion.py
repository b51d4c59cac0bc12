"""The raw loader on real landing files and a real DuckDB warehouse."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration import ingestion
from orchestration.contract import ENTITY_FIELDS


def raw_counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        counts = {e: con.execute(f"select count(*) from raw.{e}").fetchone()[0] for e in ENTITY_FIELDS}
        counts["quarantine"] = con.execute("select count(*) from raw.quarantine").fetchone()[0]
        counts["load_log"] = con.execute("select count(*) from raw.load_log").fetchone()[0]
    return counts


def day_snapshot(warehouse: Path, day: date) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        snapshot = {
            e: con.execute(f"select count(*) from raw.{e} where _export_date = ?", [day]).fetchone()[0]
            for e in ENTITY_FIELDS
        }
        snapshot["quarantine"] = con.execute(
            "select count(*) from raw.quarantine where export_date = ?", [day]
        ).fetchone()[0]
    return snapshot


@pytest.fixture(scope="module")
def loaded(sample_landing: Path, tmp_path_factory) -> tuple[Path, dict]:
    warehouse = tmp_path_factory.mktemp("ingestion") / "warehouse.duckdb"
    outcome = ingestion.load_days(sample_landing, warehouse, ingestion.available_days(sample_landing), progress=False)
    return warehouse, outcome


def test_every_day_and_entity_loads(sample_landing, loaded):
    warehouse, outcome = loaded
    manifest = json.loads((sample_landing / "_manifest.json").read_text())
    assert len(outcome) == (date.fromisoformat(manifest["end"]) - date.fromisoformat(manifest["start"])).days + 1
    assert all(isinstance(result, dict) for result in outcome.values())
    counts = raw_counts(warehouse)
    assert all(counts[entity] > 0 for entity in ENTITY_FIELDS), counts


def test_quarantine_matches_the_injected_dirt(sample_landing, loaded):
    """Exactly the invalid-JSON and missing-field lines are set aside, each with a reason; nothing vanishes."""
    warehouse, _ = loaded
    manifest = json.loads((sample_landing / "_manifest.json").read_text())
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for entity, totals in manifest["totals"].items():
            quarantined = con.execute("select count(*) from raw.quarantine where entity = ?", [entity]).fetchone()[0]
            assert quarantined == totals["invalid_json"] + totals["missing_required"], entity
            loaded_rows = con.execute(f"select count(*) from raw.{entity}").fetchone()[0]
            assert loaded_rows + quarantined == totals["lines"], entity
        reasons = {row[0] for row in con.execute("select reason from raw.quarantine").fetchall()}
        assert "invalid JSON" in reasons
        assert any(reason.startswith("missing required field") for reason in reasons)
        assert (
            con.execute(
                "select count(*) from raw.quarantine where source_file is null or line_number is null or reason is null"
            ).fetchone()[0]
            == 0
        )
        # unknown enum values are loaded (and surfaced by staging tests), not quarantined
        for entity, columns in manifest["unknown_enum_values"].items():
            for column, value in columns.items():
                found = con.execute(f"select count(*) from raw.{entity} where {column} = ?", [value]).fetchone()[0]
                assert found > 0, (entity, column)


def test_new_fields_in_later_files_do_not_break_the_load(sample_landing, loaded):
    warehouse, _ = loaded
    manifest = json.loads((sample_landing / "_manifest.json").read_text())
    assert manifest["schema_additions"], "the sample should add a field in later files"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for entity, additions in manifest["schema_additions"].items():
            for field, first_day in additions.items():
                before, after = con.execute(
                    f"select count(*) filter (_export_date < ? and json_exists(_extra_fields, '$.{field}')),"
                    f" count(*) filter (_export_date >= ? and json_exists(_extra_fields, '$.{field}'))"
                    f" from raw.{entity}",
                    [first_day, first_day],
                ).fetchone()
                assert before == 0 and after > 0, (entity, field)


def test_reloading_is_idempotent(sample_landing, loaded, tmp_path):
    warehouse, _ = loaded
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    before = raw_counts(copy)
    days = ingestion.available_days(sample_landing)
    ingestion.load_days(sample_landing, copy, days[:5], progress=False)
    ingestion.load_days(sample_landing, copy, days[:5], progress=False)
    assert raw_counts(copy) == before


def test_a_missing_day_is_reported_and_other_days_load(sample_landing, tmp_path):
    landing = tmp_path / "landing"
    days = ingestion.available_days(sample_landing)[:3]
    for entity in ENTITY_FIELDS:
        for day in (days[0], days[2]):
            source = sample_landing / entity / f"date={day}"
            if source.exists():
                shutil.copytree(source, landing / entity / f"date={day}")
    outcome = ingestion.load_days(landing, tmp_path / "w.duckdb", days, progress=False)
    assert isinstance(outcome[days[1]], ingestion.MissingExportDay)
    assert str(days[1]) in str(outcome[days[1]])
    assert isinstance(outcome[days[0]], dict) and isinstance(outcome[days[2]], dict)
    # the command line says so and fails
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.ingestion",
            "--landing",
            str(landing),
            "--warehouse",
            str(tmp_path / "w2.duckdb"),
            "--from",
            str(days[0]),
            "--to",
            str(days[2]),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert f"NOT LOADED {days[1]}" in result.stderr


def test_a_failed_day_leaves_the_warehouse_as_it_was(sample_landing, loaded, tmp_path):
    """A corrupt file in the last entity fails the day after the others were written: all rolled back."""
    warehouse, _ = loaded
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    day = ingestion.available_days(sample_landing)[3]
    before = day_snapshot(copy, day)
    landing = tmp_path / "landing"
    for entity in ENTITY_FIELDS:
        source = sample_landing / entity / f"date={day}"
        if source.exists():
            shutil.copytree(source, landing / entity / f"date={day}")
    # drop a good file of the first entity (so a committed load would change counts) and corrupt the last
    first = sorted((landing / "companies" / f"date={day}").glob("*.jsonl.gz"))
    for path in first:
        path.unlink()
    last_entity = list(ENTITY_FIELDS)[-1]
    target = landing / last_entity / f"date={day}" / f"{last_entity}-0099.jsonl.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(gzip.compress(b'{"txn_id": "x"}\n')[:-12])  # truncated archive
    con = ingestion.connect(copy)
    with pytest.raises(ingestion.CorruptExportFile, match=last_entity):
        ingestion.load_day(con, landing, day)
    con.close()
    assert day_snapshot(copy, day) == before


def test_a_killed_load_leaves_no_half_loaded_day(sample_landing, loaded, tmp_path):
    """SIGKILL in the middle of loading many days: every day is either fully there or as before."""
    warehouse, _ = loaded
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    days = ingestion.available_days(sample_landing)
    expected = {day: day_snapshot(copy, day) for day in days}
    with duckdb.connect(str(copy)) as con:  # empty the raw days so a reload visibly changes them
        for entity in ENTITY_FIELDS:
            con.execute(f"delete from raw.{entity}")
        con.execute("delete from raw.quarantine")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "orchestration.ingestion",
            "--landing",
            str(sample_landing),
            "--warehouse",
            str(copy),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    # wait until a few days were committed, then kill without warning
    committed = 0
    deadline = time.monotonic() + 120
    while committed < 3 and time.monotonic() < deadline:
        if process.stdout.readline():
            committed += 1
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    empty = dict.fromkeys(list(ENTITY_FIELDS) + ["quarantine"], 0)
    states = {day: day_snapshot(copy, day) for day in days}
    assert sum(state == expected[day] for day, state in states.items()) >= 3
    for day, state in states.items():
        assert state in (expected[day], empty), day
    # loading again completes the warehouse
    ingestion.load_days(sample_landing, copy, days, progress=False)
    assert {day: day_snapshot(copy, day) for day in days} == expected


def test_a_third_party_file_following_the_contract_loads(tmp_path):
    day = date(2026, 3, 31)
    folder = tmp_path / "landing" / "calls" / f"date={day}"
    folder.mkdir(parents=True)
    rows = [
        {
            "call_id": "c-1",
            "company_id": 5,
            "direction": "outbound",
            "bot_id": None,
            "from_hash": "a",
            "to_hash": "b",
            "started_at": "2026-03-31T21:59:58.123Z",
            "answered_at": "2026-03-31T22:00:03.000Z",
            "ended_at": "2026-03-31T22:01:04.500Z",
            "disposition": "answered",
        },
        {
            "call_id": "c-2",
            "company_id": 5,
            "direction": "inbound",
            "from_hash": "a",
            "to_hash": "b",
            "started_at": "2026-03-31T10:00:00Z",
            "ended_at": "2026-03-31T10:00:30Z",
            "disposition": "no_answer",
            "recording_url": "https://example.invalid/r.mp3",
        },
        {
            "call_id": "c-3",
            "company_id": "5",
            "direction": "inbound",
            "from_hash": "a",
            "to_hash": "b",
            "started_at": "2026-03-31T10:00:00Z",
            "ended_at": "2026-03-31T10:00:30Z",
            "disposition": "busy",
        },
    ]
    with gzip.open(folder / "calls-0001.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(json.dumps(row) for row in rows) + "\n")
    warehouse = tmp_path / "w.duckdb"
    outcome = ingestion.load_days(tmp_path / "landing", warehouse, [day], progress=False)
    assert outcome[day]["calls"].loaded_rows == 2 and outcome[day]["calls"].quarantined_rows == 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        started, answered, extra = con.execute(
            "select started_at, answered_at, _extra_fields from raw.calls order by call_id"
        ).fetchall()[0]
        assert str(started) == "2026-03-31 21:59:58.123000" and str(answered) == "2026-03-31 22:00:03"
        assert extra is None
        assert json.loads(con.execute("select _extra_fields from raw.calls where call_id = 'c-2'").fetchone()[0]) == {
            "recording_url": "https://example.invalid/r.mp3"
        }
        reason = con.execute("select reason from raw.quarantine").fetchone()[0]
        assert reason == "field company_id is not an integer"
    assert day + timedelta(days=1) not in outcome


def test_a_line_with_broken_bytes_is_quarantined_alone(tmp_path):
    day = date(2026, 3, 31)
    folder = tmp_path / "landing" / "bots" / f"date={day}"
    folder.mkdir(parents=True)
    good = json.dumps({"bot_id": 1, "company_id": 5, "name": "Helper", "updated_at": "2026-03-31T10:00:00Z"})
    content = good.encode() + b"\n" + b'{"bot_id": 2, "name": "\xff\xfe"}' + b"\n"
    (folder / "bots-0001.jsonl.gz").write_bytes(gzip.compress(content))
    outcome = ingestion.load_days(tmp_path / "landing", tmp_path / "w.duckdb", [day], progress=False)
    assert outcome[day]["bots"].loaded_rows == 1
    assert outcome[day]["bots"].reasons == {"invalid UTF-8": 1}
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select line_number, reason from raw.quarantine").fetchall() == [(2, "invalid UTF-8")]
