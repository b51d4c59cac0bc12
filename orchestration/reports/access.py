"""Who may download what: the same scope as the dashboards' row-level security (bi/roles.py).

An admin downloads everything. A user with the role `Reseller <id>` downloads the documents of the
reseller itself and of the companies it serves: an invoice (and its month's Excel report) when the
reseller issued it or is the billed company (the invoice RLS clause), a generated report when its
company is the reseller or depends on it today (the `company_id IN (...)` clause). Anyone else:
nothing. Ownership is read from the serving warehouse, the file Superset's dashboards show.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.bi.roles import ROLE_PREFIX

INVOICE_ID = re.compile(r"INV-\d{4}-(0[1-9]|1[0-2])-\d{6,12}(-[A-Z]{3})?")


@dataclass(frozen=True)
class Scope:
    admin: bool
    resellers: frozenset[int]

    @property
    def nothing(self) -> bool:
        return not self.admin and not self.resellers


def scope_of(role_names: list[str], admin_role: str = "Admin") -> Scope:
    resellers = {
        int(name[len(ROLE_PREFIX) :])
        for name in role_names
        if name.startswith(ROLE_PREFIX) and name[len(ROLE_PREFIX) :].isdigit()
    }
    return Scope(admin_role in role_names, frozenset(resellers))


def _serving() -> duckdb.DuckDBPyConnection:
    path = os.environ.get("SERVING_WAREHOUSE_PATH") or str(settings.SERVING_WAREHOUSE_PATH)
    return duckdb.connect(path, read_only=True)


def invoice(invoice_id: str) -> dict | None:
    """The invoice row that decides ownership, status and month; None when unknown."""
    con = _serving()
    try:
        row = con.execute(
            "select company_id, issuer_company_id, invoice_status, invoice_month from billing.fct_invoices "
            "where invoice_id = ?",
            [invoice_id],
        ).fetchone()
    finally:
        con.close()
    if row is None:
        return None
    return dict(zip(("company_id", "issuer_company_id", "invoice_status", "invoice_month"), row, strict=True))


def may_see_invoice(scope: Scope, row: dict) -> bool:
    return scope.admin or bool({row["company_id"], row["issuer_company_id"]} & scope.resellers)


def may_see_company(scope: Scope, company_id: int) -> bool:
    if scope.admin:
        return True
    if not scope.resellers:
        return False
    if company_id in scope.resellers:
        return True
    con = _serving()
    try:
        parent = con.execute(
            "select parent_company_id from core.dim_companies where company_id = ?", [company_id]
        ).fetchone()
    finally:
        con.close()
    return parent is not None and parent[0] in scope.resellers


def under(root: Path, *parts: str) -> Path | None:
    """root/parts resolved, or None when it would leave root (a symlink or `..` cannot lead out)."""
    root = root.resolve()
    path = root.joinpath(*parts).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None
