"""A real Superset over the tiny fixture warehouse (tests/bi/conftest.py), with invoices whose ids are
real, their PDFs and Excel reports rendered by orchestration/billing/documents.py, and its own
documents and reports folders."""

# ruff: noqa: F811 - pytest fixtures take the shared session fixtures by parameter name

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pytest
import requests

from orchestration.billing.documents import render_company_excel, render_invoice_pdf
from tests.bi.conftest import (  # noqa: F401 - session fixtures shared with the BI tests
    admin,
    build_fixture_warehouse,
    reseller_password,
    serving_path,
    superset_url,
)

# invoice id, company, issuer (reseller), status: resellers 1 (companies 1-3) and 4 (companies 4-5)
INVOICES = [
    ("INV-2024-01-000002", 2, 1, "final"),
    ("INV-2024-01-000003", 3, 1, "draft"),
    ("INV-2024-01-000005", 5, 4, "final"),
]

HOSTILE_NAME = '<img src=x onerror="window.__xss = 1">Alpha Shop'


@pytest.fixture(scope="session")
def bi_build_warehouse(tmp_path_factory) -> Path:
    path = build_fixture_warehouse(tmp_path_factory.mktemp("reports_build") / "warehouse.duckdb")
    con = duckdb.connect(str(path))
    values = ", ".join(f"('{i}', {c}, {r}, '{s}')" for i, c, r, s in INVOICES)
    con.execute(
        "create or replace table billing.fct_invoices as select * replace (v.invoice_id as invoice_id, "
        "v.company_id as company_id, v.issuer_company_id as issuer_company_id, v.invoice_status as invoice_status, "
        "date '2024-01-01' as invoice_month) "
        f"from (select * from billing.fct_invoices limit 1) cross join (values {values}) "
        "v(invoice_id, company_id, issuer_company_id, invoice_status)"
    )
    # the invoices table renders HTML (its link columns): markup in a company name must stay inert
    con.execute(f"update billing.fct_invoices set company_name = '{HOSTILE_NAME}' where company_id = 2")
    con.close()
    return path


@pytest.fixture(scope="session")
def superset_home(tmp_path_factory) -> Path:
    """Also points the Superset process at this session's documents folder (superset_url sets REPORTS_PATH)."""
    os.environ["DOCUMENTS_PATH"] = str(tmp_path_factory.mktemp("documents"))
    return tmp_path_factory.mktemp("superset_home")


@pytest.fixture(scope="session")
def documents(superset_home, bi_build_warehouse) -> Path:
    """Every fixture invoice's PDF and its month's Excel report, rendered as the billing run does."""
    root = Path(os.environ["DOCUMENTS_PATH"])
    con = duckdb.connect(str(bi_build_warehouse), read_only=True)
    cur = con.execute("select * from billing.fct_invoices")
    names = [d[0] for d in cur.description]
    for invoice in (dict(zip(names, row, strict=True)) for row in cur.fetchall()):
        suffix = "" if invoice["invoice_status"] == "final" else "-DRAFT"
        render_invoice_pdf(root / "invoices" / "2024-01" / f"{invoice['invoice_id']}{suffix}.pdf", invoice, [])
        company = {"company_id": invoice["company_id"], "company_name": invoice["company_name"]}
        excel = root / "reports" / "2024-01" / f"company-{invoice['company_id']:06d}-2024-01.xlsx"
        render_company_excel(excel, [invoice], [], [], company, "2024-01")
    con.close()
    return root


def browser_login(url: str, username: str, password: str) -> requests.Session:
    """Log in through Superset's login form, as a browser does (session cookie)."""
    session = requests.Session()
    html = session.get(f"{url}/login/", timeout=60).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(r'"csrf_token":\s*"([^"]+)"', html)
    assert token, "no csrf token on the login page"
    resp = session.post(
        f"{url}/login/",
        data={"username": username, "password": password, "csrf_token": token.group(1)},
        timeout=60,
        allow_redirects=False,
    )
    assert resp.status_code in (302, 303) and "/login" not in resp.headers.get("Location", ""), resp.text[:300]
    return session


@pytest.fixture(scope="session")
def as_admin(superset_url) -> requests.Session:
    from orchestration.bi import server

    return browser_login(superset_url, *server.admin_credentials())


@pytest.fixture(scope="session")
def as_reseller(superset_url, superset_home):
    def login(reseller_id: int) -> requests.Session:
        return browser_login(superset_url, f"reseller_{reseller_id}", reseller_password(superset_home, reseller_id))

    return login
