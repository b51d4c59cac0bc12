"""dbt on real data: a full build passes, and incremental runs equal a full refresh."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration import ingestion
from tests.conftest import run_dbt

# billing keeps issued invoices immutable on purpose, so it is compared by its own tests
COMPARED_SCHEMAS = (
    "staging",
    "intermediate",
    "core",
    "notifications",
    "chats",
    "engagement",
    "telephony",
    "account_usage",
    "customer_dynamics",
)


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
            select count(*) from staging.stg_platform__notifications as n
            join staging.stg_platform__companies as c using (company_id)
            where c.timezone = 'America/New_York' and n.local_date <> cast(n.created_at as date)
            """
        ).fetchone()[0]
        wrong = con.execute(
            """
            select count(*) from staging.stg_platform__notifications as n
            join staging.stg_platform__companies as c using (company_id)
            where n.local_date <> cast(timezone(c.timezone, timezone('UTC', n.created_at)) as date)
            """
        ).fetchone()[0]
    assert shifted > 0 and wrong == 0


@pytest.mark.timeout(1500)
def test_incremental_runs_equal_a_full_refresh(sample_landing, tmp_path):
    """Load and build the export in three chunks (late rows arrive in later chunks); compare to one full build."""
    days = ingestion.available_days(sample_landing)
    full, incremental = tmp_path / "full.duckdb", tmp_path / "incremental.duckdb"
    ingestion.load_days(sample_landing, full, days, progress=False)
    run_dbt(full, "run", "--full-refresh", "--exclude", "tag:billing", target_path=tmp_path / "t1")

    chunks = [days[:25], days[25:40], days[40:]]
    ingestion.load_days(sample_landing, incremental, chunks[0], progress=False)
    run_dbt(incremental, "run", "--exclude", "tag:billing", target_path=tmp_path / "t2")
    for chunk in chunks[1:]:
        ingestion.load_days(sample_landing, incremental, chunk, progress=False)
        window = json.dumps({"min_date": str(chunk[0]), "max_date": str(chunk[-1])})
        run_dbt(incremental, "run", "--exclude", "tag:billing", "--vars", window, target_path=tmp_path / "t2")
    # the daily path: re-running the last day alone changes nothing
    last = json.dumps({"min_date": str(days[-1]), "max_date": str(days[-1] + timedelta(days=0))})
    run_dbt(incremental, "run", "--exclude", "tag:billing", "--vars", last, target_path=tmp_path / "t2")

    compared = tables(full)
    assert compared == tables(incremental)
    with duckdb.connect(str(full)) as con:
        con.execute(f"attach '{incremental}' as inc (read_only)")
        for schema, table in compared:
            columns = ", ".join(
                f'"{name}"'
                for (name,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ?"
                    " and column_name not in ('export_date', 'dbt_loaded_at', 'built_at')",
                    [schema, table],
                ).fetchall()
            )
            differences = con.execute(
                f"select count(*) from ((select {columns} from {schema}.{table} except all"
                f" select {columns} from inc.{schema}.{table}) union all (select {columns} from inc.{schema}.{table}"
                f" except all select {columns} from {schema}.{table}))"
            ).fetchone()[0]
            assert differences == 0, f"{schema}.{table}: {differences} rows differ between incremental and full"
