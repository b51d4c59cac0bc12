"""Superset over REST: every chart answers, numbers equal the marts, import/export, RLS."""

from __future__ import annotations

import os

import pytest
import yaml

from orchestration import settings
from orchestration.bi import bundle, cli, server
from orchestration.bi.client import SupersetClient
from orchestration.publish import PUBLISHED_SCHEMAS
from orchestration.reports.store import registry_path


def _charts(client: SupersetClient) -> dict[str, int]:
    return {c["slice_name"]: c["id"] for c in client.list_all("chart", ["id", "slice_name"])}


def _rows(client: SupersetClient, chart_id: int) -> list[dict]:
    result = client.chart_data(chart_id)["result"]
    assert all(not r.get("error") for r in result), result
    return [row for r in result for row in r["data"]]


def test_bundle_has_every_dashboard_and_no_machine_path():
    files = bundle.read_bundle()
    assert any(p.startswith("dashboards/") for p in files)
    for rel, text in files.items():
        assert "/work/" not in text and "/tmp/" not in text and "/home/" not in text, rel
        if rel.startswith("databases/"):
            placeholder = bundle.REGISTRY_PLACEHOLDER if "reports" in rel else bundle.URI_PLACEHOLDER
            assert yaml.safe_load(text)["sqlalchemy_uri"] == "duckdb:///" + placeholder


def test_datasets_read_marts_only():
    for rel, text in bundle.read_bundle().items():
        if rel.startswith("datasets/"):
            data = yaml.safe_load(text)
            # the report registry is the one dataset outside the marts (docs/reports.md)
            assert (
                data["schema"] in PUBLISHED_SCHEMAS or rel == "datasets/cpaas_reports/reports.report_registry.yaml"
            ), rel
            assert not data.get("sql"), f"{rel}: virtual datasets would bypass the marts"


def test_every_dashboard_is_a_dbt_exposure():
    path = settings.PROJECT_DIR / "models" / "exposures.yml"
    exposures = yaml.safe_load(path.read_text())["exposures"]
    urls = {e.get("url", "") for e in exposures}
    for rel, text in bundle.read_bundle().items():
        if rel.startswith("dashboards/"):
            slug = yaml.safe_load(text)["slug"]
            assert any(u.endswith(f"/superset/dashboard/{slug}/") for u in urls), slug
    for exposure in exposures:
        assert exposure["depends_on"], exposure["name"]


def test_every_chart_returns_rows(admin):
    charts = _charts(admin)
    expected = sum(1 for p in bundle.read_bundle() if p.startswith("charts/"))
    assert len(charts) == expected
    empty = [name for name, chart_id in charts.items() if not _rows(admin, chart_id)]
    assert not empty, f"charts without rows: {empty}"


def test_key_numbers_equal_marts(admin, marts):
    charts = _charts(admin)
    delivered = _rows(admin, charts["Notifications delivered"])[0]["delivered"]
    sent = _rows(admin, charts["Notifications sent"])[0]["sent"]
    rate = _rows(admin, charts["Delivery rate"])[0]["delivery_rate"]
    want_delivered, want_sent = marts.execute(
        "select sum(notifications_delivered), sum(notifications_sent) from notifications.fct_notifications_daily"
    ).fetchone()
    assert delivered == want_delivered
    assert sent == want_sent
    assert rate == pytest.approx(want_delivered / want_sent)
    by_status = {r["status"]: r["created"] for r in _rows(admin, charts["Notifications by status"])}
    want = dict(
        marts.execute(
            "select status, sum(notifications_created) from notifications.fct_notifications_daily group by 1"
        ).fetchall()
    )
    assert by_status == want


def _one(client: SupersetClient, charts: dict[str, int], name: str):
    rows = _rows(client, charts[name])
    assert len(rows) == 1, (name, rows)
    return next(iter(rows[0].values()))


def _num(value):
    return None if value is None else float(value)


