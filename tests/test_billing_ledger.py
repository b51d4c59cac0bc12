"""Issued invoices survive the build file, and closed months keep the reference they were invoiced with.

One real flow on small generated data (dbt, DuckDB, the loader; a few minutes):
July is finalised and recorded in the ledger; then a company changes its billing currency and the platform
corrects a tariff (upserts in August's export, as the contract allows); August is billed: no invoice mixes
currencies and July's late usage is priced as July was invoiced. Then the build file is deleted and rebuilt
from the landing folder: every final invoice comes back byte-identical to the ledger. A build file whose
issued invoice was altered makes the next run fail loudly.
"""

import gzip
import json
import os
import subprocess
import sys
from datetime import date

import duckdb
import pytest

from orchestration import settings
from orchestration.landing import write_day_manifest
from tests.test_billing_e2e import BILLING_SELECT, bill, load, query

pytestmark = pytest.mark.timeout(1500)

INVOICE_COLUMNS = "select * from billing.fct_invoices where invoice_status = 'final' order by invoice_id"
LINE_COLUMNS = "select * from billing.fct_invoice_lines where invoice_status = 'final' order by invoice_line_id"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("billing_ledger")
    env = dict(os.environ)
    env.update(
        {
            "WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
            "DBT_TARGET_PATH": str(root / "target"),
            "DBT_LOG_PATH": str(root / "logs"),
            "DOCUMENTS_PATH": str(root / "documents"),
            "BILLING_LEDGER_PATH": str(root / "ledger" / "billing_ledger.duckdb"),
        }
    )
    (root / "ledger").mkdir()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.generator",
            "--landing",
            str(root / "landing"),
            "--profile",
            "small",
            "--months",
            "2",
            "--start",
            "2026-07-01",
            "--no-progress",
        ],
        check=True,
        env=env,
        cwd=settings.PROJECT_DIR,
        capture_output=True,
    )
    return {"root": root, "env": env}


