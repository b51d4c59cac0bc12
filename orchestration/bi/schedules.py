"""Scheduled e-mail reports as code: orchestration/bi/schedules.yaml -> Superset's Alerts & Reports.

Each schedule is created, or updated in place when a report of that name exists (idempotent); the
running Superset must have the ALERT_REPORTS feature flag (superset_config.py) and a Celery worker and
beat (`python -m orchestration.bi celery`) to send them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from orchestration.bi.client import SupersetClient, _rison

SCHEDULES_FILE = Path(__file__).resolve().parent / "schedules.yaml"
FORMATS = {"dashboard": ("PNG", "PDF"), "chart": ("CSV", "PNG", "PDF", "TEXT")}
_ADDRESS = re.compile(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+")


class ScheduleError(ValueError):
    """A schedule definition that cannot become a report."""


def load(path: Path | str = SCHEDULES_FILE) -> list[dict]:
    """The schedules of the file, checked: a target, a format it supports, a crontab, e-mail addresses."""
    schedules = (yaml.safe_load(Path(path).read_text()) or {}).get("schedules") or []
    names = set()
    for item in schedules:
        name = item.get("name") or ""
        if not name or name in names:
            raise ScheduleError(f"{path}: every schedule needs a unique name (got {name!r})")
        names.add(name)
        kinds = [kind for kind in FORMATS if item.get(kind)]
        if len(kinds) != 1:
            raise ScheduleError(f"{name}: give exactly one of dashboard (slug) or chart (title)")
        if item.get("format") not in FORMATS[kinds[0]]:
            raise ScheduleError(f"{name}: format must be one of {FORMATS[kinds[0]]} for a {kinds[0]}")
        if len(str(item.get("crontab", "")).split()) != 5:
            raise ScheduleError(f"{name}: crontab needs 5 fields, got {item.get('crontab')!r}")
        item["recipients"] = recipients(item)
    return schedules


def recipients(item: dict) -> list[str]:
    override = os.environ.get(item.get("recipients_env") or "", "").strip()
    addresses = [a.strip() for a in override.split(",")] if override else list(item.get("recipients") or [])
    bad = [a for a in addresses if not _ADDRESS.fullmatch(a)]
    if not addresses or bad:
        raise ScheduleError(f"{item['name']}: recipients must be e-mail addresses, got {addresses!r}")
    return addresses


def _find_one(client: SupersetClient, resource: str, column: str, value: str) -> dict | None:
    query = _rison({"filters": [{"col": column, "opr": "eq", "value": value}], "columns": ["id"]})
    rows = client.get_json(f"/api/v1/{resource}/", params={"q": query})["result"]
    return rows[0] if rows else None


def payload(client: SupersetClient, item: dict, owner_id: int) -> dict:
    if item.get("dashboard"):
        target = _find_one(client, "dashboard", "slug", item["dashboard"])
        key = "dashboard"
    else:
        target = _find_one(client, "chart", "slice_name", item["chart"])
        key = "chart"
    if target is None:
        raise ScheduleError(f"{item['name']}: no {key} {item[key]!r} in Superset (run `import` first)")
    return {
        "type": "Report",
        "name": item["name"],
        "description": item.get("description", ""),
        "active": bool(item.get("active", True)),
        "crontab": item["crontab"],
        "timezone": item.get("timezone", "UTC"),
        key: target["id"],
        "owners": [owner_id],
        "report_format": item["format"],
        "recipients": [{"type": "Email", "recipient_config_json": {"target": ",".join(item["recipients"])}}],
        "working_timeout": int(item.get("working_timeout", 600)),
        "log_retention": int(item.get("log_retention", 90)),
        "force_screenshot": item["format"] != "CSV",
    }


def apply(client: SupersetClient, path: Path | str = SCHEDULES_FILE) -> dict[str, int]:
    """Create or update every schedule of the file; returns {name: report id}."""
    owner_id = client.get_json("/api/v1/me/")["result"]["id"]
    applied = {}
    for item in load(path):
        body = payload(client, item, owner_id)
        existing = _find_one(client, "report", "name", item["name"])
        if existing:
            client._check(client._request("PUT", f"/api/v1/report/{existing['id']}", json=body), item["name"])
            applied[item["name"]] = existing["id"]
        else:
            body["creation_method"] = "alerts_reports"
            applied[item["name"]] = client._check(client.post("/api/v1/report/", json=body), item["name"]).json()["id"]
    return applied
