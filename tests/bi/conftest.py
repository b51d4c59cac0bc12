"""Session fixtures of the BI tests: one real Superset (gunicorn) for the whole session.

The warehouse is the lead's dbt-built `built_warehouse` fixture when it exists (tests/conftest.py),
else a tiny warehouse built here with the same mart shapes. It is published to a serving file in a
tmp folder exactly like production (orchestration.publish), the committed bundle `dashboards/` is
imported into a fresh SQLite metadata database, and reseller roles are created from core.dim_companies.
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.bi import bundle, credentials, server
from orchestration.bi.client import SupersetClient
from orchestration.publish import publish

COMPANIES = [
    # company_id, name, parent (reseller), client_type, currency, timezone, is_test
    (1, "Reseller Alpha", None, "reseller", "USD", "UTC", False),
    (2, "Alpha Shop", 1, "business", "USD", "Europe/Berlin", False),
    (3, "Alpha Bank", 1, "business", "EUR", "Europe/Berlin", False),
    (4, "Reseller Beta", None, "reseller", "EUR", "UTC", False),
    (5, "Beta Taxi", 4, "business", "EUR", "Europe/Madrid", False),
    (6, "Direct Corp", None, "business", "USD", "America/New_York", False),
]
CHANNELS = ["sms", "viber", "whatsapp", "email", "push"]
STATUSES = ["delivered", "undelivered", "error", "canceled"]


def build_fixture_warehouse(path: Path | str) -> Path:
    path = Path(path)
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    con.execute("create schema core; create schema notifications; create schema raw")
    con.execute(
        "create table core.dim_companies (company_id integer, company_name varchar, parent_company_id integer,"
        " client_type varchar, currency varchar, timezone varchar, is_test boolean)"
    )
    con.executemany("insert into core.dim_companies values (?, ?, ?, ?, ?, ?, ?)", COMPANIES)
    con.execute(
        """
        create table notifications.fct_notifications_daily as
        with grid as (
            select d::date as local_date, c.company_id, ch.channel, st.status
            from range(date '2024-01-01', date '2024-03-01', interval 1 day) t(d)
            cross join core.dim_companies c
            cross join (select unnest(?) as channel) ch
            cross join (select unnest(?) as status) st
        )
        select local_date, company_id, channel, status,
            (1 + (hash(local_date, company_id, channel, status) % 20))::bigint as notifications_created
        from grid
        """,
        [CHANNELS, STATUSES],
    )
    con.execute(
        """
        create or replace table notifications.fct_notifications_daily as
        select *,
            case when status = 'canceled' then 0 else notifications_created end as notifications_sent,
            case when status = 'delivered' then notifications_created else 0 end as notifications_delivered,
            case when status = 'undelivered' then notifications_created else 0 end
                as notifications_undelivered,
            case when status = 'error' then notifications_created else 0 end as notifications_error,
            case when status = 'canceled' then notifications_created else 0 end as notifications_canceled
        from notifications.fct_notifications_daily
        """
    )
    con.execute("create schema chats")
    con.execute(
        """
        create table chats.fct_chat_messages_daily as
        select d::date as local_date, c.company_id, m.messenger, s.sender_type,
            (1 + hash(d, c.company_id, m.messenger, s.sender_type) % 30)::bigint as messages,
            case when m.messenger = 'alice' then (1 + hash(d, c.company_id) % 5)::bigint else 0 end
                as alice_messages,
            case when s.sender_type = 'operator' then (hash(d, c.company_id) % 3)::bigint else 0 end
                as proactive_messages
        from range(date '2024-01-01', date '2024-03-01', interval 1 day) t(d)
        cross join core.dim_companies c
        cross join (select unnest(['telegram', 'whatsapp', 'alice']) as messenger) m
        cross join (select unnest(['operator', 'bot', 'user']) as sender_type) s
        """
    )
    con.execute(
        """
        create table chats.fct_conversations_daily as
        select d::date as local_date, c.company_id, m.messenger,
            (1 + hash(d, c.company_id, m.messenger) % 10)::bigint as conversations,
            (hash(d, c.company_id, m.messenger) % 7)::bigint as resolved_conversations,
            (1 + hash(d, c.company_id) % 4)::bigint as conversations_with_operator_response,
            (30 + hash(d, c.company_id, m.messenger) % 600)::bigint as total_first_operator_response_seconds
        from range(date '2024-01-01', date '2024-03-01', interval 1 day) t(d)
        cross join core.dim_companies c
        cross join (select unnest(['telegram', 'whatsapp', 'alice']) as messenger) m
        """
    )
    con.execute("create table raw.notifications as select 1 as id, 'raw must not be published' as note")
    _synthetic_marts(con)
    con.close()
    return path


# Fixed values where a chart or a dashboard default needs a real category.
_SYNTHETIC_VALUES = {
    "period_grain": ["month"],
    "active_duration_months": [3],
    "direction": ["outbound", "inbound"],
    "nps_category": ["detractor", "passive", "promoter"],
    "invoice_status": ["draft", "final"],
    "platform": ["web", "whatsapp", "vk"],
    "is_default_duration": [True],
    "time_zone": ["Company local time", "UTC"],
    "report_currency": ["USD", "EUR"],
    "client_tag": ["(all clients)", "gold"],
}


def _synthetic_value(name: str, dtype: str) -> str:
    """A deterministic SQL value of row number `i` for a column of a mart."""
    dtype = dtype.upper()
    if dtype.endswith("[]"):
        return "[i % 5]"
    if name == "company_id":
        return f"(i % {len(COMPANIES)}) + 1"
    if name in _SYNTHETIC_VALUES:
        values = _SYNTHETIC_VALUES[name]
        return f"({values!r})[(i % {len(values)}) + 1]"
    if dtype == "DATE":
        return "date '2024-01-01' + (i % 60)::integer"
    if dtype.startswith("TIMESTAMP"):
        return "timestamp '2024-01-01 08:00' + to_hours(i % 1440)"
    if dtype == "BOOLEAN":
        return "i % 2 = 0"
    if dtype.startswith(("INT", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT")):
        return "(i % 24)" if name.endswith(("_hour", "_id", "_number", "_score")) else "(1 + i % 7)"
    if dtype.startswith(("DOUBLE", "FLOAT", "DECIMAL")):
        return "(1 + i % 7) * 1.25"
    return f"'{name}_' || (i % 3)"


def _synthetic_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Every other mart a dataset of the bundle reads, with its columns and deterministic values;
    columns the hand-made marts above lack are added with the value of row 0."""
    for rel, text in bundle.read_bundle().items():
        if not rel.startswith("datasets/"):
            continue
        ds = yaml.safe_load(text)
        schema, table = ds["schema"], ds["table_name"]
        existing = {
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
                [schema, table],
            ).fetchall()
        }
        columns = [(c["column_name"], c["type"] or "VARCHAR") for c in ds["columns"]]
        if existing:
            for name, dtype in columns:
                if name not in existing:
                    value = _synthetic_value(name, dtype)
                    con.execute(f"alter table {schema}.{table} add column {name} {dtype}")
                    con.execute(f"update {schema}.{table} set {name} = (select {value} from (select 0 as i))")
            continue
        exprs = [f"cast({_synthetic_value(name, dtype)} as {dtype}) as {name}" for name, dtype in columns]
        con.execute(f"create schema if not exists {schema}")
        con.execute(f"create table {schema}.{table} as select {', '.join(exprs)} from range(240) t(i)")


