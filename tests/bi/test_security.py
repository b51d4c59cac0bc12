"""Access to Superset tried as a reseller and as an anonymous client would, against the real server.

Resellers log in with their own passwords only, see no other user, nobody can forge a session or
a token, the admin has no default password, user SQL cannot read around row-level security or
reach files, rows are filtered on the reseller they record, former resellers are revoked, and
one reseller's saved charts and dashboards stay its own. The login rate limit test runs last.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import jwt
import pytest
import requests
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from orchestration.bi import cli, credentials, server
from orchestration.bi.client import SupersetClient, SupersetError

# What an attacker would try as the signing key: the key once committed, Superset's placeholder, ...
GUESSED_KEYS = [
    "local-dev-only-cpaas-secret-key-do-not-use-in-production",
    "CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET",
    "thisismyscretkey",
    "admin",
    "",
]
SUMMARIZE_METRIC = "max(case when exists(summarize core.dim_companies) then 1 else 0 end)"


def _resellers(marts) -> list[int]:
    return [
        r[0]
        for r in marts.execute(
            "select distinct parent_company_id from core.dim_companies where parent_company_id is not null order by 1"
        ).fetchall()
    ]


def _anonymous(url: str) -> requests.Session:
    s = requests.Session()
    s.headers.update({"Accept": "application/json", "Referer": url + "/"})
    return s


def _login_status(url: str, username: str, password: str) -> int:
    body = {"username": username, "password": password, "provider": "db", "refresh": False}
    return _anonymous(url).post(f"{url}/api/v1/security/login", json=body, timeout=60).status_code


def _datasets(admin: SupersetClient) -> dict[str, int]:
    rows = admin.list_all("dataset", ["id", "schema", "table_name"])
    return {f"{r['schema']}.{r['table_name']}": r["id"] for r in rows}


def _query(client: SupersetClient, dataset_id: int, metric_sql: str, columns: list[str] = ()) -> requests.Response:
    """POST /api/v1/chart/data with one custom SQL metric, as Explore sends it."""
    body = {
        "datasource": {"id": dataset_id, "type": "table"},
        "force": True,
        "queries": [
            {
                "columns": list(columns),
                "metrics": [{"expressionType": "SQL", "sqlExpression": metric_sql, "label": "m"}],
                "filters": [],
                "row_limit": 10000,
            }
        ],
        "result_format": "json",
        "result_type": "full",
    }
    return client.post("/api/v1/chart/data", json=body)


def _data(resp: requests.Response) -> list[dict]:
    assert resp.status_code == 200, resp.text[:500]
    result = resp.json()["result"]
    assert all(not r.get("error") for r in result), result
    return [row for r in result for row in r["data"]]


def _sql_lab(admin: SupersetClient, sql: str) -> requests.Response:
    database_id = next(
        d["id"] for d in admin.list_all("database", ["id", "database_name"]) if d["database_name"] == "CPaaS warehouse"
    )
    body = {"database_id": database_id, "sql": sql, "runAsync": False, "client_id": uuid.uuid4().hex[:10]}
    return admin.post("/api/v1/sqllab/execute/", json=body)


# 1. own credentials -------------------------------------------------------------------------------


def test_each_reseller_has_its_own_password_file(superset_url, superset_home, marts):
    resellers = _resellers(marts)
    assert len(resellers) >= 2
    folder = credentials.credentials_dir(superset_home)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    passwords = []
    for rid in resellers:
        path = credentials.credential_file(superset_home, f"reseller_{rid}")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        passwords.append(path.read_text().strip())
    assert len(set(passwords)) == len(passwords), "resellers share a password"
    assert "reseller-local-only" not in passwords and all(len(p) >= 20 for p in passwords)


def test_reseller_cannot_log_in_as_another(superset_url, superset_home, marts, reseller_login):
    first, second = _resellers(marts)[:2]
    reseller_login(first)  # its own password works
    mine = credentials.read_secret(credentials.credential_file(superset_home, f"reseller_{first}"))
    assert _login_status(superset_url, f"reseller_{second}", mine) == 401
    assert _login_status(superset_url, f"reseller_{second}", "reseller-local-only") == 401


def test_roles_again_keeps_every_password(superset_url, superset_home, serving_path, marts, reseller_login):
    before = {p.name: p.read_text() for p in credentials.credentials_dir(superset_home).iterdir()}
    summary = cli.create_roles(superset_home, serving_path)
    assert set(summary["passwords"].values()) == {"kept"}
    assert {p.name: p.read_text() for p in credentials.credentials_dir(superset_home).iterdir()} == before
    reseller_login(_resellers(marts)[0])


def test_disabled_user_cannot_log_in(superset_url, superset_home, marts, reseller_login):
    rid = _resellers(marts)[0]
    user = f"reseller_{rid}"
    try:
        assert cli.create_roles(superset_home, disable=[user]) == {user: "disabled"}
        with pytest.raises(SupersetError, match="login"):
            reseller_login(rid)
    finally:
        cli.create_roles(superset_home, enable=[user])
    reseller_login(rid)


def test_database_login_is_no_backdoor_with_sso(superset_url, superset_home, marts, tmp_path):
    """With SSO configured (here AUTH_REMOTE_USER), the API's database login refuses a reseller even
    with its right password; the admin service account used by import/roles keeps working."""
    rid = _resellers(marts)[0]
    sso = tmp_path / "sso_config.py"
    sso.write_text("from flask_appbuilder.security.manager import AUTH_REMOTE_USER\nAUTH_TYPE = AUTH_REMOTE_USER\n")
    user, admin_password = server.admin_credentials(superset_home)
    probe = (
        "import json, sys\n"
        "from superset.app import create_app\n"
        "client = create_app().test_client()\n"
        "out = {}\n"
        "for name, password in json.loads(sys.argv[1]):\n"
        "    body = {'username': name, 'password': password, 'provider': 'db'}\n"
        "    out[name] = client.post('/api/v1/security/login', json=body).status_code\n"
        "print(json.dumps(out))\n"
    )
    reseller = f"reseller_{rid}"
    logins = [[reseller, credentials.read_secret(credentials.credential_file(superset_home, reseller))]]
    logins.append([user, admin_password])
    env = server.superset_env(superset_home)
    env["SUPERSET_EXTRA_CONFIG"] = str(sso)
    env["SUPERSET_AUTH_RATE_LIMIT"] = "1000 per second"
    out = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(logins)], env=env, capture_output=True, text=True, check=True
    )
    status = json.loads(out.stdout.strip().splitlines()[-1])
    assert status == {reseller: 401, user: 200}


# 2. no user listing -------------------------------------------------------------------------------

RELATED_USER_LISTS = [
    "/api/v1/chart/related/owners",
    "/api/v1/chart/related/created_by",
    "/api/v1/chart/related/changed_by",
    "/api/v1/dashboard/related/owners",
    "/api/v1/dashboard/related/created_by",
    "/api/v1/dashboard/related/changed_by",
    "/api/v1/dataset/related/owners",
    "/api/v1/dashboard/related/roles",
    "/api/v1/security/users/",
    "/api/v1/security/roles/",
]


def test_reseller_sees_no_other_user(superset_url, marts, reseller_login, admin):
    rid = _resellers(marts)[0]
    client = reseller_login(rid)
    me = client.get_json("/api/v1/me/")["result"]
    everyone = admin.get_json("/api/v1/chart/related/owners")["result"]
    assert len(everyone) > 2, "the admin sees every user (the check below must be able to fail)"
    for path in RELATED_USER_LISTS:
        resp = client.get(path)
        if resp.status_code in (401, 403, 404, 405):
            continue
        assert resp.status_code == 200, (path, resp.status_code)
        listed = resp.json()["result"]
        texts = json.dumps(listed)
        assert "admin" not in texts.lower(), (path, listed)
        for other in _resellers(marts):
            if other != rid:
                assert f"reseller_{other}" not in texts and f"Reseller {other}" not in texts, (path, listed)
        if "owners" in path or "_by" in path:
            assert [u["value"] for u in listed] in ([], [me["id"]]), (path, listed)


def test_anonymous_client_lists_nothing(superset_url):
    anon = _anonymous(superset_url)
    for path in [*RELATED_USER_LISTS, "/api/v1/chart/", "/api/v1/dashboard/", "/api/v1/dataset/"]:
        assert anon.get(superset_url + path, timeout=60).status_code in (401, 403, 404), path


# 3. fail closed: secret key, admin password, production mode --------------------------------------


def test_forged_jwt_and_session_are_refused(superset_url, superset_home):
    now = int(time.time())
    key = credentials.read_secret(superset_home / "secret_key")
    assert key and key not in GUESSED_KEYS and len(key) >= 40
    assert stat.S_IMODE((superset_home / "secret_key").stat().st_mode) == 0o600
    for guess in GUESSED_KEYS:
        claims = {"fresh": True, "iat": now, "nbf": now, "exp": now + 600, "jti": uuid.uuid4().hex}
        claims.update(type="access", sub="1")
        token = jwt.encode(claims, guess or "x", algorithm="HS256")
        resp = requests.get(
            f"{superset_url}/api/v1/dashboard/", headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        assert resp.status_code in (401, 422), (guess, resp.status_code)
        app = Flask("forger")
        app.secret_key = guess or "x"
        cookie = SecureCookieSessionInterface().get_signing_serializer(app).dumps({"_user_id": "1", "_fresh": True})
        resp = requests.get(f"{superset_url}/api/v1/me/", cookies={"session": cookie}, timeout=60)
        assert resp.status_code == 401, (guess, resp.status_code, resp.text[:200])


def test_no_secret_key_is_committed():
    config = (Path(server.CONFIG_PATH)).read_text()
    assert "local-dev-only" not in config and "SECRET_KEY = os.environ.get" not in config


def test_default_admin_password_is_refused(superset_url, superset_home):
    user, password = server.admin_credentials(superset_home)
    assert password != "admin"  # noqa: S105
    assert _login_status(superset_url, user, "admin") == 401
    path = credentials.credential_file(superset_home, user)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    SupersetClient(superset_url, user, password)


def test_admin_password_from_environment_applies_to_existing_admin(superset_url, superset_home, monkeypatch):
    user, local_password = server.admin_credentials(superset_home)
    new_password = "env-" + uuid.uuid4().hex
    monkeypatch.setenv("SUPERSET_ADMIN_PASSWORD", new_password)
    try:
        assert server.ensure_admin(superset_home)["action"] == "password applied"
        assert _login_status(superset_url, user, new_password) == 200
        assert _login_status(superset_url, user, local_password) == 401
    finally:
        monkeypatch.setenv("SUPERSET_ADMIN_PASSWORD", local_password)
        server.ensure_admin(superset_home)
    assert _login_status(superset_url, user, local_password) == 200


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "SUPERSET_SECRET_KEY"),
        ({"SUPERSET_SECRET_KEY": "k" * 48}, "SUPERSET_ADMIN_PASSWORD"),
        ({"SUPERSET_ADMIN_PASSWORD": "a-strong-one"}, "SUPERSET_SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_without_secrets(tmp_path, env, missing):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SUPERSET_", "CPAAS_"))}
    base.update(env, CPAAS_ENV="production", SUPERSET_HOME=str(tmp_path / "home"))
    serve = subprocess.run(
        [sys.executable, "-m", "orchestration.bi", "serve", "--port", "1"], env=base, capture_output=True, text=True
    )
    assert serve.returncode != 0 and missing in serve.stderr, serve.stderr[-2000:]
    assert not (tmp_path / "home" / "superset.db").exists()
    assert not (tmp_path / "home" / "secret_key").exists()
    if missing == "SUPERSET_SECRET_KEY":  # gunicorn started any other way refuses too
        config = subprocess.run(
            [sys.executable, "-c", f"import runpy; runpy.run_path({str(server.CONFIG_PATH)!r})"],
            env=base,
            capture_output=True,
            text=True,
        )
        assert config.returncode != 0 and "SUPERSET_SECRET_KEY" in config.stderr


# 4 and 5. user SQL and the DuckDB connection -----------------------------------------------------


def test_summarize_metric_of_a_reseller_is_refused(superset_url, admin, marts, reseller_login):
    client = reseller_login(_resellers(marts)[0])
    dataset = _datasets(admin)["notifications.fct_notifications_daily"]
    assert _data(_query(client, dataset, "sum(notifications_created)"))  # an ordinary metric answers
    for metric in [
        SUMMARIZE_METRIC,
        "max(case when exists(describe core.dim_companies) then 1 else 0 end)",
        "count(*) filter (where exists(show tables))",
        "max(case when exists(select * from read_csv('/etc/passwd')) then 1 else 0 end)",
        "max(length(getenv('HOME')))",
    ]:
        resp = _query(client, dataset, metric)
        text = resp.text
        assert resp.status_code != 200 or any(r.get("error") for r in resp.json()["result"]), (metric, text[:300])
        assert '"data"' not in text, (metric, text[:300])
    assert "SUMMARIZE is not allowed" in _query(client, dataset, SUMMARIZE_METRIC).text


def test_sql_lab_copy_to_fails_for_the_admin(admin, tmp_path):
    target = tmp_path / "leak.csv"
    for sql in [
        f"COPY (SELECT * FROM core.dim_companies) TO '{target}'",
        f"SELECT * FROM read_csv('{target}')",
        "ATTACH '/tmp/other.duckdb' AS other",
        "SET enable_external_access = true",
        "INSTALL httpfs",
    ]:
        resp = _sql_lab(admin, sql)
        assert resp.status_code != 200 or resp.json().get("status") != "success", (sql, resp.text[:300])
    assert not target.exists()


def test_every_duckdb_connection_is_locked_down(admin):
    """Below the SQL guard: Superset's own DuckDB connection has external access, extension
    loading and configuration changes off, and a thread limit."""
    sql = (
        "SELECT current_setting('enable_external_access') AS external,"
        " current_setting('lock_configuration') AS locked,"
        " current_setting('autoload_known_extensions') AS autoload,"
        " current_setting('autoinstall_known_extensions') AS autoinstall,"
        " current_setting('threads') AS threads"
    )
    resp = _sql_lab(admin, sql)
    assert resp.status_code == 200, resp.text[:500]
    row = resp.json()["data"][0]
    assert row == {"external": False, "locked": True, "autoload": False, "autoinstall": False, "threads": 2}


# 6. row-level security on the reseller recorded on each row ----------------------------------------


def test_rls_filters_on_the_recorded_reseller(admin, marts, reseller_login):
    datasets = _datasets(admin)
    for rid in _resellers(marts)[:2]:
        client = reseller_login(rid)
        report = _data(_query(client, datasets["billing.rpt_reseller_companies"], "count(*)", ["reseller_id"]))
        want = marts.execute("select count(*) from billing.rpt_reseller_companies where reseller_id = ?", [rid])
        assert {r["reseller_id"] for r in report} <= {rid}
        assert sum(r["m"] for r in report) == want.fetchone()[0]
        invoices = _data(
            _query(client, datasets["billing.fct_invoices"], "count(*)", ["issuer_company_id", "company_id"])
        )
        assert all(r["issuer_company_id"] == rid or r["company_id"] == rid for r in invoices), invoices
        want = marts.execute(
            "select count(*) from billing.fct_invoices where issuer_company_id = ? or company_id = ?", [rid, rid]
        ).fetchone()[0]
        assert sum(r["m"] for r in invoices) == want
        lines = _data(_query(client, datasets["billing.fct_invoice_lines"], "count(*)", ["invoice_id"]))
        want = marts.execute(
            "select count(*) from billing.fct_invoice_lines where company_id = ? or invoice_id in"
            " (select invoice_id from billing.fct_invoices where issuer_company_id = ?)",
            [rid, rid],
        ).fetchone()[0]
        assert sum(r["m"] for r in lines) == want


def test_former_reseller_is_revoked(superset_url, superset_home, serving_path, marts, reseller_login, tmp_path):
    """A reseller whose companies all moved away loses its role, filters and login."""
    gone = _resellers(marts)[-1]
    warehouse = tmp_path / "companies.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute(f"attach '{serving_path}' as serving (read_only)")
    con.execute("create schema core")
    con.execute(
        "create table core.dim_companies as select * replace "
        "(case when parent_company_id = ? then null else parent_company_id end as parent_company_id)"
        " from serving.core.dim_companies",
        [gone],
    )
    con.close()
    user = f"reseller_{gone}"
    password = credentials.read_secret(credentials.credential_file(superset_home, user))
    try:
        summary = cli.create_roles(superset_home, warehouse)
        assert str(gone) in summary["revoked"]
        assert _login_status(superset_url, user, password) == 401
        roles = {r["text"] for r in admin_related_roles(superset_url, superset_home)}
        assert f"Reseller {gone}" not in roles
    finally:
        cli.create_roles(superset_home, serving_path)
        cli.create_roles(superset_home, enable=[user])
    reseller_login(gone)


def admin_related_roles(url: str, home: Path) -> list[dict]:
    user, password = server.admin_credentials(home)
    return SupersetClient(url, user, password).get_json("/api/v1/dashboard/related/roles")["result"]


# 7. saved charts, dashboards and filter values --------------------------------------------------------


def test_saved_chart_and_dashboard_stay_with_their_reseller(admin, marts, reseller_login):
    first, second = _resellers(marts)[:2]
    author, other = reseller_login(first), reseller_login(second)
    dataset = _datasets(admin)["notifications.fct_notifications_daily"]
    name = f"Private {uuid.uuid4().hex[:8]}"
    chart = author.post(
        "/api/v1/chart/",
        json={
            "slice_name": name,
            "viz_type": "big_number_total",
            "datasource_id": dataset,
            "datasource_type": "table",
            "params": json.dumps({"metric": "count", "viz_type": "big_number_total"}),
        },
    )
    assert chart.status_code == 201, chart.text[:500]
    chart_id = chart.json()["id"]
    board = author.post("/api/v1/dashboard/", json={"dashboard_title": name, "published": True})
    assert board.status_code == 201, board.text[:500]
    board_id = board.json()["id"]
    try:
        assert name in {c["slice_name"] for c in author.list_all("chart", ["slice_name"])}
        assert name in {d["dashboard_title"] for d in author.list_all("dashboard", ["dashboard_title"])}
        assert name not in {c["slice_name"] for c in other.list_all("chart", ["slice_name"])}
        assert name not in {d["dashboard_title"] for d in other.list_all("dashboard", ["dashboard_title"])}
        assert other.get(f"/api/v1/chart/{chart_id}").status_code == 404
        assert other.get(f"/api/v1/chart/{chart_id}/data/").status_code in (403, 404)
        assert other.get(f"/api/v1/dashboard/{board_id}").status_code in (403, 404)
        assert other.get(f"/api/v1/dashboard/{board_id}/charts").status_code in (403, 404)
        assert other.list_all("chart", ["id"]), "the shipped charts stay visible to every reseller"
    finally:  # the shared Superset keeps only the shipped charts for the tests that follow
        assert author.delete(f"/api/v1/dashboard/{board_id}").status_code == 200
        assert author.delete(f"/api/v1/chart/{chart_id}").status_code == 200


def test_filter_values_obey_rls(admin, marts, reseller_login):
    """A dashboard's filter offers only the reseller's companies (native filters query the dataset
    through /api/v1/chart/data; the column values endpoint is closed to resellers or filtered)."""
    rid = _resellers(marts)[0]
    client = reseller_login(rid)
    dataset = _datasets(admin)["notifications.fct_notifications_daily"]
    allowed = {
        r[0]
        for r in marts.execute(
            "select company_id from core.dim_companies where parent_company_id = ? or company_id = ?", [rid, rid]
        ).fetchall()
    }
    offered = {r["company_id"] for r in _data(_query(client, dataset, "count(*)", ["company_id"]))}
    assert offered and offered <= allowed, (offered, allowed)
    resp = client.get(f"/api/v1/datasource/table/{dataset}/column/company_id/values/")
    assert resp.status_code in (401, 403, 404) or set(resp.json()["result"]) <= allowed


# 3. login rate limit (last: it uses up the window) --------------------------------------------------


def test_login_attempts_are_rate_limited(superset_url, superset_home):
    """Wrong passwords from one address are cut off with 429; the right one works again after the window."""
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda i: _login_status(superset_url, "admin", f"guess-{i}"), range(40)))
    assert 429 in statuses, statuses
    user, password = server.admin_credentials(superset_home)
    deadline = time.monotonic() + 180  # the failed-login window is one minute, counted per worker
    successes = 0
    while successes < 6:  # several in a row: every worker has let the admin in again
        successes = successes + 1 if _login_status(superset_url, user, password) == 200 else 0
        assert time.monotonic() < deadline, "the admin stays locked out after the window"
        time.sleep(1 if successes else 5)
