"""Offline: the chatbot engagement dashboard's year-change marker (its SQL on hand-made rows in DuckDB, grouped
the way Superset groups a time series) and its Overview and Drill-down tabs in the committed bundle."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest
import yaml

from orchestration.bi import bundle
from orchestration.bi.specs import engagement


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute("create table fct_engagement_daily (local_date date, company_id bigint, sessions bigint)")
    start = date(2025, 12, 15)
    rows = [(start + timedelta(days=i), company, 10 + i + company) for i in range(25) for company in (1, 2)]
    con.executemany("insert into fct_engagement_daily values (?, ?, ?)", rows)
    yield con
    con.close()


def _series(con, unit: str, where: str = "true") -> list[tuple]:
    return con.execute(
        f"select date_trunc('{unit}', local_date) as t, sum(sessions) as sessions,"
        f" {engagement.YEAR_CHANGE_SQL} as year_change"
        f" from fct_engagement_daily where {where} group by date_trunc('{unit}', local_date) order by sessions desc"
    ).fetchall()


@pytest.mark.parametrize(
    ("unit", "marked"),
    [("day", date(2026, 1, 1)), ("week", date(2025, 12, 29)), ("month", date(2026, 1, 1))],
)
def test_year_change_marks_the_first_bucket_of_the_new_year_at_the_top(con, unit, marked):
    series = _series(con, unit)
    top = max(sessions for _, sessions, _ in series)
    assert [(t.date() if hasattr(t, "date") else t, y) for t, _, y in series if y is not None] == [(marked, top)]


def test_no_year_change_no_marker(con):
    assert all(y is None for _, _, y in _series(con, "day", "local_date >= date '2026-01-01'"))


def test_engagement_dashboard_has_overview_and_drill_down_tabs():
    dashboard = yaml.safe_load(bundle.read_bundle()["dashboards/engagement.yaml"])
    position = dashboard["position"]
    tabs = [n for n in position.values() if isinstance(n, dict) and n.get("type") == "TAB"]
    assert [t["meta"]["text"] for t in tabs] == ["Overview", "Drill-down"]

    def charts_under(node_id: str) -> set[str]:
        node = position[node_id]
        names = {node["meta"]["sliceName"]} if node["type"] == "CHART" else set()
        return names.union(*(charts_under(child) for child in node["children"]))

    overview, drill_down = (charts_under(t["id"]) for t in tabs)
    assert {"Module visits heatmap (module x week)", "Module drill-down", "Module visits over time"} == drill_down
    assert {"KPIs over time", "NPS ratings", "NPS score", "Data entered by field"} <= overview
    assert len(overview) + len(drill_down) == len(engagement.DASHBOARD.charts)
    module_filter = next(f for f in dashboard["metadata"]["native_filter_configuration"] if f["name"] == "Module")
    assert module_filter["tabsInScope"] == [tabs[1]["id"]]