def seed_report_registry(warehouse: Path) -> None:
    """A generated report and, after it, a failed one (its warehouse missing) in this session's registry,
    so the Reports dashboard has rows and its period filter something to tell apart."""
    from orchestration.reports import service

    con = duckdb.connect(str(warehouse), read_only=True)
    company_id, day = con.execute(
        "select company_id, min(local_date) from notifications.fct_notifications_daily group by 1 order by 1 limit 1"
    ).fetchone()
    con.close()
    assert service.generate(company_id, f"{day:%Y-%m}", "notifications", warehouse=warehouse)["status"] == "succeeded"
    missing = warehouse.with_name("missing.duckdb")
    assert service.generate(company_id, f"{day:%Y-%m}", "calls", warehouse=missing)["status"] == "failed"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def bi_build_warehouse(request, tmp_path_factory) -> Path:
    """Path of a build warehouse: BI_TEST_WAREHOUSE (an already built file, read only), else the
    session's dbt-built one, else (BI_TEST_FIXTURE_WAREHOUSE=1 or no dbt fixture) the tiny fixture."""
    if os.environ.get("BI_TEST_WAREHOUSE"):
        return Path(os.environ["BI_TEST_WAREHOUSE"])
    if os.environ.get("BI_TEST_FIXTURE_WAREHOUSE") != "1":
        try:
            built = Path(request.getfixturevalue("built_warehouse"))
        except pytest.FixtureLookupError:
            pass
        else:
            return with_topup_invoice(built, tmp_path_factory.mktemp("bi_build"))
    return build_fixture_warehouse(tmp_path_factory.mktemp("bi_build") / "warehouse.duckdb")


