"""The Excel reports of the Reports page: calls, chats or notifications of one company in one month.

Each kind is a summary (totals of the month) and a detail sheet (per local day), read from the daily
marts. `data_sha256` fingerprints the numbers, so a monthly run that finds the same numbers as the
last report of that company, month and kind registers nothing new.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Font

from orchestration.billing.documents import _append_row

# kind -> (mart, detail dimensions, measures); a measure is a sum over the month's rows.
KINDS = {
    "calls": (
        "telephony.fct_calls_hourly",
        ["direction", "telephony_service"],
        ["calls", "answered_calls", "missed_calls", "billable_seconds", "billable_minutes", "duration_seconds"],
    ),
    "chats": (
        "chats.fct_chat_messages_daily",
        ["messenger", "sender_type"],
        ["messages", "alice_messages", "proactive_messages"],
    ),
    "notifications": (
        "notifications.fct_notifications_daily",
        ["channel", "status"],
        [
            "notifications_created",
            "notifications_sent",
            "notifications_delivered",
            "notifications_undelivered",
            "notifications_error",
            "notifications_canceled",
        ],
    ),
}


class ReportError(ValueError):
    """A report that cannot be made from these arguments (unknown company or kind, bad period)."""


@dataclass
class BuiltReport:
    content: bytes
    data_sha256: str
    company_name: str
    summary: dict[str, float]


def month_start(period: str | date) -> date:
    try:
        return date.fromisoformat(str(period)[:7] + "-01")
    except ValueError:
        raise ReportError(f"period must be a month YYYY-MM (or YYYY-MM-01), got {period!r}") from None


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> tuple[list[str], list[tuple]]:
    cur = con.execute(sql, params)
    return [d[0] for d in cur.description], cur.fetchall()


def build(con: duckdb.DuckDBPyConnection, company_id: int, period: str | date, kind: str) -> BuiltReport:
    if kind not in KINDS:
        raise ReportError(f"unknown report kind {kind!r}: one of {', '.join(KINDS)}")
    month = month_start(period)
    company = con.execute("select company_name from core.dim_companies where company_id = ?", [company_id]).fetchone()
    if company is None:
        raise ReportError(f"unknown company {company_id}")
    mart, dims, measures = KINDS[kind]
    window = "local_date >= ? and local_date < ? + interval 1 month"
    params = [company_id, month, month]
    sums = ", ".join(f"coalesce(sum({m}), 0) as {m}" for m in measures)
    _, total = _rows(con, f"select {sums} from {mart} where company_id = ? and {window}", params)
    header, detail = _rows(
        con,
        f"select local_date, {', '.join(dims)}, {sums} from {mart} where company_id = ? and {window} "
        f"group by all order by all",
        params,
    )
    summary = dict(zip(measures, (float(v) for v in total[0]), strict=True))
    fingerprint = json.dumps([kind, company_id, str(month), summary, detail], default=str)

    wb = Workbook()
    sheet = wb.active
    sheet.title = "Summary"
    for row in (
        ["Report", f"{kind.capitalize()} of {company[0]} (#{company_id})"],
        ["Month", f"{month:%Y-%m}"],
        *([name, value] for name, value in summary.items()),
    ):
        _append_row(sheet, row)
    days = wb.create_sheet("By day")
    days.append(header)
    for row in detail:
        _append_row(days, list(row))
    for ws in (sheet, days):
        for cell in ws["A"] if ws is sheet else ws[1]:
            cell.font = Font(bold=True)
    days.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return BuiltReport(buf.getvalue(), hashlib.sha256(fingerprint.encode()).hexdigest(), company[0], summary)
