"""Top-up invoices: checks with nothing written on bad input, the PDF and ledger row, the Dagster job,
and payment by a later refill of that amount (real dbt on a copy of the session's built warehouse)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration import settings
from orchestration.billing import topup
from tests.conftest import PROJECT_DIR, run_dbt


@pytest.fixture()
def place(built_warehouse: Path, tmp_path: Path) -> dict[str, Path]:
    """A copy of the built warehouse with its own (empty) ledger and documents folder."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, warehouse)
    return {
        "warehouse": warehouse,
        "ledger": warehouse.with_name(f"{warehouse.stem}.ledger.duckdb"),  # the ledger run_dbt attaches
        "documents": tmp_path / "documents",
    }


def _company(warehouse: Path) -> tuple[int, str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "select company_id, currency from staging.stg_platform__companies order by company_id limit 1"
        ).fetchone()
    finally:
        con.close()


def _ledger_rows(ledger: Path) -> int:
    if not ledger.exists():
        return 0
    con = duckdb.connect(str(ledger), read_only=True)
    try:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        return con.execute("select count(*) from topup_invoices").fetchone()[0] if "topup_invoices" in tables else 0
    finally:
        con.close()


def _create(place: dict, company, amount, currency, **kwargs):
    return topup.create_topup_invoice(
        company,
        amount,
        currency,
        warehouse=place["warehouse"],
        ledger=place["ledger"],
        documents=place["documents"],
        **kwargs,
    )


@pytest.mark.parametrize(
    ("company", "amount", "currency", "message"),
    [
        (999_999_999, "100", None, "unknown company 999999999"),
        ("abc", "100", None, "company must be a company id"),
        (None, "0", None, "amount must be positive"),
        (None, "-25.00", None, "amount must be positive"),
        (None, "ten", None, "amount must be a number"),
        (None, "NaN", None, "finite number"),
        (None, "1e12", None, "above the top-up limit"),
        (None, "10.001", None, "more decimals than"),
        (None, "100", "XYZ", "unknown currency 'XYZ'"),
        (None, "100", "other", "is not company"),
    ],
)
def test_bad_request_is_refused_and_nothing_is_written(place, company, amount, currency, message):
    company_id, company_currency = _company(place["warehouse"])
    if currency == "other":
        currency = "EUR" if company_currency != "EUR" else "USD"
    with pytest.raises(topup.TopupError, match=message):
        _create(place, company_id if company is None else company, amount, currency or company_currency)
    assert _ledger_rows(place["ledger"]) == 0
    assert not place["documents"].exists() or not any(place["documents"].rglob("*.pdf"))


def test_cli_creates_numbered_pdf_and_refuses_bad_input(place):
    company_id, currency = _company(place["warehouse"])
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    paths = ["--warehouse", str(place["warehouse"]), "--ledger", str(place["ledger"])]
    paths += ["--documents", str(place["documents"])]
    base = [sys.executable, "-m", "orchestration.billing", "topup", "--company", str(company_id), *paths]
    bad = subprocess.run([*base, "--amount", "-1", "--currency", currency], env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and "amount must be positive" in bad.stderr
    assert _ledger_rows(place["ledger"]) == 0
    for expected_number in (1, 2):
        ok = subprocess.run(
            [*base, "--amount", "250.50", "--currency", currency], env=env, capture_output=True, text=True
        )
        assert ok.returncode == 0, ok.stderr
        invoice_id = f"TOP-{company_id:06d}-{expected_number:04d}"
        assert invoice_id in ok.stdout
    pdfs = sorted(p.name for p in place["documents"].rglob("*.pdf"))
    assert pdfs == [f"TOP-{company_id:06d}-0001.pdf", f"TOP-{company_id:06d}-0002.pdf"]
    assert all(p.read_bytes().startswith(b"%PDF") for p in place["documents"].rglob("*.pdf"))
    assert _ledger_rows(place["ledger"]) == 2


def test_dagster_job_creates_invoice_and_fails_on_bad_input(place, monkeypatch):
    from orchestration.billing.topup_job import topup_invoice_job

    for name in ("warehouse", "ledger", "documents"):
        attr = {"warehouse": "WAREHOUSE_PATH", "ledger": "BILLING_LEDGER_PATH", "documents": "DOCUMENTS_PATH"}[name]
        monkeypatch.setattr(settings, attr, place[name])
    company_id, currency = _company(place["warehouse"])

    def config(amount: str) -> dict:
        ops = {"topup_invoice": {"config": {"company": company_id, "amount": amount, "currency": currency}}}
        return {"ops": ops}

    result = topup_invoice_job.execute_in_process(run_config=config("99.90"))
    assert result.success and result.output_for_node("topup_invoice") == f"TOP-{company_id:06d}-0001"
    failed = topup_invoice_job.execute_in_process(run_config=config("0"), raise_on_error=False)
    assert not failed.success
    assert _ledger_rows(place["ledger"]) == 1


def test_later_refill_of_that_amount_marks_it_paid(place):
    """Created before a refill of its amount: paid by it. Created after every such refill: stays open."""
    con = duckdb.connect(str(place["warehouse"]), read_only=True)
    try:
        company_id, amount, refill_at = con.execute(
            """
            select t.company_id, t.original_amount, t.occurred_at
            from intermediate.int_account_transactions as t
            inner join staging.stg_platform__companies as c
                on t.company_id = c.company_id and t.original_currency = c.currency
            where t.transaction_type = 'refill' and t.original_amount > 0
            order by t.occurred_at desc, t.transaction_id
            limit 1
            """
        ).fetchone()
        currency = con.execute(
            "select currency from staging.stg_platform__companies where company_id = ?", [company_id]
        ).fetchone()[0]
        before = refill_at - timedelta(hours=1)
        expected_refill = con.execute(
            """
            select transaction_id from intermediate.int_account_transactions
            where company_id = ? and transaction_type = 'refill' and original_currency = ?
                and original_amount = ? and occurred_at >= ?
            order by occurred_at, transaction_id limit 1
            """,
            [company_id, currency, amount, before],
        ).fetchone()[0]
    finally:
        con.close()
    amount = Decimal(amount).normalize()
    paid = _create(place, company_id, amount, currency, as_of=f"{before:%Y-%m-%d %H:%M:%S}")
    after = refill_at + timedelta(minutes=1)
    still_open = _create(place, company_id, amount, currency, as_of=f"{after:%Y-%m-%d %H:%M:%S}")

    run_dbt(place["warehouse"], "build", "-s", "fct_topup_invoices")
    con = duckdb.connect(str(place["warehouse"]), read_only=True)
    try:
        rows = dict(
            (r[0], r[1:])
            for r in con.execute(
                "select topup_invoice_id, topup_status, paid_by_transaction_id, amount from billing.fct_topup_invoices"
            ).fetchall()
        )
    finally:
        con.close()
    assert rows[paid.topup_invoice_id] == ("paid", expected_refill, paid.amount)
    assert rows[still_open.topup_invoice_id] == ("open", None, still_open.amount)
