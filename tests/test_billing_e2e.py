"""Monthly billing end to end on small generated data (a few minutes):

generate 2 months -> load July (+2 days) -> July drafts -> load to the end of the grace period -> July final
-> load August, whose first days carry late July events -> August run: July's invoices are unchanged, August
carries adjustment lines for July, every invoiced period reconciles with the rated usage, a full refresh
leaves final invoices alone, and the documents are written.
"""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration import settings

pytestmark = pytest.mark.timeout(1500)

# cautious: tests of other domains that read a billing model (e.g. customer dynamics on int_rated_usage)
# are not pulled in, their models are not built here
BILLING_SELECT = [
    "-s",
    "path:models/intermediate/billing",
    "path:models/marts/billing",
    "--indirect-selection",
    "cautious",
]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("billing_e2e")
    env = dict(os.environ)
    env.update(
        {
            "WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
            "DBT_TARGET_PATH": str(root / "target"),
            "DBT_LOG_PATH": str(root / "logs"),
            "DOCUMENTS_PATH": str(root / "documents"),
            "BILLING_LEDGER_PATH": str(root / "billing_ledger.duckdb"),
        }
    )
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
            "--dirty-rate",
            "0.03",
            "--no-progress",
        ],
        check=True,
        env=env,
        cwd=settings.PROJECT_DIR,
        capture_output=True,
    )
    return {"root": root, "env": env}


def load(env, start, end):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.ingestion",
            "--landing",
            str(env["root"] / "landing"),
            "--warehouse",
            env["env"]["WAREHOUSE_PATH"],
            "--from",
            start,
            "--to",
            end,
        ],
        check=True,
        env=env["env"],
        cwd=settings.PROJECT_DIR,
        capture_output=True,
    )
    dbt(env, ["seed"])  # reference data (seeds/) the billing models read
    # staging, and the daily marts the reseller report reads (the daily run builds them before billing)
    dbt(env, ["run", "-s", "staging", "+fct_calls", "+fct_chat_messages"])


def dbt(env, args):
    proc = subprocess.run(
        ["dbt", *args, "--profiles-dir", str(settings.PROJECT_DIR)],
        env=env["env"],
        cwd=settings.PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-4000:]
    return proc.stdout


def bill(env, month, as_of, *extra):
    return dbt(
        env,
        [
            "build",
            *BILLING_SELECT,
            "--exclude-resource-type",
            "unit_test",
            *extra,
            "--vars",
            json.dumps({"billing_month": month, "billing_as_of": as_of}),
        ],
    )