def ledger_query(env, sql, params=()):
    con = duckdb.connect(env["env"]["BILLING_LEDGER_PATH"], read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def latest_rows(landing, entity, key, value):
    rows = []
    for path in sorted((landing / entity).glob("date=*/*.jsonl.gz")):
        with gzip.open(path, "rt") as fh:
            for line in fh:
                try:
                    row = json.loads(line)
                except ValueError:
                    continue
                if isinstance(row, dict) and row.get(key) == value:
                    rows.append(row)
    return max(rows, key=lambda row: row["updated_at"])


def upsert(landing, entity, day, row):
    """An extra export file of a reference entity on an export day (the contract's upsert); the day's
    manifest is written again, as the exporter does after adding a part."""
    path = landing / entity / f"date={day}" / f"{entity}-9001.jsonl.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "at") as fh:
        fh.write(json.dumps(row) + "\n")
    write_day_manifest(landing, date.fromisoformat(day))


def ledger_matches_build(env):
    """Every final invoice of the build file is in the ledger with the same rows and content hash."""
    build = {row[0]: row for row in query(env, INVOICE_COLUMNS)}
    ledger = {row[0]: row[:-2] for row in ledger_query(env, "select * from invoices order by invoice_id")}
    assert build == ledger
    assert query(env, LINE_COLUMNS) == [
        row[:-1] for row in ledger_query(env, "select * from invoice_lines order by invoice_line_id")
    ]


def test_ledger_currency_change_and_rebuild(env):
    landing = env["root"] / "landing"
    load(env, "2026-07-01", "2026-08-05")
    bill(env, "2026-07-01", "2026-08-05 06:00:00")
    july = query(env, INVOICE_COLUMNS)
    assert july and {row[6].isoformat() for row in july} == {"2026-07-01"}
    ledger_matches_build(env)
    hashes = ledger_query(env, "select invoice_id, content_hash from invoices order by invoice_id")
    assert all(len(content_hash) == 64 for _, content_hash in hashes)

    # a July-invoiced direct client switches currency, and the platform raises its default SMS price
    client_id, old_currency = query(
        env,
        "select i.company_id, i.currency from billing.fct_invoices i "
        "join staging.stg_platform__companies c using (company_id) "
        "where c.parent_company_id is null and i.company_id not in "
        "(select parent_company_id from staging.stg_platform__companies where parent_company_id is not null) "
        "order by i.total_amount desc limit 1",
    )[0]
    new_currency = query(
        env,
        "select currency from staging.stg_platform__exchange_rates where currency <> ? order by currency limit 1",
        [old_currency],
    )[0][0]
    company = latest_rows(landing, "companies", "company_id", client_id)
    upsert(
        landing, "companies", "2026-08-10", {**company, "currency": new_currency, "updated_at": "2026-08-10T00:00:00Z"}
    )
    sms_tariff_id = query(
        env,
        "select tariff_id from staging.stg_platform__tariffs where owner_id = 0 and company_id is null "
        "and service = 'sms' and valid_to is null",
    )[0][0]
    tariff = latest_rows(landing, "tariffs", "tariff_id", sms_tariff_id)
    upsert(
        landing,
        "tariffs",
        "2026-08-10",
        {**tariff, "price": str(round(float(tariff["price"]) * 3, 4)), "updated_at": "2026-08-10T00:00:00Z"},
    )

    load(env, "2026-08-06", "2026-08-31")
    assert query(env, "select currency from staging.stg_platform__companies where company_id = ?", [client_id]) == [
        (new_currency,)
    ]
    bill(env, "2026-08-01", "2026-09-05 06:00:00")
    assert query(env, INVOICE_COLUMNS)[: len(july)] == july  # July untouched

    # one currency per invoice, the header's
    mixed = query(
        env,
        "select l.invoice_id from billing.fct_invoice_lines l join billing.fct_invoices i using (invoice_id) "
        "group by l.invoice_id having count(distinct l.currency) > 1 or bool_or(l.currency <> i.currency)",
    )
    assert mixed == []
    # the client's August usage is in the new currency; its July true-up (if any) in July's currency
    august = query(
        env,
        "select invoice_id, currency, bool_and(is_adjustment) from billing.fct_invoice_lines "
        "where company_id = ? and invoice_month = '2026-08-01' group by all order by 1",
        [client_id],
    )
    assert (f"INV-2026-08-{client_id:06d}", new_currency, False) in august
    for invoice_id, currency, only_adjustments in august:
        if currency != new_currency:
            assert invoice_id == f"INV-2026-08-{client_id:06d}-{currency}" and currency == old_currency
            assert only_adjustments
    # July re-rated with the reference it was invoiced with: late usage only adds, nothing is reversed
    reversed_lines = query(
        env,
        "select invoice_line_id, description, usage_count, amount from billing.fct_invoice_lines "
        "where is_adjustment and period_month = '2026-07-01' and (usage_count < 0 or amount < 0)",
    )
    assert reversed_lines == []
    assert query(
        env,
        "select count(*) from intermediate.int_rated_usage where company_id = ? and billing_month = '2026-07-01' "
        "and company_currency <> ?",
        [client_id, old_currency],
    ) == [(0,)]
    ledger_matches_build(env)
    issued = query(env, INVOICE_COLUMNS)
    issued_lines = query(env, LINE_COLUMNS)

    # the build file is lost: rebuild everything from the landing folder, later, with today's reference
    os.remove(env["env"]["WAREHOUSE_PATH"])
    load(env, "2026-07-01", "2026-08-31")
    bill(env, "2026-07-01", "2026-09-06 06:00:00")
    bill(env, "2026-08-01", "2026-09-06 06:00:00")
    assert query(env, INVOICE_COLUMNS) == issued
    assert query(env, LINE_COLUMNS) == issued_lines
    ledger_matches_build(env)

    # an issued invoice altered in the build file: the next run refuses to build over it
    con = duckdb.connect(env["env"]["WAREHOUSE_PATH"])
    con.execute(
        "update billing.fct_invoice_lines set amount = amount + 1 where invoice_line_id = ?", [issued_lines[0][0]]
    )
    con.close()
    refused = subprocess.run(
        [
            "dbt",
            "build",
            *BILLING_SELECT,
            "--exclude-resource-type",
            "unit_test",
            "--vars",
            json.dumps({"billing_month": "2026-08-01", "billing_as_of": "2026-09-07 06:00:00"}),
            "--profiles-dir",
            str(settings.PROJECT_DIR),
        ],
        env=env["env"],
        cwd=settings.PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0
    assert "billing ledger" in refused.stdout and issued_lines[0][1] in refused.stdout
    assert (
        ledger_query(env, "select invoice_id, content_hash from invoices where invoice_month = '2026-07-01' order by 1")
        == hashes
    )