@pytest.mark.parametrize(
    ("chart", "sql"),
    [
        # notifications: percentiles from the notification grain, fallbacks from the daily mart
        ("Median time to deliver (s)", "select median(seconds_to_deliver) from notifications.fct_notifications"),
        (
            "P95 time to deliver (s)",
            "select quantile_cont(seconds_to_deliver, 0.95) from notifications.fct_notifications",
        ),
        ("Fallback messages", "select sum(fallback_messages) from notifications.fct_notifications_daily"),
        # chats and chatbot engagement
        ("Chatbot sessions", "select sum(sessions) from engagement.fct_engagement_daily"),
        ("Participants", "select sum(new_participants) from engagement.fct_engagement_cumulative"),
        (
            "NPS score",
            "select 100.0 * (coalesce(sum(ratings) filter (where nps_category = 'promoter'), 0)"
            " - coalesce(sum(ratings) filter (where nps_category = 'detractor'), 0)) / nullif(sum(ratings), 0)"
            " from engagement.fct_engagement_nps",
        ),
        # telephony
        ("Calls", "select sum(calls) from telephony.fct_calls_hourly"),
        ("Answered calls", "select sum(answered_calls) from telephony.fct_calls_hourly"),
        ("Billable minutes", "select sum(billable_seconds) / 60.0 from telephony.fct_calls_hourly"),
        # invoices and account
        ("Invoices (count)", "select count(*) from billing.fct_invoices"),
        ("Unpriced usage events", "select count(*) from billing.fct_unpriced_usage"),
        # reseller billing
        ("Total to platform (wholesale)", "select sum(total_wholesale) from billing.rpt_reseller_companies"),
        # customer dynamics: the dashboard's defaults (month grain, default active duration)
        (
            "Active clients",
            "select count(distinct company_id) filter (where is_active) from customer_dynamics.fct_customer_dynamics"
            " where period_grain = 'month' and is_default_duration",
        ),
        (
            "Refills",
            "select sum(refills_amount) from customer_dynamics.fct_customer_dynamics"
            " where period_grain = 'month' and is_default_duration",
        ),
        # account usage: the dashboard's default grain (month: UMC)
        (
            "Unique contacts (UMC at month grain)",
            "select sum(unique_contacts) from account_usage.fct_account_usage where period_grain = 'month'",
        ),
        (
            "Resolved conversations",
            "select sum(resolved_conversations) from account_usage.fct_account_usage where period_grain = 'month'",
        ),
    ],
)
def test_counter_equals_mart(admin, marts, chart, sql):
    want = _num(marts.execute(sql).fetchone()[0])
    got = _num(_one(admin, _charts(admin), chart))
    assert got == pytest.approx(want, rel=1e-9, abs=1e-6), (chart, got, want)


def test_tables_equal_marts(admin, marts):
    charts = _charts(admin)
    by_direction = {r["direction"]: r["calls"] for r in _rows(admin, charts["Calls by direction"])}
    assert by_direction == dict(
        marts.execute("select direction, sum(calls) from telephony.fct_calls_hourly group by 1").fetchall()
    )
    by_hour = {(r["local_hour"], r["direction"]): r["calls"] for r in _rows(admin, charts["Calls by hour of day"])}
    want = marts.execute(
        "select local_hour, direction, sum(calls) from telephony.fct_calls_hourly group by 1, 2"
    ).fetchall()
    assert by_hour == {(h, d): n for h, d, n in want}

    totals = {
        (r["invoice_status"], r["currency"]): (r["invoices"], _num(r["total_amount"]))
        for r in _rows(admin, charts["Invoice totals by status and currency"])
    }
    want = marts.execute(
        "select invoice_status, currency, count(*), sum(total_amount) from billing.fct_invoices group by 1, 2"
    ).fetchall()
    assert totals == {(s, c): (n, pytest.approx(float(t))) for s, c, n, t in want}
    invoices = _rows(admin, charts["Invoices"])
    assert {r["invoice_id"] for r in invoices} == {
        r[0] for r in marts.execute("select invoice_id from billing.fct_invoices").fetchall()
    }
    assert {r["invoice_status"] for r in invoices} <= {"draft", "final"}
    balances = {
        r["transaction_id"]: _num(r["balance_after"])
        for r in _rows(admin, charts["Account transactions and running balance"])
    }
    want = marts.execute("select transaction_id, balance_after from billing.fct_account_transactions").fetchall()
    assert balances == {t: pytest.approx(_num(b)) for t, b in want}

    report = _rows(admin, charts["Reseller and companies"])
    want = marts.execute(
        "select count(*), sum(total_wholesale), sum(total_retail) from billing.rpt_reseller_companies"
    ).fetchone()
    assert len(report) == want[0]
    assert sum(_num(r["total_wholesale"]) for r in report) == pytest.approx(_num(want[1]))
    assert sum(_num(r["total_retail"]) for r in report) == pytest.approx(_num(want[2]))
    assert {"sms_segments", "call_outbound_retail", "call_inbound_wholesale", "bot_api_retail", "has_expenses"} <= set(
        report[0]
    )

    funnel = {r["step_name"]: r["step_value"] for r in _rows(admin, charts["Engagement funnel"])}
    assert funnel == dict(
        marts.execute("select step_name, sum(step_value) from engagement.fct_engagement_funnel group by 1").fetchall()
    )
    by_platform = {
        r["platform"]: r["unique_contacts"] for r in _rows(admin, charts["Unique contacts by platform (share)"])
    }
    assert by_platform == dict(
        marts.execute(
            "select platform, sum(unique_contacts) from account_usage.fct_account_usage_by_platform"
            " where period_grain = 'month' group by 1"
        ).fetchall()
    )


