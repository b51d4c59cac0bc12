"""Downloads inside Superset (registered through BLUEPRINTS in superset_config.py), under its login.

    GET  /cpaas/documents/invoice/<invoice id>   the invoice PDF (a draft is served as ...-DRAFT.pdf)
    GET  /cpaas/documents/monthly/<invoice id>   the Excel report of that invoice's company and month
    GET  /cpaas/reports/<report id>              a generated report, the bytes of its generation
    POST /cpaas/reports/<report id>/delete       admin only: the report's row and file

Anonymous: 401. Outside the user's scope (access.py): 403. Ids are validated against their pattern
and every path is resolved under its folder before it is opened.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, send_file
from flask_login import current_user

from orchestration import settings
from orchestration.reports import access, service, store

downloads = Blueprint("cpaas_downloads", __name__, url_prefix="/cpaas")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _documents() -> Path:
    value = os.environ.get("DOCUMENTS_PATH")
    return Path(value) if value else settings.DOCUMENTS_PATH


def _scope() -> access.Scope:
    if not current_user or current_user.is_anonymous:
        abort(401, "log in to download documents")
    scope = access.scope_of([r.name for r in current_user.roles], current_app.config["AUTH_ROLE_ADMIN"])
    if scope.nothing:
        abort(403, "documents are for admins and resellers")
    return scope


def _invoice(invoice_id: str, scope: access.Scope) -> dict:
    if not access.INVOICE_ID.fullmatch(invoice_id):
        abort(404)
    row = access.invoice(invoice_id)
    if row is None:
        abort(404)
    if not access.may_see_invoice(scope, row):
        abort(403, "this invoice belongs to another reseller")
    return row


@downloads.route("/documents/invoice/<invoice_id>")
def invoice_pdf(invoice_id: str):
    row = _invoice(invoice_id, _scope())
    month = f"{row['invoice_month']:%Y-%m}"
    name = f"{invoice_id}.pdf" if row["invoice_status"] == "final" else f"{invoice_id}-DRAFT.pdf"
    path = access.under(_documents(), "invoices", month, name)
    if path is not None:
        return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name)
    abort(404, "the PDF of this invoice has not been rendered yet")


@downloads.route("/documents/monthly/<invoice_id>")
def monthly_excel(invoice_id: str):
    row = _invoice(invoice_id, _scope())
    month = f"{row['invoice_month']:%Y-%m}"
    name = f"company-{row['company_id']:06d}-{month}.xlsx"
    path = access.under(_documents(), "reports", month, name)
    if path is None:
        abort(404, "the monthly report of this invoice has not been rendered yet")
    return send_file(path, mimetype=XLSX, as_attachment=True, download_name=name)


def _report(report_id: str, scope: access.Scope) -> dict:
    if not store.REPORT_ID.fullmatch(report_id):
        abort(404)
    row = store.state().get(report_id)
    if row is None:
        abort(404)
    if not access.may_see_company(scope, row["company_id"]):
        abort(403, "this report belongs to another reseller")
    return row


@downloads.route("/reports/<report_id>")
def report_file(report_id: str):
    row = _report(report_id, _scope())
    if row["status"] != "succeeded":
        abort(409, f"report not available: {row['status']} {row.get('error') or ''}".strip())
    content = store.read_object(row["file_sha256"])
    name = f"{row['category']}-{row['company_id']:06d}-{str(row['period'])[:7]}-{report_id[:8]}.xlsx"
    return send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=name)


@downloads.route("/reports/<report_id>/delete", methods=["POST"])
def report_delete(report_id: str):
    scope = _scope()
    if not scope.admin:
        abort(403, "only an admin deletes reports")
    _report(report_id, scope)
    service.delete(report_id)
    return jsonify({"deleted": report_id})
