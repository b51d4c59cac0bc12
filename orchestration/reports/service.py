"""Generate, retry and delete registered reports (used by Dagster, the CLI and the admin's delete).

A report is registered as `running` before it is built, then `succeeded` (with the hash of its
stored file) or `failed` (with the error). A succeeded report is never rebuilt: its link keeps
serving the bytes of its generation. A failed one can be generated again under the same id.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.reports import excel, store

log = logging.getLogger(__name__)

CATEGORY_LABELS = {"calls": "Calls", "chats": "Chats", "notifications": "Notifications"}


class UnknownReport(LookupError):
    pass


def _name(kind: str, company_name: str, company_id: int, period) -> str:
    return f"{CATEGORY_LABELS.get(kind, kind)} - {company_name} (#{company_id}) - {excel.month_start(period):%Y-%m}"


def _user_facing_error(report_id: str, exc: Exception) -> str:
    """The registry is read by resellers: only a ReportError's own message is shown; anything else (paths,
    SQL, internals) goes to the server log under the report's id."""
    if isinstance(exc, excel.ReportError):
        return str(exc)[:500]
    log.error("report %s failed", report_id, exc_info=exc)
    return (
        f"The report could not be built (internal error, logged under report id {report_id}); "
        "it can be generated again."
    )


def _build_and_record(report_id: str, row: dict, warehouse: Path) -> dict:
    """Build the file from the warehouse and record the outcome; errors become a failed row."""
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            built = excel.build(con, row["company_id"], row["period"], row["category"])
        finally:
            con.close()
        sha = store.put_object(built.content)
        outcome = {
            "status": "succeeded",
            "error": None,
            "file_sha256": sha,
            "data_sha256": built.data_sha256,
            "size_bytes": len(built.content),
            "company_name": built.company_name,
            "name": _name(row["category"], built.company_name, row["company_id"], row["period"]),
        }
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the report, then re-raised by callers
        outcome = {"status": "failed", "error": _user_facing_error(report_id, exc)}
    with store.locked():
        store.append(report_id, "finished", outcome)
    return {**row, **outcome, "report_id": report_id}


def generate(
    company_id: int, period: str, kind: str, warehouse: Path | None = None, trigger: str = "on_demand"
) -> dict:
    """Register and build one report; returns its row (status succeeded or failed)."""
    if kind not in excel.KINDS:
        raise excel.ReportError(f"unknown report kind {kind!r}: one of {', '.join(excel.KINDS)}")
    month = excel.month_start(period)
    report_id = secrets.token_urlsafe(16)
    row = {
        "report_id": report_id,
        "name": _name(kind, "company", company_id, month),
        "category": kind,
        "company_id": int(company_id),
        "company_name": None,
        "period": month,
        "created_at": store.now(),
        "status": "running",
        "trigger": trigger,
    }
    with store.locked():
        store.append(report_id, "registered", row)
    return _build_and_record(report_id, row, Path(warehouse or settings.WAREHOUSE_PATH))


def retry(report_id: str, warehouse: Path | None = None) -> dict:
    """Generate a failed report again (same id, same link); a succeeded report is frozen."""
    row = store.state().get(report_id)
    if row is None:
        raise UnknownReport(f"no report {report_id!r}")
    if row["status"] == "succeeded":
        raise excel.ReportError(f"report {report_id} succeeded: it is frozen and is not generated again")
    with store.locked():
        store.append(report_id, "retried", {"status": "running", "error": None, "created_at": store.now()})
    return _build_and_record(report_id, {**row, "status": "running"}, Path(warehouse or settings.WAREHOUSE_PATH))


def delete(report_id: str) -> dict:
    """Remove the report's row and its file (unless another report holds the same bytes)."""
    with store.locked():
        rows = store.state()
        row = rows.pop(report_id, None)
        if row is None:
            raise UnknownReport(f"no report {report_id!r}")
        store.append(report_id, "deleted")
        sha = row.get("file_sha256")
        if sha and all(other.get("file_sha256") != sha for other in rows.values()):
            store.object_path(sha).unlink(missing_ok=True)
    return row


def monthly(period: str, warehouse: Path | None = None) -> list[dict]:
    """Every kind for every company with activity in the month; a company, month and kind whose
    numbers equal its last succeeded report gets no new one (re-runs during the grace days)."""
    warehouse = Path(warehouse or settings.WAREHOUSE_PATH)
    month = excel.month_start(period)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        active = {
            kind: [
                r[0]
                for r in con.execute(
                    f"select distinct company_id from {mart} where local_date >= ? "
                    "and local_date < ? + interval 1 month order by 1",
                    [month, month],
                ).fetchall()
            ]
            for kind, (mart, _, _) in excel.KINDS.items()
        }
        latest = {
            (r["company_id"], r["category"]): r
            for r in sorted(store.state().values(), key=lambda r: str(r["created_at"]))
            if r["status"] == "succeeded" and str(r["period"]) == str(month)
        }
        todo = []
        for kind, companies in active.items():
            for company_id in companies:
                previous = latest.get((company_id, kind))
                if previous is not None:
                    built = excel.build(con, company_id, month, kind)
                    if built.data_sha256 == previous["data_sha256"]:
                        continue
                todo.append((company_id, kind))
    finally:
        con.close()
    with store.batch():
        return [generate(company_id, str(month), kind, warehouse, trigger="monthly") for company_id, kind in todo]