@pytest.mark.skipif(
    os.environ.get("BI_TEST_FIXTURE_WAREHOUSE") == "1", reason="the fixture's marts are independent of each other"
)
def test_telephony_dashboard_equals_call_grain(admin, marts):
    """The hourly telephony charts count exactly the calls of the call-grain mart."""
    charts = _charts(admin)
    calls, billable = marts.execute("select count(*), sum(billable_seconds) / 60.0 from telephony.fct_calls").fetchone()
    assert _one(admin, charts, "Calls") == calls
    assert _num(_one(admin, charts, "Billable minutes")) == pytest.approx(_num(billable))
    by_hour = {(r["local_hour"], r["direction"]): r["calls"] for r in _rows(admin, charts["Calls by hour of day"])}
    want = marts.execute("select local_hour, direction, count(*) from telephony.fct_calls group by 1, 2").fetchall()
    assert by_hour == {(h, d): n for h, d, n in want}


def test_import_is_idempotent(admin, superset_url, serving_path):
    def state():
        return (
            sorted((d["id"], d["dashboard_title"]) for d in admin.list_all("dashboard", ["id", "dashboard_title"])),
            sorted((c["id"], c["slice_name"]) for c in admin.list_all("chart", ["id", "slice_name"])),
            sorted((d["id"], d["table_name"]) for d in admin.list_all("dataset", ["id", "table_name"])),
            len(admin.list_all("database", ["id"])),
        )

    before = state()
    cli.import_bundle(superset_url, bundle.BUNDLE_DIR, serving_path)
    assert state() == before


def test_export_round_trip(superset_url, tmp_path):
    """export -> (import ->) export gives exactly the committed files."""
    cli.export_bundle(superset_url, tmp_path)
    assert bundle.read_bundle(tmp_path) == bundle.read_bundle(bundle.BUNDLE_DIR)


def test_database_points_at_serving_file(admin, serving_path):
    dbs = {d["database_name"]: d["id"] for d in admin.list_all("database", ["id", "database_name"])}
    assert set(dbs) == {"CPaaS warehouse", bundle.REPORTS_DATABASE_NAME}
    uri = admin.get_json(f"/api/v1/database/{dbs['CPaaS warehouse']}/connection")["result"]["sqlalchemy_uri"]
    assert uri == f"duckdb:///{serving_path}"
    uri = admin.get_json(f"/api/v1/database/{dbs[bundle.REPORTS_DATABASE_NAME]}/connection")["result"]["sqlalchemy_uri"]
    assert uri == f"duckdb:///{registry_path()}"


def _reseller_companies(marts, reseller_id):
    rows = marts.execute(
        "select company_id from core.dim_companies where parent_company_id = ? or company_id = ?",
        [reseller_id, reseller_id],
    ).fetchall()
    return {r[0] for r in rows}


def test_rls_reseller_sees_only_its_companies(superset_url, admin, marts, reseller_login):
    resellers = [
        r[0]
        for r in marts.execute(
            "select distinct parent_company_id from core.dim_companies where parent_company_id is not null"
        ).fetchall()
    ]
    assert resellers, "the warehouse has no reseller"
    all_companies = {r[0] for r in marts.execute("select company_id from core.dim_companies").fetchall()}
    admin_charts = _charts(admin)
    table_chart = "Notifications by company and channel"
    admin_seen = {r["company_id"] for r in _rows(admin, admin_charts[table_chart])}
    assert admin_seen == all_companies & admin_seen and len(admin_seen) > 2
    for reseller_id in resellers[:2]:
        client = reseller_login(reseller_id)
        charts = _charts(client)
        assert table_chart in charts, "a reseller must see the dashboards of its datasets"
        seen = {r["company_id"] for r in _rows(client, charts[table_chart])}
        allowed = _reseller_companies(marts, reseller_id)
        assert seen and seen <= allowed, (reseller_id, seen, allowed)
        # every chart the reseller can open is filtered (counters included)
        for chart_id in charts.values():
            _rows(client, chart_id)


def test_wrong_password_is_refused(superset_url):
    with pytest.raises(Exception, match="login"):
        SupersetClient(superset_url, "reseller_1", "wrong")
    user, _ = server.admin_credentials()
    with pytest.raises(Exception, match="login"):
        SupersetClient(superset_url, user, "wrong")
