"""Superset over REST: every chart answers, numbers equal the marts, import/export, RLS."""

from __future__ import annotations

import re

import pytest
import yaml

from orchestration import settings
from orchestration.bi import bundle, cli, server
from orchestration.bi.client import SupersetClient
from orchestration.bi.roles import LOCAL_RESELLER_PASSWORD
from orchestration.publish import PUBLISHED_SCHEMAS


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
            assert yaml.safe_load(text)["sqlalchemy_uri"] == "duckdb:///" + bundle.URI_PLACEHOLDER


def test_datasets_read_marts_only():
    for rel, text in bundle.read_bundle().items():
        if rel.startswith("datasets/"):
            data = yaml.safe_load(text)
            assert data["schema"] in PUBLISHED_SCHEMAS, rel
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
    dbs = admin.list_all("database", ["id", "database_name"])
    assert len(dbs) == 1
    uri = admin.get_json(f"/api/v1/database/{dbs[0]['id']}/connection")["result"]["sqlalchemy_uri"]
    assert uri == f"duckdb:///{serving_path}"


def _reseller_companies(marts, reseller_id):
    rows = marts.execute(
        "select company_id from core.dim_companies where parent_company_id = ? or company_id = ?",
        [reseller_id, reseller_id],
    ).fetchall()
    return {r[0] for r in rows}


def test_rls_reseller_sees_only_its_companies(superset_url, admin, marts):
    resellers = [
        r[0]
        for r in marts.execute(
            "select distinct parent_company_id from core.dim_companies where parent_company_id is not null"
        ).fetchall()
    ]
    assert resellers, "the warehouse has no reseller"
    all_companies = {r[0] for r in marts.execute("select company_id from core.dim_companies").fetchall()}
    admin_charts = _charts(admin)
    table_chart = next(n for n in admin_charts if re.search("by company", n, re.I))
    admin_seen = {r["company_id"] for r in _rows(admin, admin_charts[table_chart])}
    assert admin_seen == all_companies & admin_seen and len(admin_seen) > 2
    for reseller_id in resellers[:2]:
        client = SupersetClient(superset_url, f"reseller_{reseller_id}", LOCAL_RESELLER_PASSWORD)
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