def with_topup_invoice(built: Path, folder: Path) -> Path:
    """A copy of the built warehouse with one top-up invoice (in the copy's own ledger, then its mart),
    so the Invoices dashboard's top-up charts have rows; the session's built warehouse is left as it is."""
    from orchestration.billing import topup
    from tests.conftest import run_dbt

    warehouse = folder / "warehouse.duckdb"
    shutil.copy(built, warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    company_id, currency = con.execute(
        "select company_id, currency from staging.stg_platform__companies order by company_id limit 1"
    ).fetchone()
    con.close()
    ledger = warehouse.with_name(f"{warehouse.stem}.ledger.duckdb")  # the ledger run_dbt attaches
    topup.create_topup_invoice(company_id, "250", currency, warehouse=warehouse, ledger=ledger, documents=folder)
    run_dbt(warehouse, "build", "-s", "fct_topup_invoices", target_path=folder / "target")
    return warehouse


@pytest.fixture(scope="session")
def serving_path(bi_build_warehouse, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bi_serving") / "warehouse.duckdb"
    publish(bi_build_warehouse, path)
    return path


@pytest.fixture(scope="session")
def superset_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("superset_home")


@pytest.fixture(scope="session")
def superset_url(superset_home, serving_path):
    """A real Superset on a free port, started once per session, bundle imported, roles created."""
    port = _free_port()
    os.environ["SUPERSET_HOME"] = str(superset_home)
    os.environ["SERVING_WAREHOUSE_PATH"] = str(serving_path)
    os.environ["REPORTS_PATH"] = str(superset_home / "reports")
    seed_report_registry(serving_path)
    proc = server.start(superset_home, port=port, workers=2)
    url = f"http://127.0.0.1:{port}"
    try:
        server.wait(url, timeout=240)
        from orchestration.bi import cli

        cli.import_bundle(url, bundle.BUNDLE_DIR, serving_path)
        cli.create_roles(superset_home, serving_path)
        yield url
    finally:
        server.stop(superset_home)
        if proc.poll() is None:
            proc.kill()


def reseller_password(home: Path, reseller_id) -> str:
    """The password `roles` wrote once for this reseller's user (0600 file under SUPERSET_HOME)."""
    password = credentials.read_secret(credentials.credential_file(home, f"reseller_{reseller_id}"))
    assert password, f"no credential file for reseller_{reseller_id}"
    return password


@pytest.fixture(scope="session")
def reseller_login(superset_url, superset_home):
    """Log in as a reseller with its own password: reseller_login(reseller_id) -> SupersetClient."""

    def login(reseller_id) -> SupersetClient:
        return SupersetClient(superset_url, f"reseller_{reseller_id}", reseller_password(superset_home, reseller_id))

    return login


@pytest.fixture(scope="session")
def admin(superset_url) -> SupersetClient:
    user, password = server.admin_credentials()
    return SupersetClient(superset_url, user, password)


@pytest.fixture(scope="session")
def marts(serving_path):
    """A read-only connection to the published marts, for comparing numbers."""
    con = duckdb.connect(str(serving_path), read_only=True)
    yield con
    con.close()
