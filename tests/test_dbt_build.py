"""dbt on real data: a full build passes, and incremental runs equal a full refresh."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration import ingestion
from orchestration.benchmark import COMPARED_SCHEMAS  # billing is compared by its own tests
from orchestration.landing import write_day_manifest
from tests.conftest import SESSION_DATA_DIR, run_dbt


def tables(warehouse: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select table_schema, table_name from information_schema.tables"
            f" where table_schema in {COMPARED_SCHEMAS!r} order by 1, 2"
        ).fetchall()


def test_full_build_covers_every_entity(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        staging = dict(
            con.execute(
                "select table_name, estimated_size from duckdb_tables() where schema_name = 'staging'"
            ).fetchall()
        )
        for entity in ingestion.ENTITY_FIELDS:
            name = f"stg_platform__{entity}"
            assert name in staging, name
            assert con.execute(f"select count(*) from staging.{name}").fetchone()[0] > 0, name
        # staging keeps one row per key although raw holds exact duplicates
        raw, deduped = con.execute(
            "select (select count(*) from raw.notifications),"
            " (select count(*) from staging.stg_platform__notifications)"
        ).fetchone()
        assert deduped < raw


def test_unknown_enum_values_are_surfaced_not_hidden(built_warehouse, sample_landing):
    manifest = json.loads((sample_landing / "_manifest.json").read_text())
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        value = manifest["unknown_enum_values"]["notifications"]["channel"]
        assert (
            con.execute(
                "select count(*) from staging.stg_platform__notifications where channel = ?", [value]
            ).fetchone()[0]
            > 0
        )


def test_local_dates_follow_the_company_time_zone(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        shifted = con.execute(
            """
            select count(*) from notifications.fct_notifications as n
            join core.dim_companies as c using (company_id)
            where c.timezone = 'America/New_York' and n.local_date <> cast(n.created_at as date)
            """
        ).fetchone()[0]
        wrong = con.execute(
            """
            select count(*) from notifications.fct_notifications as n
            join core.dim_companies as c using (company_id)
            where n.local_date <> cast(timezone(c.timezone, timezone('UTC', n.created_at)) as date)
            """
        ).fetchone()[0]
        staged_local_dates = con.execute(
            "select count(*) from information_schema.columns where table_schema = 'staging'"
            " and table_name like 'stg_platform__%' and column_name = 'local_date'"
        ).fetchone()[0]
    # staging keeps UTC only: local dates are derived downstream from the zone in force
    assert shifted > 0 and wrong == 0 and staged_local_dates == 0


# The sample export, edited: company 10's first row arrives one day after its first events (and in a
# non-UTC zone, so the late row moves local dates), and company 4 moves from London to Kolkata later on.
LATE_COMPANY_ID, LATE_COMPANY_ZONE = 10, "Asia/Tokyo"
RETIMED_COMPANY_ID, OLD_ZONE, NEW_ZONE = 4, "Europe/London", "Asia/Kolkata"
RETIMED_ON = date(2026, 8, 10)
# local dates of company rows in the event facts, checked against a zone
FACTS_LOCAL_DATES = {
    "notifications.fct_notifications": "created_at",
    "chats.fct_chat_messages": "sent_at",
    "telephony.fct_calls": "started_at",
    "engagement.fct_widget_sessions": "started_at",
}


def company_rows(landing: Path, day: date) -> tuple[Path, list[dict]]:
    (path,) = (landing / "companies" / f"date={day.isoformat()}").glob("*.jsonl.gz")
    return path, [json.loads(line) for line in gzip.open(path, "rt")]


def write_rows(path: Path, rows: list[dict]) -> None:
    path.write_bytes(gzip.compress("".join(json.dumps(row) + "\n" for row in rows).encode()))


def late_and_retimed_landing(sample_landing: Path, landing: Path) -> date:
    """Copy of the sample export with a late company row and a time-zone change; returns the late row's day."""
    shutil.copytree(sample_landing, landing)
    days = ingestion.available_days(landing)
    first_day = next(day for day in days if LATE_COMPANY_ID in {r["company_id"] for r in company_rows(landing, day)[1]})
    path, rows = company_rows(landing, first_day)
    late = [row | {"timezone": LATE_COMPANY_ZONE} for row in rows if row["company_id"] == LATE_COMPANY_ID]
    write_rows(path, [row for row in rows if row["company_id"] != LATE_COMPANY_ID])
    late_path, late_day_rows = company_rows(landing, first_day + timedelta(days=1))
    write_rows(late_path, late_day_rows + late)

    original = next(r for r in company_rows(landing, days[0])[1] if r["company_id"] == RETIMED_COMPANY_ID)
    assert original["timezone"] == OLD_ZONE
    change_path, change_rows = company_rows(landing, RETIMED_ON)
    moved = original | {"timezone": NEW_ZONE, "updated_at": f"{RETIMED_ON.isoformat()}T08:00:00.000Z"}
    write_rows(change_path, change_rows + [moved])
    add_lone_widget_events(landing, days[0])
    for day in {days[0], first_day, first_day + timedelta(days=1), RETIMED_ON}:
        write_day_manifest(landing, day)  # the re-delivered days are complete again, as an exporter declares
    return first_day + timedelta(days=1)


