"""Offline: every chart carries its quick help, every dashboard its period filter with a default."""

from __future__ import annotations

import json

import yaml

from orchestration.bi import bundle
from orchestration.bi.specs import DASHBOARDS


def test_every_chart_has_a_description():
    charts = {
        yaml.safe_load(text)["uuid"]: yaml.safe_load(text)
        for rel, text in bundle.read_bundle().items()
        if rel.startswith("charts/")
    }
    missing = [c.name for d in DASHBOARDS for c in d.charts if not (charts[c.uuid].get("description") or "").strip()]
    assert not missing, f"charts without a description: {missing}"


def test_every_dashboard_has_the_period_filter_with_a_default():
    for rel, text in bundle.read_bundle().items():
        if not rel.startswith("dashboards/"):
            continue
        filters = yaml.safe_load(text)["metadata"]["native_filter_configuration"]
        period = [f for f in filters if f["filterType"] == "filter_time"]
        assert len(period) == 1, rel
        assert period[0]["defaultDataMask"]["extraFormData"]["time_range"], rel


def test_cumulative_chart_sums_from_the_start_of_the_selection():
    chart = next(
        yaml.safe_load(text)
        for rel, text in bundle.read_bundle().items()
        if rel.startswith("charts/kpis_cumulated_from_the_period_start_")
    )
    assert chart["params"]["rolling_type"] == "cumsum"
    operations = [p["operation"] for p in json.loads(chart["query_context"])["queries"][0]["post_processing"]]
    assert operations == ["pivot", "cum", "flatten"]
