"""Superset over REST: every chart answers, numbers equal the marts, import/export, RLS."""

from __future__ import annotations

import functools
import json
import os
import re
from datetime import timedelta

import pytest
import yaml

from orchestration import settings
from orchestration.bi import bundle, cli, generate, server
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


# the customer-dynamics dashboard's default choices: report currency USD, every client
CD_DEFAULTS = "report_currency = 'USD' and client_tag = '(all clients)'"


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
        # distinct participants of the period (all data by default), not a sum of first chat starts
        (
            "Participants",
            "select count(distinct visitor_id) filter (where has_chat_start) from engagement.fct_widget_sessions",
        ),
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
            f"select count(*) from customer_dynamics.fct_customer_dynamics where {CD_DEFAULTS}"
            " and min_active_duration_months between 1 and 3 and local_date = (select max(local_date)"
            f" from customer_dynamics.fct_customer_dynamics where {CD_DEFAULTS})",
        ),
        ("Refills", f"select sum(refills_amount) from customer_dynamics.fct_customer_dynamics where {CD_DEFAULTS}"),
        # account usage: the dashboard's default grain (month: UMC)
        (
            "Unique contacts (UMC)",
            "select sum(unique_contacts) from account_usage.fct_account_usage where period_grain = 'month'"
            " and time_zone = 'Company local time'",
        ),
        ("Channels", "select count(*) filter (where is_countable_channel) from core.dim_chat_configs"),
        (
            "Resolved conversations",
            "select sum(resolved_conversations) from account_usage.fct_account_usage where period_grain = 'month'"
            " and time_zone = 'Company local time'",
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
            " where period_grain = 'month' and time_zone = 'Company local time' group by 1"
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


@functools.cache
def _bundle_files() -> dict[str, dict]:
    """The committed bundle, parsed once: relative path -> YAML."""
    return {rel: yaml.safe_load(text) for rel, text in bundle.read_bundle().items()}


def _bundle_charts() -> dict[str, dict]:
    """Chart YAML of the bundle by uuid."""
    return {data["uuid"]: data for rel, data in _bundle_files().items() if rel.startswith("charts/")}


def _native_filters() -> list[tuple[str, dict, list[dict]]]:
    """(dashboard slug, filter config, the bundle charts the filter targets) of every native filter."""
    charts = _bundle_charts()
    out = []
    for rel, dashboard in _bundle_files().items():
        if not rel.startswith("dashboards/"):
            continue
        by_id = {
            node["meta"]["chartId"]: charts[node["meta"]["uuid"]]
            for node in dashboard["position"].values()
            if isinstance(node, dict) and node.get("type") == "CHART"
        }
        for config in dashboard["metadata"]["native_filter_configuration"]:
            excluded = set(config["scope"]["excluded"])
            out.append((dashboard["slug"], config, [c for i, c in sorted(by_id.items()) if i not in excluded]))
    return out


def _query_data(client: SupersetClient, datasource_id: int, chart: dict, change) -> list[dict]:
    """The chart's saved query with `change(query)` applied, posted to /api/v1/chart/data."""
    context = json.loads(chart["query_context"])
    context["datasource"] = {"id": datasource_id, "type": "table"}
    context["form_data"] = {**context["form_data"], "datasource": f"{datasource_id}__table"}
    for query in context["queries"]:
        change(query)
    response = client.post("/api/v1/chart/data", json=context)
    assert response.status_code == 200, (chart["slice_name"], response.text[:500])
    result = response.json()["result"]
    assert all(not r.get("error") for r in result), result
    # rows of equal sort keys come in any order: compare them as a sorted list
    return sorted(
        (row for r in result for row in r["data"]), key=lambda row: json.dumps(row, sort_keys=True, default=str)
    )


def _select(column: str, value):
    def change(query: dict) -> None:
        query["filters"] = [f for f in query["filters"] if f["col"] != column] + [
            {"col": column, "op": "IN", "val": [value]}
        ]

    return change


def _time_range(column: str, value: str):
    def change(query: dict) -> None:
        for f in query["filters"]:
            if f["col"] == column and f["op"] == "TEMPORAL_RANGE":
                f["val"] = value

    return change


def _range(column: str, low, high):
    def change(query: dict) -> None:
        query["filters"] = [f for f in query["filters"] if f["col"] != column] + [
            {"col": column, "op": ">=", "val": low},
            {"col": column, "op": "<=", "val": high},
        ]

    return change


def _grain(value: str):
    def change(query: dict) -> None:
        query["extras"]["time_grain_sqla"] = value
        for column in query["columns"]:
            if isinstance(column, dict) and column.get("columnType") == "BASE_AXIS":
                column["timeGrain"] = value

    return change


def _dataset_tables() -> dict[str, tuple[str, str, str]]:
    """dataset uuid -> (schema, table, main time column); the report registry's schema is qualified by
    the catalog `registry` (_attach_registry), the marts' by none."""
    out = {}
    for rel, data in _bundle_files().items():
        if rel.startswith("datasets/"):
            catalog = "" if data["database_uuid"] == generate.DATABASE_UUID else "registry."
            out[data["uuid"]] = (catalog + data["schema"], data["table_name"], data["main_dttm_col"])
    return out


def _attach_registry(marts) -> None:
    """The report registry Superset reads as its second database, attached to the marts' connection."""
    attached = {row[0] for row in marts.execute("select database_name from duckdb_databases()").fetchall()}
    if "registry" not in attached:
        marts.execute(f"attach '{registry_path()}' as registry (read_only)")


def _column_sql(dataset_uuid: str, column: str) -> str:
    """The SQL of a dataset column: its expression for a calculated column, else its name."""
    dataset = next(d for rel, d in _bundle_files().items() if rel.startswith("datasets/") and d["uuid"] == dataset_uuid)
    expression = next((c.get("expression") for c in dataset["columns"] if c["column_name"] == column), None)
    return f"({expression})" if expression else column


def _candidates(marts, config: dict, chart: dict, tables) -> list:
    """Changes to try for one filter on one chart: the rarest value first, then the commonest."""
    schema, table, dttm = tables[chart["dataset_uuid"]]
    if config["filterType"] == "filter_time":
        low, high = marts.execute(f"select min({dttm}), max({dttm}) from {schema}.{table}").fetchone()
        middle = low + (high - low) / 2
        return [_time_range(dttm, f"{low} : {middle}"), _time_range(dttm, f"{middle} : {high}")]
    if config["filterType"] == "filter_timegrain":
        return [_grain("P1M"), _grain("P1W")]
    if config["filterType"] == "filter_range":
        column = config["targets"][0]["column"]["name"]
        return [_range(column, 1, 1), _range(column, 1, 12)]
    column = config["targets"][0]["column"]["name"]
    value = _column_sql(chart["dataset_uuid"], column)  # a calculated column (e.g. a name) by its expression
    distinct = marts.execute(f"select count(distinct {value}) from {schema}.{table}").fetchone()[0]
    if distinct < 2:
        return []
    default = config["defaultDataMask"].get("filterState", {}).get("value") or []
    values = [
        v
        for v, _ in marts.execute(
            f"select {value}, count(*) from {schema}.{table} where {value} is not null group by 1 order by 2, 1"
        ).fetchall()
        if v not in default
    ]
    return [_select(column, v) for v in dict.fromkeys([*values[:1], *values[-1:]])]


def _is_time_series(chart: dict) -> bool:
    return any(
        isinstance(c, dict) and c.get("columnType") == "BASE_AXIS" and c.get("timeGrain")
        for q in json.loads(chart["query_context"])["queries"]
        for c in q["columns"]
    )


# Required single-choice filters pick one copy of rows that repeat per choice. Charts whose metrics read
# what the choice decides (or, for a grain, time series) may change, and at least one of them must; plain
# sums of flows must not change (the same events at any duration; at any grain, summed). Other filters
# must change every chart they target, except counts of distinct companies, which a narrower selection
# may leave equal (every dependent company has a row in every month).
CHOICE_DECIDES = {
    "Grain (distinct counts per period)": (True, ["unique_contacts", "active_agents", "active_channels"], True),
    "Active duration (months)": (False, ["min_active_duration_months"], True),
    # another currency converts every amount; counts stay
    "Report currency": (False, ["amount", "balance", "average"], True),
    # the same events in another zone: time series and distinct counts per period move, sums over all data stay
    "Time zone": (True, ["unique_contacts", "active_agent", "active_channels"], True),
}


# when the data lets a choice decide anything at all
CHOICE_MATTERS = {
    "Active duration (months)": "select count(*) from customer_dynamics.fct_customer_dynamics"
    " where min_active_duration_months between 2 and 12",
}


def _expectation(filter_name: str, chart: dict, expressions: list[str]) -> str:
    """'change', 'same' or 'any' for one chart under one filter."""
    if filter_name in CHOICE_DECIDES:
        grain, columns, sums_stay = CHOICE_DECIDES[filter_name]
        if (grain and _is_time_series(chart)) or any(c in e for c in columns for e in expressions):
            return "change"
        if sums_stay and expressions and all(re.fullmatch(r"sum\(\w+\)", e) for e in expressions):
            return "same"
        return "any"
    if expressions and all(e.startswith("count(distinct company_id)") for e in expressions):
        return "any"
    return "change"


@pytest.mark.skipif(
    os.environ.get("BI_TEST_FIXTURE_WAREHOUSE") == "1", reason="the fixture's added columns hold one value"
)
@pytest.mark.parametrize(
    ("slug", "name"), [(slug, config["name"]) for slug, config, _ in _native_filters()], ids=lambda v: str(v)
)
def test_every_native_filter_changes_the_charts_it_targets(admin, marts, slug, name):
    config, targets = next((c, t) for s, c, t in _native_filters() if s == slug and c["name"] == name)
    _attach_registry(marts)
    if config["filterType"] == "filter_timegrain":
        targets = [c for c in targets if _is_time_series(c)]
    assert targets, f"{slug}: filter {name} targets no chart"
    rows = {c["slice_name"]: c for c in admin.list_all("chart", ["id", "slice_name", "datasource_id"])}
    tables = _dataset_tables()
    metrics = {
        m["metric_name"]: m["expression"]
        for rel, data in _bundle_files().items()
        if rel.startswith("datasets/")
        for m in data["metrics"]
    }
    outcome: dict[str, set[str]] = {"change": set(), "same": set(), "any": set()}
    changed_charts = set()
    for chart in targets:
        datasource_id = rows[chart["slice_name"]]["datasource_id"]
        before = _query_data(admin, datasource_id, chart, lambda query: None)
        if any(
            _query_data(admin, datasource_id, chart, change) != before
            for change in _candidates(marts, config, chart, tables)
        ):
            changed_charts.add(chart["slice_name"])
        expressions = [metrics.get(m, m) for q in json.loads(chart["query_context"])["queries"] for m in q["metrics"]]
        expected = _expectation(name, chart, expressions)
        if config["filterType"] == "filter_select" and not _candidates(marts, config, chart, tables):
            expected = "any"  # one value in the data (e.g. only final invoices): nothing to narrow
        outcome[expected].add(chart["slice_name"])
    assert not outcome["same"] & changed_charts, f"{slug}: filter {name} changed {outcome['same'] & changed_charts}"
    if name in CHOICE_DECIDES:
        if name in CHOICE_MATTERS and not marts.execute(CHOICE_MATTERS[name]).fetchone()[0]:
            return  # in this warehouse the choice decides nothing (e.g. every client active every month)
        assert outcome["change"] & changed_charts, f"{slug}: filter {name} changed none of {outcome['change']}"
    else:
        unchanged = outcome["change"] - changed_charts
        assert not unchanged, f"{slug}: filter {name} did not change {unchanged}"


def _counter_in(client: SupersetClient, chart_name: str, time_range: str):
    """A big number of the bundle for one period (the dashboard's period filter set to time_range)."""
    chart = next(c for c in _bundle_charts().values() if c["slice_name"] == chart_name)
    datasource_id = {c["slice_name"]: c for c in client.list_all("chart", ["slice_name", "datasource_id"])}[chart_name][
        "datasource_id"
    ]
    dttm = _dataset_tables()[chart["dataset_uuid"]][2]
    rows = _query_data(client, datasource_id, chart, _time_range(dttm, time_range))
    return _num(next(iter(rows[0].values()))) if rows else None


def test_mid_month_range_shows_the_month_unique_contacts(admin, marts):
    """A few days in the middle of a month show that month's UMC total (the platform's monthly values)."""
    month, total = marts.execute(
        "select cast(period_start as date), sum(unique_contacts) from account_usage.fct_account_usage"
        " where period_grain = 'month' and time_zone = 'Company local time' group by 1 order by 2 desc limit 1"
    ).fetchone()
    got = _counter_in(admin, "Unique contacts (UMC)", f"{month + timedelta(days=9)} : {month + timedelta(days=19)}")
    assert got == pytest.approx(_num(total))


def test_participants_are_distinct_in_the_period(admin, marts):
    """Participants of a period: every customer who started a chat in it, also those who started one before."""
    low, high = marts.execute("select min(local_date), max(local_date) from engagement.fct_widget_sessions").fetchone()
    start = low + (high - low) / 2
    want, first_time = marts.execute(
        """
        with firsts as (
            select visitor_id, min(local_date) as first_day from engagement.fct_widget_sessions
            where has_chat_start group by 1
        )
        select
            (select count(distinct visitor_id) from engagement.fct_widget_sessions
             where has_chat_start and local_date >= ? and local_date <= ?),
            (select count(*) from firsts where first_day >= ? and first_day <= ?)
        """,
        [start, high, start, high],
    ).fetchone()
    assert want > first_time, "the sample needs returning participants"
    assert _counter_in(admin, "Participants", f"{start} : {high + timedelta(days=1)}") == want


def test_customer_dynamics_balances_are_those_at_the_end_of_the_range(admin, marts):
    """Balances are stocks: over a range of several months a company shows its balance of the range's last day,
    not the sum of its daily balances; all / active / overall-active totals likewise."""
    charts = _charts(admin)
    where = CD_DEFAULTS
    last = f"local_date = (select max(local_date) from customer_dynamics.fct_customer_dynamics where {where})"
    want = dict(
        marts.execute(
            f"select company_id, balance from customer_dynamics.fct_customer_dynamics where {where} and {last}"
        ).fetchall()
    )
    months = marts.execute(
        "select count(distinct date_trunc('month', local_date)) from customer_dynamics.fct_customer_dynamics"
        f" where {where}"
    ).fetchone()[0]
    assert months > 1, "the sample needs several months"
    got = {r["company_id"]: _num(r["balance"]) for r in _rows(admin, charts["Dynamics by company"])}
    assert got == {c: pytest.approx(_num(b)) for c, b in want.items()}
    for chart, condition in [
        ("Balance (all clients)", "true"),
        ("Balance (active clients)", "min_active_duration_months between 1 and 3"),
        ("Balance (overall active clients)", "is_overall_active"),
    ]:
        total = marts.execute(
            f"select sum(balance) filter (where {condition}) from customer_dynamics.fct_customer_dynamics"
            f" where {where} and {last}"
        ).fetchone()[0]
        assert _num(_one(admin, charts, chart)) == pytest.approx(_num(total)), chart


def test_customer_dynamics_package_amounts_are_what_was_charged(admin, marts):
    charts = _charts(admin)
    activations, renewals = marts.execute(
        "select -sum(amount) filter (where transaction_type = 'package_activation'),"
        " -sum(amount) filter (where transaction_type in ('package_activation', 'package_renewal'))"
        " from billing.fct_account_transactions"
    ).fetchone()
    assert _num(activations) > 0
    rows = _rows(admin, charts["Packages: activations and renewals"])
    # the report currency converts each company's amounts: compare the signs and the renewal counts
    assert all(_num(r["package_activations_amount"]) >= 0 for r in rows)
    assert all(_num(r["package_renewals_amount"]) >= _num(r["package_activations_amount"]) for r in rows)
    counts = marts.execute(
        "select count(*) filter (where transaction_type in ('package_activation', 'package_renewal'))"
        " from billing.fct_account_transactions"
    ).fetchone()[0]
    assert sum(r["package_renewals_count"] for r in rows) == counts


def _chart_under(client: SupersetClient, chart_name: str, *changes) -> list[dict]:
    """The rows of a bundle chart's saved query with the given filter changes applied."""
    chart = next(c for c in _bundle_charts().values() if c["slice_name"] == chart_name)
    datasource_id = {c["slice_name"]: c for c in client.list_all("chart", ["slice_name", "datasource_id"])}[chart_name][
        "datasource_id"
    ]

    def change_all(query: dict) -> None:
        for change in changes:
            change(query)

    return _query_data(client, datasource_id, chart, change_all)


def test_customer_dynamics_report_currency_and_client_tag_choices(admin, marts):
    """The user's report currency converts the amounts; a client tag keeps the clients carrying it."""
    currency, tag = marts.execute(
        "select (select max(report_currency) from customer_dynamics.fct_customer_dynamics"
        " where report_currency <> 'USD'), (select max(client_tag) from customer_dynamics.fct_customer_dynamics"
        " where client_tag <> '(all clients)')"
    ).fetchone()
    refills = _chart_under(admin, "Refills", _select("report_currency", currency))
    want = marts.execute(
        "select sum(refills_amount) from customer_dynamics.fct_customer_dynamics"
        " where report_currency = ? and client_tag = '(all clients)'",
        [currency],
    ).fetchone()[0]
    assert _num(next(iter(refills[0].values()))) == pytest.approx(_num(want))
    clients = _chart_under(admin, "Clients (all)", _select("client_tag", tag))
    want = marts.execute("select count(*) from core.dim_companies where list_contains(tags, ?)", [tag]).fetchone()[0]
    assert _num(next(iter(clients[0].values()))) == want


def test_account_usage_time_zone_and_channel_choices(admin, marts):
    """Resolved conversations read in UTC and on one channel equal the mart's rows of that view and channel."""
    channel = marts.execute(
        "select chat_config_name from account_usage.fct_account_usage_by_platform"
        " group by 1 order by sum(resolved_conversations) desc limit 1"
    ).fetchone()[0]
    rows = _chart_under(
        admin, "Resolved conversations", _select("time_zone", "UTC"), _select("chat_config_name", channel)
    )
    want = marts.execute(
        "select sum(resolved_conversations) from account_usage.fct_account_usage_by_platform"
        " where period_grain = 'month' and time_zone = 'UTC' and chat_config_name = ?",
        [channel],
    ).fetchone()[0]
    assert _num(next(iter(rows[0].values()))) == _num(want) > 0


def test_chats_conversations_by_operator_name_equal_marts(admin, marts):
    """Conversations and first response per operator name: each conversation once, under the operator of its first
    reply (fct_conversations.operator_id), in company-local time (the Time zone default)."""
    charts = _charts(admin)
    got = {
        (r["operator_name"], r["operator_group_name"]): (r["conversations"], r["avg_first_response_seconds"])
        for r in _rows(admin, charts["Conversations and first response by operator"])
    }
    want = marts.execute(
        """
        select coalesce(o.operator_name, '(none)'), coalesce(g.operator_group_name, '(none)'), count(*),
            avg(c.first_operator_response_seconds)
        from chats.fct_conversations as c
        left join core.dim_operators as o on o.operator_id = c.operator_id
        left join (select operator_group_id, any_value(operator_group_name) as operator_group_name
                   from core.dim_operators group by 1) as g on g.operator_group_id = c.operator_group_id
        group by 1, 2
        """
    ).fetchall()
    assert len(got) == len(want) > 2
    for operator, group, conversations, seconds in want:
        got_conversations, got_seconds = got[(operator, group)]
        assert got_conversations == conversations, operator
        assert got_seconds == pytest.approx(seconds, abs=1e-3) if seconds is not None else got_seconds is None


def test_chats_time_zone_moves_dates_not_totals(admin, marts):
    """Company-local time (default) and UTC count the same messages; the daily series differ where a company's
    zone moves messages across midnight."""
    charts = _charts(admin)
    chart = next(c for c in _bundle_charts().values() if c["slice_name"] == "Chat messages over time by sender")
    datasource_id = {c["slice_name"]: c for c in admin.list_all("chart", ["id", "slice_name", "datasource_id"])}[
        "Chat messages over time by sender"
    ]["datasource_id"]
    local = _query_data(admin, datasource_id, chart, lambda query: None)
    utc = _query_data(admin, datasource_id, chart, _select("time_zone", "UTC"))
    total = marts.execute("select sum(messages) from chats.fct_chat_messages_daily").fetchone()[0]

    def summed(rows):
        return sum(v for row in rows for k, v in row.items() if k != "local_date" and isinstance(v, int | float))

    assert summed(local) == summed(utc) == total
    assert local != utc
    assert _rows(admin, charts["Chat messages"])[0]["messages"] == total