def add_lone_widget_events(landing: Path, day: date) -> None:
    """A module visit, a data entry and an NPS rating of the retimed company, exported on `day` and made 20 days
    before it at 20:00 UTC: alone on their local date (in London, the day before in Kolkata), which the time-zone
    change leaves empty."""
    (path,) = (landing / "widget_events" / f"date={day.isoformat()}").glob("*.jsonl.gz")
    occurred_at = f"{(day - timedelta(days=20)).isoformat()}T20:00:00.000Z"
    lone = {
        "company_id": RETIMED_COMPANY_ID,
        "experience_id": 9999,
        "visitor_id": "v-lone",
        "nps_score": None,
        "device": "desktop",
        "occurred_at": occurred_at,
    }
    added = [
        lone | {"event_id": "w-lone-1", "event_type": "module_visit", "module_id": 1, "data_field": None},
        lone | {"event_id": "w-lone-2", "event_type": "data_entered", "module_id": None, "data_field": "email"},
        lone
        | {"event_id": "w-lone-3", "event_type": "nps_rating", "module_id": None, "data_field": None, "nps_score": 9},
    ]
    # the day's own lines stay as they are, the invalid ones included
    lines = gzip.decompress(path.read_bytes()) + "".join(json.dumps(row) + "\n" for row in added).encode()
    path.write_bytes(gzip.compress(lines))


