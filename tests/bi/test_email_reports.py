"""Scheduled e-mail for real: the shipped schedules applied to the session's Superset, a real Redis, Celery
worker and beat (orchestration.bi.server.start_reports), a local SMTP server (aiosmtpd); a report is
executed through Celery and the e-mail that arrives carries the chart's CSV with the marts' numbers,
and the dashboard's screenshot."""

from __future__ import annotations

import csv
import email
import io
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from email.message import Message

import pytest
import yaml
from aiosmtpd.controller import Controller
from celery import Celery

from orchestration.bi import bundle, schedules, server
from tests.bi.conftest import _free_port
from tests.conftest import PROJECT_DIR

CUSTOMER_DYNAMICS_TO = ["finance@reports.test", "sales@reports.test"]


class Inbox:
    """aiosmtpd handler: keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 OK"

    def wait_for(self, subject_part: str, timeout: float = 240.0) -> tuple[list[str], Message]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for rcpt, message in self.messages:
                if subject_part in message["Subject"]:
                    return rcpt, message
            time.sleep(1)
        raise AssertionError(
            f"no e-mail {subject_part!r} within {timeout:.0f}s; got {[m['Subject'] for _, m in self.messages]}"
        )


@pytest.fixture(scope="module")
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def report_services(superset_url, superset_home, inbox):
    """Redis on a free port, the Celery worker and beat, sending to the local SMTP server."""
    _, smtp_port = inbox
    settings_env = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_STARTTLS": "0",
        "SMTP_SSL": "0",
        "SMTP_MAIL_FROM": "reports@cpaas.test",
        "REPORTS_CUSTOMER_DYNAMICS_TO": ",".join(CUSTOMER_DYNAMICS_TO),
    }
    saved = {name: os.environ.get(name) for name in [*settings_env, "REDIS_URL"]}
    os.environ.update(settings_env)
    os.environ.pop("REDIS_URL", None)
    redis_port = _free_port()
    try:
        started = server.start_reports(superset_home, redis_port=redis_port, superset_url=superset_url)
        assert all(started[name] for name in server.REPORT_SERVICES), started
        yield started["broker"]
    finally:
        stopped = server.stop_reports(superset_home)
        for name, value in saved.items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)
    assert set(stopped) == set(server.REPORT_SERVICES)


@pytest.fixture(scope="module")
def applied(admin, report_services):
    first = schedules.apply(admin)
    assert schedules.apply(admin) == first  # idempotent: updated in place by name
    return first


def _execute(broker: str, report_id: int) -> None:
    """What beat's reports.scheduler does when the crontab is due: one reports.execute task."""
    Celery(broker=broker).send_task("reports.execute", args=[report_id], eta=datetime.now(UTC))


def _attachments(message: Message) -> dict[str, tuple[str, bytes]]:
    return {
        part.get_filename() or part.get("Content-ID", ""): (part.get_content_type(), part.get_payload(decode=True))
        for part in message.walk()
        if part.get_filename() or part.get_content_maintype() == "image"
    }


def _saved_in_filters(slice_name: str) -> tuple[str, list]:
    """The IN filters of a chart's saved query context in the bundle, as SQL and parameters."""
    for rel, text in bundle.read_bundle().items():
        chart = yaml.safe_load(text) if rel.startswith("charts/") else None
        if chart and chart["slice_name"] == slice_name:
            filters = [f for f in json.loads(chart["query_context"])["queries"][0]["filters"] if f["op"] == "IN"]
            assert filters, "the chart's query has no saved filters"
            return " and ".join(f"{f['col']} in ?" for f in filters), [f["val"] for f in filters]
    raise AssertionError(f"no chart {slice_name!r} in the bundle")


def _report_log(admin, report_id: int) -> list:
    return [(r["state"], r["error_message"]) for r in admin.get_json(f"/api/v1/report/{report_id}/log/")["result"]]


