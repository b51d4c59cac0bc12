"""Data tests of a daily run read the rows of its export window only (macros/data_test_window.sql)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from tests.conftest import run_dbt

STAGING_TEST = "unique_stg_platform__notifications_message_id"
AGGREGATE_TEST = "not_null_fct_notifications_daily_local_date"
DIMENSION_TEST = "unique_dim_companies_company_id"


def compiled_tests(warehouse: Path, target: Path, *args: str) -> dict[str, str]:
    names = (STAGING_TEST, AGGREGATE_TEST, DIMENSION_TEST)
    run_dbt(warehouse, "compile", "--select", *names, *args, target_path=target)
    return {p.stem: p.read_text() for p in (target / "compiled").rglob("*.sql") if p.stem in names}


def test_a_daily_run_tests_its_window_and_a_full_run_everything(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema staging")
        con.execute("create table staging.stg_platform__notifications (message_id varchar, export_date date)")
        con.execute("create schema notifications")
        con.execute("create table notifications.fct_notifications_daily (local_date date, company_id bigint)")
        con.execute("create schema core")
        con.execute("create table core.dim_companies (company_id bigint)")

    daily = compiled_tests(warehouse, tmp_path / "t1", "--vars", '{"min_date": "2026-07-15", "max_date": "2026-07-15"}')
    assert "export_date between date '2026-07-15' and date '2026-07-15'" in daily[STAGING_TEST]
    # a daily aggregate is tested from the window's start minus the days rows may arrive late
    assert "local_date between date '2026-07-15' - 7 and date '2026-07-15' + 1" in daily[AGGREGATE_TEST]
    # a dimension has no export or local date: tested whole
    assert "between" not in daily[DIMENSION_TEST]

    full = compiled_tests(warehouse, tmp_path / "t2")
    assert len(full) == 3 and not any("between" in sql for sql in full.values())
    forced = json.dumps({"min_date": "2026-07-15", "max_date": "2026-07-15", "full_tests": True})
    assert not any("between" in sql for sql in compiled_tests(warehouse, tmp_path / "t3", "--vars", forced).values())


BILLING_TEST = "unique_int_billable_usage_usage_id"


def test_the_monthly_billing_run_tests_the_usage_of_its_month(tmp_path):
    """The usage's unique test read the whole history in every monthly run (out of memory on the large
    profile): a billing run tests the rows of its billing month; a run without billing_month all rows."""
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema intermediate")
        con.execute("create table intermediate.int_billable_usage (usage_id varchar, billing_month date)")

    def compiled(target: Path, *args: str) -> str:
        run_dbt(warehouse, "compile", "--select", BILLING_TEST, *args, target_path=target)
        (sql,) = [p.read_text() for p in (target / "compiled").rglob(f"{BILLING_TEST}.sql")]
        return sql

    monthly = compiled(tmp_path / "t1", "--vars", '{"billing_month": "2026-08-01"}')
    assert "billing_month = cast(date_trunc('month', cast('2026-08-01" in monthly
    assert "billing_month =" not in compiled(tmp_path / "t2")
    forced = json.dumps({"billing_month": "2026-08-01", "full_tests": True})
    assert "billing_month =" not in compiled(tmp_path / "t3", "--vars", forced)
