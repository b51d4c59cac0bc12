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
import pyarrow as pa
import pytest

from orchestration import ingestion
from orchestration import landing as layout
from orchestration.contract import ENTITY_FIELDS


def copy_day(source: Path, target: Path, day: date) -> None:
    """One export day of a landing folder, with its manifest, into another landing folder."""
    for entity in ENTITY_FIELDS:
        folder = source / entity / f"date={day}"
        if folder.exists():
            shutil.copytree(folder, target / entity / f"date={day}")
    manifest = layout.manifest_path(source, day)
    layout.manifest_path(target, day).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(manifest, layout.manifest_path(target, day))


def write_part(landing: Path, entity: str, day: date, lines: list[str | dict], prefix: bytes = b"") -> Path:
    """A hand-made part file: objects are written as JSON, strings as they are."""
    folder = landing / entity / f"date={day}"
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    path = folder / f"{entity}-0001.jsonl.gz"
    path.write_bytes(gzip.compress(prefix + text.encode()))
    return path


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
    for day in (days[0], days[2]):
        copy_day(sample_landing, landing, day)
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
    copy_day(sample_landing, landing, day)
    # drop a good file of the first entity (so a committed load would change counts) and corrupt the last
    first = sorted((landing / "companies" / f"date={day}").glob("*.jsonl.gz"))
    for path in first:
        path.unlink()
    last_entity = list(ENTITY_FIELDS)[-1]
    target = landing / last_entity / f"date={day}" / f"{last_entity}-0099.jsonl.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(gzip.compress(b'{"txn_id": "x"}\n')[:-12])  # truncated archive
    manifest = json.loads(layout.manifest_path(landing, day).read_text())
    manifest["entities"].pop("companies", None)
    manifest["entities"].setdefault(last_entity, {"files": {}})["files"][target.name] = 1
    layout.manifest_path(landing, day).write_text(json.dumps(manifest))
    con = ingestion.connect(copy)
    with pytest.raises(ingestion.CorruptExportFile, match=last_entity):
        ingestion.load_day(con, landing, day, allow_shrink=True)
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
    layout.write_day_manifest(tmp_path / "landing", day)
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
    layout.write_day_manifest(tmp_path / "landing", day)
    outcome = ingestion.load_days(tmp_path / "landing", tmp_path / "w.duckdb", [day], progress=False)
    assert outcome[day]["bots"].loaded_rows == 1
    assert outcome[day]["bots"].reasons == {"invalid UTF-8": 1}
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select line_number, reason from raw.quarantine").fetchall() == [(2, "invalid UTF-8")]


DAY = date(2026, 7, 15)
NOTIFICATION = {
    "message_id": "m-1",
    "company_id": 5,
    "channel": "sms",
    "template_id": 1,
    "recipient_hash": "r",
    "is_optional": False,
    "sms_segments": 1,
    "created_at": "2026-07-15T10:00:00Z",
}
CALL = {
    "call_id": "c-1",
    "company_id": 5,
    "direction": "inbound",
    "from_hash": "a",
    "to_hash": "b",
    "started_at": "2026-07-15T10:00:00Z",
    "ended_at": "2026-07-15T10:00:30Z",
    "disposition": "busy",
}
COMPANY = {
    "company_id": 5,
    "name": "Acme",
    "client_type": "client",
    "currency": "EUR",
    "timezone": "Europe/Berlin",
    "country": "DE",
    "is_test": False,
    "tags": [],
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-07-15T09:00:00Z",
}
TARIFF = {
    "tariff_id": 1,
    "owner_id": 0,
    "service": "sms",
    "price": "0.123456",
    "currency": "EUR",
    "valid_from": "2026-08-01T00:00:00Z",
    "updated_at": "2026-07-15T09:00:00Z",
}


def load_one_day(landing: Path, warehouse: Path, **options) -> ingestion.DayLoad | Exception:
    return ingestion.load_days(landing, warehouse, [DAY], progress=False, **options)[DAY]


def quarantine_reasons(warehouse: Path) -> dict[int, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute("select line_number, reason from raw.quarantine order by 1").fetchall())