def test_monthly_customer_dynamics_csv_arrives_with_mart_numbers(admin, applied, report_services, inbox, marts):
    handler, _ = inbox
    report_id = applied["Monthly customer dynamics"]
    _execute(report_services, report_id)
    try:
        rcpt, message = handler.wait_for("Monthly customer dynamics")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; report log: {_report_log(admin, report_id)}") from None
    assert sorted(rcpt) == sorted(CUSTOMER_DYNAMICS_TO)
    csv_files = {name: body for name, (kind, body) in _attachments(message).items() if name.endswith(".csv")}
    assert len(csv_files) == 1, list(_attachments(message))
    rows = list(csv.DictReader(io.StringIO(next(iter(csv_files.values())).decode("utf-8-sig"))))
    # the chart's saved query (the dashboard's defaults: one period grain, one active duration)
    where, params = _saved_in_filters("Dynamics by company")
    expected = {
        (str(company), client_type): (float(refills or 0), float(payg or 0))
        for company, client_type, refills, payg in marts.execute(
            "select company_id, client_type, sum(refills_amount), sum(payg_amount)"
            f" from customer_dynamics.fct_customer_dynamics where {where} group by 1, 2",
            params,
        ).fetchall()
    }
    assert len(rows) == len(expected) > 0
    # metrics are headed by their label on the dataset (verbose name)
    assert {"company_id", "client_type", "Refills amount", "Payg amount"} <= set(rows[0]), list(rows[0])
    for row in rows:
        refills, payg = expected[(str(int(float(row["company_id"]))), row["client_type"])]
        assert float(row["Refills amount"] or 0) == pytest.approx(refills, abs=0.01)
        assert float(row["Payg amount"] or 0) == pytest.approx(payg, abs=0.01)


def test_daily_chatbot_engagement_screenshot_arrives(admin, applied, report_services, inbox):
    handler, _ = inbox
    report_id = applied["Daily chatbot engagement"]
    _execute(report_services, report_id)
    try:
        _, message = handler.wait_for("Daily chatbot engagement", timeout=300)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; report log: {_report_log(admin, report_id)}") from None
    images = [body for kind, body in _attachments(message).values() if kind == "image/png"]
    assert images and all(body.startswith(b"\x89PNG") and len(body) > 10_000 for body in images)


def _load_config(tmp_path, **env: str):
    """superset_config.py run in a fresh interpreter with only these settings: (exit code, output)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "CPAAS_ENV", "SUPERSET_SECRET"))}
    clean |= {"SUPERSET_HOME": str(tmp_path), "PYTHONPATH": str(PROJECT_DIR), **env}
    code = "import runpy; c = runpy.run_path({!r}); print('DRY_RUN', c['ALERT_REPORTS_NOTIFICATION_DRY_RUN'])"
    out = subprocess.run(
        [sys.executable, "-c", code.format(str(server.CONFIG_PATH))], env=clean, capture_output=True, text=True
    )
    return out.returncode, out.stdout + out.stderr


def test_production_with_email_on_fails_closed_without_sender_or_password(tmp_path):
    production = {"CPAAS_ENV": "production", "SUPERSET_SECRET_KEY": "k" * 42}
    assert _load_config(tmp_path, **production) == (0, "DRY_RUN True\n")  # e-mail off: dry run, starts
    code, output = _load_config(tmp_path, **production, SMTP_HOST="smtp.example.com")
    assert code != 0 and "SMTP_MAIL_FROM is not set" in output
    code, output = _load_config(
        tmp_path, **production, SMTP_HOST="smtp.example.com", SMTP_MAIL_FROM="r@example.com", SMTP_USER="r"
    )
    assert code != 0 and "SMTP_PASSWORD is not set" in output
    full = {"SMTP_HOST": "smtp.example.com", "SMTP_MAIL_FROM": "r@example.com", "SMTP_USER": "r", "SMTP_PASSWORD": "p"}
    assert _load_config(tmp_path, **production, **full) == (0, "DRY_RUN False\n")