def wrong_local_dates(warehouse: Path, company_id: int, zone: str) -> dict[str, tuple[int, int]]:
    """Per event fact: (rows of the company, rows whose local_date is not their date in `zone`)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            fact: con.execute(
                f"select count(*), count(*) filter (where local_date <> cast(timezone(?, timezone('UTC', {column}))"
                f" as date)) from {fact} where company_id = ?",
                [zone, company_id],
            ).fetchone()
            for fact, column in FACTS_LOCAL_DATES.items()
        }


def differing_rows(full: Path, incremental: Path) -> dict[str, int]:
    """Rows that differ between the two warehouses, per table (build-time columns left out)."""
    compared = tables(full)
    assert compared == tables(incremental)
    differences = {}
    with duckdb.connect(str(full)) as con:
        con.execute(f"attach '{incremental}' as inc (read_only)")
        for schema, table in compared:
            columns = ", ".join(
                f'"{name}"'
                for (name,) in con.execute(
                    "select column_name from information_schema.columns where table_catalog = current_database()"
                    " and table_schema = ? and table_name = ?"
                    " and column_name not in ('export_date', 'dbt_loaded_at', 'built_at')",
                    [schema, table],
                ).fetchall()
            )
            differences[f"{schema}.{table}"] = con.execute(
                f"select count(*) from ((select {columns} from {schema}.{table} except all"
                f" select {columns} from inc.{schema}.{table}) union all (select {columns} from inc.{schema}.{table}"
                f" except all select {columns} from {schema}.{table}))"
            ).fetchone()[0]
    return differences


@pytest.fixture(scope="module")
def incremental_history(sample_landing, tmp_path_factory):
    """The edited export built by daily runs (late rows, a late company row, a time-zone change, a skipped
    run) and by one full refresh; the local dates seen along the way."""
    tmp_path = tmp_path_factory.mktemp("incremental")
    landing = tmp_path / "landing"
    late_row_day = late_and_retimed_landing(sample_landing, landing)
    days = ingestion.available_days(landing)
    full, incremental = tmp_path / "full.duckdb", tmp_path / "incremental.duckdb"
    ingestion.load_days(landing, full, days, progress=False)
    # the models read reference data (seeds/): `dbt run` does not load it, `dbt build` does
    run_dbt(full, "seed", target_path=tmp_path / "t1")
    run_dbt(full, "run", "--full-refresh", "--exclude", "tag:billing", target_path=tmp_path / "t1")

    def daily(window: list[date], command: str = "run") -> None:
        ingestion.load_days(landing, incremental, window, progress=False)
        span = json.dumps({"min_date": str(window[0]), "max_date": str(window[-1])})
        run_dbt(incremental, command, "--exclude", "tag:billing", "--vars", span, target_path=tmp_path / "t2")

    seen = {}
    late = days.index(late_row_day)
    ingestion.load_days(landing, incremental, days[:25], progress=False)
    run_dbt(incremental, "seed", target_path=tmp_path / "t2")
    run_dbt(incremental, "run", "--exclude", "tag:billing", target_path=tmp_path / "t2")
    # the day before the company row arrives: its events are there, its row is not; the build (tests
    # included) must not fail
    daily(days[25:late], command="build")
    seen["before_company_row"] = wrong_local_dates(incremental, LATE_COMPANY_ID, LATE_COMPANY_ZONE)
    daily([late_row_day], command="build")
    seen["after_company_row"] = wrong_local_dates(incremental, LATE_COMPANY_ID, LATE_COMPANY_ZONE)
    change = days.index(RETIMED_ON)
    daily(days[late + 1 : change])
    seen["before_change"] = wrong_local_dates(incremental, RETIMED_COMPANY_ID, NEW_ZONE)
    daily([RETIMED_ON])
    seen["after_change"] = wrong_local_dates(incremental, RETIMED_COMPANY_ID, NEW_ZONE)
    # a skipped run: the day is loaded but not built; the next daily run catches up
    ingestion.load_days(landing, incremental, [days[change + 1]], progress=False)
    daily(days[change + 2 :])
    # the daily path: re-running the last day alone changes nothing
    daily([days[-1]])
    return {"full": full, "incremental": incremental, "seen": seen}


@pytest.mark.timeout(1800)
def test_incremental_runs_equal_a_full_refresh(incremental_history):
    """Daily runs over late rows, a late company row, a time-zone change and a skipped run equal one full build."""
    differences = differing_rows(incremental_history["full"], incremental_history["incremental"])
    assert {table: count for table, count in differences.items() if count} == {}


def test_events_before_their_company_row_get_its_local_dates_on_the_next_daily_run(incremental_history):
    seen = incremental_history["seen"]
    # until the row arrives the company's events are dated in UTC, which differs from Tokyo for some of them
    assert sum(wrong for _rows, wrong in seen["before_company_row"].values()) > 0, seen["before_company_row"]
    assert seen["after_company_row"]["notifications.fct_notifications"][0] > 0
    assert all(wrong == 0 for _rows, wrong in seen["after_company_row"].values()), seen


def test_time_zone_change_recomputes_past_local_dates(incremental_history):
    seen = incremental_history["seen"]
    assert sum(wrong for _rows, wrong in seen["before_change"].values()) > 0, seen["before_change"]
    assert seen["after_change"]["notifications.fct_notifications"][0] > 0
    assert all(wrong == 0 for _rows, wrong in seen["after_change"].values()), seen
    full = wrong_local_dates(incremental_history["full"], RETIMED_COMPANY_ID, NEW_ZONE)
    assert all(wrong == 0 for _rows, wrong in full.values()), full


def test_staging_keys_are_columns_with_not_null(built_warehouse):
    """Every unique key of a staging model is made of real columns, each tested not_null (a concatenated key
    hides a null part: `a || '-' || b` is null, and nulls are never duplicates)."""
    manifest = json.loads((SESSION_DATA_DIR / "built" / "target" / "manifest.json").read_text())
    # generic tests only (singular tests carry no test_metadata)
    tests = [node for node in manifest["nodes"].values() if node["resource_type"] == "test" and "test_metadata" in node]
    not_null = {
        (node["attached_node"], node["column_name"]) for node in tests if node["test_metadata"]["name"] == "not_null"
    }
    keys = []
    for node in tests:
        model = node["attached_node"] or ""
        name, kwargs = node["test_metadata"]["name"], node["test_metadata"]["kwargs"]
        if not model.startswith("model.cpaas.stg_"):
            continue
        if name == "unique":
            keys.append((model, [kwargs["column_name"]]))
        elif name == "unique_combination_of_columns":
            keys.append((model, kwargs["combination_of_columns"]))
    assert "model.cpaas.stg_platform__exchange_rates" in {model for model, _ in keys}
    untested = [(model, column) for model, columns in keys for column in columns if (model, column) not in not_null]
    assert untested == []


def test_source_freshness_warns_when_a_day_was_not_loaded(built_warehouse, tmp_path):
    """`dbt source freshness` warns (never errors) on an event table whose last load is older than 36 hours."""
    warehouse = tmp_path / "stale.duckdb"
    shutil.copy(built_warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update raw.calls set _loaded_at = _loaded_at - interval 3 day")
    run_dbt(warehouse, "source", "freshness", target_path=tmp_path / "target")
    results = json.loads((tmp_path / "target" / "sources.json").read_text())["results"]
    status = {result["unique_id"].rsplit(".", 1)[-1]: result["status"] for result in results}
    assert status.pop("calls") == "warn"
    assert status and set(status.values()) == {"pass"}, status