def query(env, sql, params=()):
    con = duckdb.connect(env["env"]["WAREHOUSE_PATH"], read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def invoices_of(env, month):
    return query(env, "select * from billing.fct_invoices where invoice_month = ? order by invoice_id", [month])


def lines_of(env, month):
    return query(
        env,
        "select * exclude (generated_at) from billing.fct_invoice_lines where invoice_month = ? "
        "order by invoice_line_id",
        [month],
    )


def assert_reconciles(env, up_to):
    """Per company and invoiced period: invoice lines (regular + adjustments) = rated usage, exactly."""
    diff = query(
        env,
        """
        with invoiced as (
            select company_id, period_month, sum(amount) as amount from billing.fct_invoice_lines group by all),
        rated as (
            select billed_company_id as company_id, billing_month as period_month, sum(amount) as amount
            from intermediate.int_billing_period_lines group by all),
        periods as (select distinct company_id, invoice_month as period_month from billing.fct_invoices
                    where invoice_month <= ?)
        select p.*, i.amount, r.amount from periods p
        left join invoiced i using (company_id, period_month) left join rated r using (company_id, period_month)
        where coalesce(i.amount, 0) <> coalesce(r.amount, 0)""",
        [up_to],
    )
    assert diff == []
    # and the rounded line groups stay within half a minor unit per group of the exact event amounts
    gap = query(
        env,
        """
        select l.billed_company_id, l.billing_month, sum(l.amount) - sum(l.amount_exact), count(*)
        from intermediate.int_billing_period_lines l group by all
        having abs(sum(l.amount) - sum(l.amount_exact)) > 0.005 * count(*)""",
    )
    assert gap == []
    exact = query(
        env,
        """
        select (select sum(company_amount) from intermediate.int_rated_usage where paid_base_quantity > 0)
             - (select sum(amount_exact) from intermediate.int_billing_period_lines where line_kind = 'usage')""",
    )
    assert exact[0][0] == 0


def test_monthly_billing_end_to_end(env):
    # month 1: usage of July plus the first export days of August -> drafts
    load(env, "2026-07-01", "2026-08-02")
    bill(env, "2026-07-01", "2026-08-02 06:00:00")
    july = invoices_of(env, "2026-07-01")
    assert july, "July has invoices"
    assert {row[17] for row in july} == {"draft"}

    # the grace period ends (3 days after local month end): the July run finalises
    load(env, "2026-08-03", "2026-08-05")
    bill(env, "2026-07-01", "2026-08-05 06:00:00")
    july_final = invoices_of(env, "2026-07-01")
    july_lines = lines_of(env, "2026-07-01")
    assert {row[17] for row in july_final} == {"final"}
    assert all(row[19] is not None for row in july_final)  # issued_at
    assert_reconciles(env, "2026-07-01")

    # August arrives, with July events exported 1-7 days late (after July was final)
    load(env, "2026-08-06", "2026-08-31")
    # re-running the closed month changes nothing (it rates the late July usage, but July is final)
    bill(env, "2026-07-01", "2026-09-01 06:00:00")
    assert invoices_of(env, "2026-07-01") == july_final
    assert lines_of(env, "2026-07-01") == july_lines
    late = query(
        env,
        "select count(*) from intermediate.int_billable_usage "
        "where billing_month = '2026-07-01' and known_export_date > '2026-08-05'",
    )[0][0]
    assert late > 0, "the generator wrote late July events into August's export days"

    # month 2: drafts then final; July's late usage is an adjustment line on August's invoices
    bill(env, "2026-08-01", "2026-09-02 06:00:00")
    bill(env, "2026-08-01", "2026-09-05 06:00:00")
    assert invoices_of(env, "2026-07-01") == july_final
    assert lines_of(env, "2026-07-01") == july_lines
    adjustments = query(
        env,
        "select invoice_id, period_month, sum(amount), sum(usage_count) "
        "from billing.fct_invoice_lines where invoice_month = '2026-08-01' and is_adjustment "
        "group by all",
    )
    assert adjustments, "August carries adjustment lines"
    assert {row[1].isoformat() for row in adjustments} == {"2026-07-01"}
    assert sum(row[3] for row in adjustments) > 0
    assert {
        row[0]
        for row in query(env, "select invoice_status from billing.fct_invoices where invoice_month = '2026-08-01'")
    } == {"final"}
    assert_reconciles(env, "2026-08-01")

    # a full refresh rebuilds the rating but never an issued invoice
    august = invoices_of(env, "2026-08-01")
    bill(env, "2026-08-01", "2026-09-06 06:00:00", "--full-refresh")
    assert invoices_of(env, "2026-07-01") == july_final
    assert invoices_of(env, "2026-08-01") == august
    assert_reconciles(env, "2026-08-01")

    # account transactions: balance = transactions - issued invoices
    bad_balance = query(
        env,
        """
        select company_id from billing.fct_account_transactions
        group by company_id
        having arg_max(balance_after, (occurred_at, transaction_id)) <> sum(amount)""",
    )
    assert bad_balance == []
    charged = query(
        env, "select sum(-amount) from billing.fct_account_transactions where transaction_type = 'invoice_charge'"
    )[0][0]
    issued = query(env, "select sum(total_amount) from billing.fct_invoices where invoice_status = 'final'")[0][0]
    assert charged == issued

    # reseller report totals = the invoice lines of those periods
    report = query(
        env,
        """
        select r.company_id, r.billing_month, r.total_retail, r.total_wholesale,
            (select coalesce(sum(amount), 0) from billing.fct_invoice_lines l
             where l.company_id = r.company_id and l.period_month = r.billing_month and l.line_kind = 'usage'),
            (select coalesce(sum(amount), 0) from billing.fct_invoice_lines l
             where l.company_id = r.reseller_id and l.usage_company_id = r.company_id
               and l.period_month = r.billing_month and l.line_kind = 'wholesale')
        from billing.rpt_reseller_companies r where r.billing_month between '2026-07-01' and '2026-08-01'""",
    )
    assert report
    for _, _, retail, wholesale, invoiced_retail, invoiced_wholesale in report:
        assert retail == invoiced_retail and wholesale == invoiced_wholesale

    # documents: a PDF per invoice and an Excel report per company
    from orchestration.billing.documents import render_month_documents

    result = render_month_documents(
        "2026-07-01", Path(env["env"]["WAREHOUSE_PATH"]), Path(env["env"]["DOCUMENTS_PATH"])
    )
    assert result.invoices == len(july_final) == result.final_invoices
    assert all(Path(p).read_bytes().startswith(b"%PDF") for p in result.pdf_written)
    assert result.excel_written
    again = render_month_documents("2026-07-01", Path(env["env"]["WAREHOUSE_PATH"]), Path(env["env"]["DOCUMENTS_PATH"]))
    assert again.pdf_written == [] and len(again.pdf_kept) == len(july_final)
    assert Decimal(0) <= sum(row[16] for row in july_final)  # totals are exact decimals