def test_a_redelivered_day_without_an_entity_file_keeps_its_rows(tmp_path):
    """The day re-delivered without its notifications file: refused unless the override is given."""
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    write_part(landing, "notifications", DAY, [NOTIFICATION])
    write_part(landing, "calls", DAY, [CALL])
    layout.write_day_manifest(landing, DAY)
    assert load_one_day(landing, warehouse)["notifications"].loaded_rows == 1
    shutil.rmtree(landing / "notifications")
    layout.write_day_manifest(landing, DAY)  # a complete-looking day that lacks the notifications
    outcome = load_one_day(landing, warehouse)
    assert isinstance(outcome, ingestion.ShrinkingExportDay) and "notifications" in str(outcome)
    assert day_snapshot(warehouse, DAY)["notifications"] == 1
    command = [
        sys.executable,
        "-m",
        "orchestration.ingestion",
        "--landing",
        str(landing),
        "--warehouse",
        str(warehouse),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 1 and "fewer" in result.stderr
    # the explicit override replaces the day by what was delivered
    result = subprocess.run([*command, "--allow-shrink"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert day_snapshot(warehouse, DAY)["notifications"] == 0


def test_each_day_of_a_many_day_load_stands_alone_though_the_next_is_checked_ahead(tmp_path):
    """load_days checks day n+1 while day n writes: a day refused while writing (shrinking) or while
    being checked (a broken file) is reported alone, the days around it load, the refused ones keep
    what they had."""
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    days = [DAY + timedelta(days=offset) for offset in range(4)]

    def deliver(day: date, count: int) -> None:
        messages = [
            {**NOTIFICATION, "message_id": f"m-{day}-{n}", "created_at": f"{day}T10:00:00Z"} for n in range(count)
        ]
        write_part(landing, "notifications", day, messages)
        layout.write_day_manifest(landing, day)

    for day in days:
        deliver(day, 2)
    first = ingestion.load_days(landing, warehouse, days, progress=False)
    assert all(first[day]["notifications"].loaded_rows == 2 for day in days)
    deliver(days[1], 1)  # re-delivered with fewer rows: refused when its transaction compares
    deliver(days[3], 3)
    broken = write_part(landing, "notifications", days[2], [NOTIFICATION])
    broken.write_bytes(broken.read_bytes()[:-12])  # a truncated archive: refused while checking
    outcome = ingestion.load_days(landing, warehouse, days, progress=False)
    assert isinstance(outcome[days[1]], ingestion.ShrinkingExportDay)
    assert isinstance(outcome[days[2]], ingestion.CorruptExportFile)
    assert outcome[days[0]]["notifications"].loaded_rows == 2
    assert outcome[days[3]]["notifications"].loaded_rows == 3
    assert [day_snapshot(warehouse, day)["notifications"] for day in days] == [2, 2, 2, 3]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        logged = con.execute("select export_date, loaded_rows from raw.load_log where entity = 'notifications'")
        assert sorted(logged.fetchall()) == [(day, n) for day, n in zip(days, [2, 2, 2, 3], strict=True)]


def test_the_same_day_twice_in_one_load_is_loaded_twice(tmp_path):
    """The second copy is checked ahead while the first is written: each has scratch tables of its own."""
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    write_part(landing, "notifications", DAY, [NOTIFICATION, {**NOTIFICATION, "message_id": "m-2"}])
    write_part(landing, "calls", DAY, [CALL])
    layout.write_day_manifest(landing, DAY)
    outcome = ingestion.load_days(landing, warehouse, [DAY, DAY], progress=False)
    assert isinstance(outcome[DAY], dict) and outcome[DAY]["notifications"].loaded_rows == 2
    assert day_snapshot(warehouse, DAY)["notifications"] == 2 and day_snapshot(warehouse, DAY)["calls"] == 1


def test_a_day_still_arriving_or_not_matching_its_manifest_is_not_loaded(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    path = write_part(landing, "notifications", DAY, [NOTIFICATION, {**NOTIFICATION, "message_id": "m-2"}])
    outcome = load_one_day(landing, warehouse)  # no manifest yet: still arriving
    assert isinstance(outcome, ingestion.IncompleteExportDay) and "manifest" in str(outcome)
    layout.write_day_manifest(landing, DAY)
    assert load_one_day(landing, warehouse)["notifications"].loaded_rows == 2
    # the same part, half written (one line of two): refused, the two rows stay
    write_part(landing, "notifications", DAY, [NOTIFICATION])
    outcome = load_one_day(landing, warehouse)
    assert isinstance(outcome, ingestion.IncompleteExportDay) and "says 2" in str(outcome)
    # an empty file, a misnamed file, a part that cannot be read: refused, the rows stay
    path.write_bytes(gzip.compress(b""))
    assert isinstance(load_one_day(landing, warehouse), ingestion.IncompleteExportDay)
    path.rename(path.with_name("notification-1.jsonl.gz"))
    assert isinstance(load_one_day(landing, warehouse), ingestion.IncompleteExportDay)
    path.mkdir()
    assert isinstance(load_one_day(landing, warehouse), ingestion.CorruptExportFile)
    assert day_snapshot(warehouse, DAY)["notifications"] == 2


def test_a_byte_order_mark_is_not_part_of_the_first_line(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    write_part(landing, "calls", DAY, [CALL, {**CALL, "call_id": "c-2"}], prefix=b"\xef\xbb\xbf")
    layout.write_day_manifest(landing, DAY)
    loads = load_one_day(landing, warehouse)
    assert (loads["calls"].loaded_rows, loads["calls"].quarantined_rows) == (2, 0)


def test_money_is_never_rounded_and_out_of_range_values_are_quarantined(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    write_part(
        landing,
        "tariffs",
        DAY,
        [
            TARIFF,
            {**TARIFF, "tariff_id": 2, "price": "0.12345678"},
            {**TARIFF, "tariff_id": 3, "price": "-0.05"},
            {**TARIFF, "tariff_id": 2**63},
            {**TARIFF, "tariff_id": 5, "owner_id": 2**64 + 1},
        ],
    )
    write_part(landing, "exchange_rates", DAY, [{"date": "2026-07-15", "currency": "EUR", "units_per_usd": "0"}])
    layout.write_day_manifest(landing, DAY)
    loads = load_one_day(landing, warehouse)
    assert loads["tariffs"].loaded_rows == 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert str(con.execute("select price from raw.tariffs").fetchone()[0]) == "0.123456"
        reasons = dict(con.execute("select entity || ':' || line_number, reason from raw.quarantine").fetchall())
    assert reasons == {
        "tariffs:2": "field price has more than 6 decimal places",
        "tariffs:3": "field price is negative",
        "tariffs:4": "field tariff_id is outside the 64-bit integer range",
        "tariffs:5": "field owner_id is not an integer",
        "exchange_rates:1": "field units_per_usd is not positive",
    }


def test_time_zones_and_timestamps_are_checked_at_load(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    write_part(
        landing,
        "companies",
        DAY,
        [
            COMPANY,
            {**COMPANY, "company_id": 6, "timezone": "Mars/Olympus_Mons"},
            {**COMPANY, "company_id": 7, "updated_at": "2999-01-01T00:00:00Z"},
            {**COMPANY, "company_id": 8, "updated_at": "2026-07-20T00:00:00Z"},  # days after its export day
        ],
    )
    write_part(
        landing,
        "calls",
        DAY,
        [
            CALL,
            {**CALL, "call_id": "c-2", "ended_at": "infinity"},
            {**CALL, "call_id": "c-3", "started_at": "1970-01-01T00:00:00Z"},
        ],
    )
    write_part(landing, "tariffs", DAY, [TARIFF, {**TARIFF, "tariff_id": 2, "valid_to": "2999-12-31T00:00:00Z"}])
    write_part(landing, "notifications", DAY, [{**NOTIFICATION, "scheduled_for": "2026-09-01T08:00:00Z"}])
    layout.write_day_manifest(landing, DAY)
    loads = load_one_day(landing, warehouse)
    assert {entity: loads[entity].loaded_rows for entity in ("companies", "calls", "tariffs", "notifications")} == {
        "companies": 1,
        "calls": 1,
        "tariffs": 1,
        "notifications": 1,  # a delayed send may be scheduled weeks ahead
    }
    with duckdb.connect(str(warehouse), read_only=True) as con:
        reasons = dict(con.execute("select entity || ':' || line_number, reason from raw.quarantine").fetchall())
    window = "is outside 2000-01-01 .. its export day + 2 days"
    assert reasons == {
        "companies:2": "field timezone is not an IANA time zone",
        "companies:3": f"field updated_at {window}",
        "companies:4": f"field updated_at {window}",
        "calls:2": f"field ended_at {window}",
        "calls:3": f"field started_at {window}",
        "tariffs:2": "field valid_to is outside 2000-01-01 .. 2100-01-01",
    }


def test_a_key_with_different_contents_is_counted_and_logged(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    write_part(
        landing,
        "notifications",
        DAY,
        [NOTIFICATION, NOTIFICATION, {**NOTIFICATION, "company_id": 6}, {**NOTIFICATION, "message_id": "m-2"}],
    )
    write_part(
        landing,
        "companies",
        DAY,
        [
            COMPANY,
            {**COMPANY, "name": "Acme Ltd", "updated_at": "2026-07-15T10:00:00Z"},  # a later version: fine
            {**COMPANY, "name": "Acme GmbH"},  # the same version with another name: a conflict
        ],
    )
    layout.write_day_manifest(landing, DAY)
    loads = load_one_day(landing, warehouse)
    assert (loads["notifications"].conflicting_keys, loads["notifications"].duplicate_lines) == (1, 1)
    assert loads["companies"].conflicting_keys == 1 and loads["calls"].conflicting_keys == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        logged = dict(con.execute("select entity, conflicting_keys from raw.load_log").fetchall())
    assert logged["notifications"] == 1 and logged["companies"] == 1


def test_symlinks_out_of_the_landing_folder_are_refused(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    outside = write_part(tmp_path / "elsewhere", "calls", DAY, [CALL])
    write_part(landing, "notifications", DAY, [NOTIFICATION])
    (landing / "calls" / f"date={DAY}").mkdir(parents=True)
    (landing / "calls" / f"date={DAY}" / "calls-0001.jsonl.gz").symlink_to(outside)
    layout.write_day_manifest(landing, DAY)
    outcome = load_one_day(landing, warehouse)
    assert isinstance(outcome, ingestion.UnsafeExportPath) and "calls-0001" in str(outcome)
    # a whole day folder pointing elsewhere is refused too
    (landing / "calls" / f"date={DAY}" / "calls-0001.jsonl.gz").unlink()
    (landing / "calls" / f"date={DAY}").rmdir()
    (landing / "calls" / f"date={DAY}").symlink_to(outside.parent)
    assert isinstance(load_one_day(landing, warehouse), ingestion.UnsafeExportPath)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.calls").fetchone()[0] == 0


def test_unknown_folders_are_reported_in_the_result_and_in_dagster(tmp_path, monkeypatch):
    from dagster import DagsterInstance, materialize

    from orchestration import settings
    from orchestration.assets.ingestion import raw_export_day

    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    write_part(landing, "calls", DAY, [CALL])
    write_part(landing, "notificatons", DAY, [NOTIFICATION])  # a typo of an entity
    (landing / "calls" / "date=2026-02-30").mkdir()
    (landing / "calls" / "latest").mkdir()
    (landing / "calls" / f"date={DAY}" / "calls-0002.json.gz").write_bytes(b"")
    layout.write_day_manifest(landing, DAY)
    expected = [
        "unknown entity folder: notificatons",
        "folder name is not date=YYYY-MM-DD: calls/date=2026-02-30",
        "folder name is not date=YYYY-MM-DD: calls/latest",
        f"calls/date={DAY}/calls-0002.json.gz: not in the day's manifest, not loaded",
    ]
    loads = load_one_day(landing, warehouse)
    assert loads.problems == expected and loads["calls"].loaded_rows == 1
    monkeypatch.setattr(settings, "LANDING_PATH", landing)
    monkeypatch.setattr(settings, "WAREHOUSE_PATH", tmp_path / "dagster.duckdb")
    result = materialize([raw_export_day], partition_key=DAY.isoformat(), instance=DagsterInstance.ephemeral())
    assert result.success
    metadata = {
        e.asset_key.to_user_string(): e.materialization.metadata for e in result.get_asset_materialization_events()
    }
    assert metadata["raw/calls"]["landing_problems"].value == expected


def test_counts_per_day_match_the_generator_manifest(sample_landing, loaded):
    """Same rows loaded, same lines quarantined, same duplicates as the generator injected, day by day."""
    warehouse, _ = loaded
    manifest = json.loads((sample_landing / "_manifest.json").read_text())
    with duckdb.connect(str(warehouse), read_only=True) as con:
        logged = {
            (entity, str(day)): row
            for entity, day, *row in con.execute(
                "select entity, export_date, lines, loaded_rows, quarantined_rows, duplicate_lines, conflicting_keys"
                " from raw.load_log"
            ).fetchall()
        }
    for entity, days in manifest["entities"].items():
        for day, injected in days.items():
            lines, loaded_rows, quarantined, duplicates, conflicts = logged[(entity, day)]
            bad = injected["invalid_json"] + injected["missing_required"]
            assert (lines, loaded_rows, quarantined) == (injected["lines"], injected["lines"] - bad, bad), (entity, day)
            assert (duplicates, conflicts) == (injected["duplicate"], 0), (entity, day)


def test_line_numbers_are_the_lines_of_the_file(sample_landing, loaded):
    """DuckDB numbers the lines it reads: every quarantined line and every loaded key is at that line."""
    warehouse, _ = loaded

    def file_lines(name: str) -> list[str]:
        return gzip.decompress((sample_landing / name).read_bytes()).decode().split("\n")

    with duckdb.connect(str(warehouse), read_only=True) as con:
        quarantined = con.execute("select source_file, line_number, line from raw.quarantine").fetchall()
        loaded_keys = con.execute(
            "select _source_file, _line_number, message_id from raw.notifications where _export_date < '2026-07-08'"
        ).fetchall()
    assert quarantined and loaded_keys
    cache: dict[str, list[str]] = {}
    for name, number, line in quarantined:
        assert cache.setdefault(name, file_lines(name))[number - 1] == line
    for name, number, key in loaded_keys:
        assert json.loads(cache.setdefault(name, file_lines(name))[number - 1])["message_id"] == key


def test_duckdb_and_python_reading_check_every_line_alike(sample_landing, tmp_path):
    """The fast path (DuckDB reads the gzip parts) and the Python fallback give the same checked lines."""
    day = ingestion.available_days(sample_landing)[40]  # after the new notifications field appeared
    parts, _ = layout.day_parts(sample_landing, day)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    checked_lines = 0
    for entity in ENTITY_FIELDS:
        files = [(path, path.relative_to(sample_landing).as_posix()) for path in parts[entity].files]
        fast = ingestion._duckdb_lines_sql(files)
        con.execute(f"create table fast as {ingestion._checked_sql(entity, day, fast)}")
        tables = [ingestion._read_lines(path, name, parts[entity].expected_lines[path.name]) for path, name in files]
        con.register("python_lines", pa.concat_tables(tables))
        con.execute(f"create table slow as {ingestion._checked_sql(entity, day, 'from python_lines')}")
        total = con.execute("select count(*) from fast").fetchone()[0]
        differing = con.execute(
            "select count(*) from ((select * from fast except all select * from slow)"
            " union all (select * from slow except all select * from fast))"
        ).fetchone()[0]
        assert differing == 0, entity
        checked_lines += total
        con.execute("drop table fast; drop table slow")
        con.unregister("python_lines")
    assert checked_lines > 1000
