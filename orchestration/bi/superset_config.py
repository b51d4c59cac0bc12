"""Superset configuration for the CPaaS warehouse (loaded through SUPERSET_CONFIG_PATH).

Everything secret or machine-specific comes from the environment. `CPAAS_ENV=production` refuses
to start without its secrets; local mode generates them per installation under SUPERSET_HOME.
docs/bi.md and the README's Production section list the settings.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask_appbuilder.security.manager import AUTH_DB

from orchestration.bi import credentials, security
from orchestration.settings import SUPERSET_HOME

_HOME = Path(os.environ.get("SUPERSET_HOME", str(SUPERSET_HOME)))
_HOME.mkdir(parents=True, exist_ok=True)

# Production: SUPERSET_SECRET_KEY or no start. Local: a random key kept in SUPERSET_HOME/secret_key.
SECRET_KEY = credentials.secret_key(_HOME)

# Metadata database: SQLite under SUPERSET_HOME locally; production sets a Postgres URI.
SQLALCHEMY_DATABASE_URI = os.environ.get(
    "SUPERSET_METADATA_DB_URI",
    f"sqlite:///{_HOME / 'superset.db'}?check_same_thread=false",
)
DATA_DIR = str(_HOME)

FEATURE_FLAGS = {
    "DASHBOARD_NATIVE_FILTERS": True,
    "DASHBOARD_CROSS_FILTERS": True,
    "DASHBOARD_RBAC": False,
    "ENABLE_TEMPLATE_PROCESSING": False,
    "ALERT_REPORTS": False,
    "EMBEDDED_SUPERSET": False,
}

# Dashboards-as-code: the import API is used by `python -m orchestration.bi import`.
FAB_ADD_SECURITY_API = True
# Only Superset's own login form; no public role.
PUBLIC_ROLE_LIKE = None
AUTH_ROLE_PUBLIC = "Public"

# Resellers: no database login when SSO is configured (admin service account excepted), the API
# login rate limited like the form, and only their own (or the shipped) charts and dashboards.
CUSTOM_SECURITY_MANAGER = security.CpaasSecurityManager
FLASK_APP_MUTATOR = security.harden_app
# Non-admins see no other user (owner and creator pick lists) and only their own roles.
EXTRA_RELATED_QUERY_FILTERS = {"user": security.only_self_for_non_admins, "role": security.own_roles_for_non_admins}
# Every DuckDB connection: no file or network access, no extensions, settings locked, bounded.
DB_CONNECTION_MUTATOR = security.lock_down_duckdb

# Downloads (invoice PDFs, monthly Excel, generated reports) served by Superset itself, under its login
# and the dashboards' reseller scope: orchestration/reports/blueprint.py, docs/reports.md.
from orchestration.reports.blueprint import downloads as _cpaas_downloads  # noqa: E402

BLUEPRINTS = [_cpaas_downloads]

# Login attempts are rate limited in every mode (per client address; per worker with memory://).
RATELIMIT_ENABLED = True
AUTH_RATE_LIMITED = True
AUTH_RATE_LIMIT = os.environ.get("SUPERSET_AUTH_RATE_LIMIT", "5 per second")
AUTH_FAILED_LOGIN_LIMIT = os.environ.get("SUPERSET_AUTH_FAILED_LOGIN_LIMIT", "10 per minute")
RATELIMIT_APPLICATION = os.environ.get("SUPERSET_RATELIMIT_APPLICATION", "50 per second")

# No file upload into the warehouse; DuckDB is the only data source.
PREVENT_UNSAFE_DB_CONNECTIONS = True
CSV_EXPORT = {"encoding": "utf-8"}
EXCEL_EXPORT: dict = {}
ROW_LIMIT = 50000
SQL_MAX_ROW = 100000

# Simple in-process caches; production should point these at Redis.
_CACHE_TIMEOUT = int(os.environ.get("SUPERSET_CACHE_TIMEOUT", "300"))
CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": _CACHE_TIMEOUT}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}  # the serving file changes on every publish
FILTER_STATE_CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 86400}
EXPLORE_FORM_DATA_CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 86400}
RATELIMIT_STORAGE_URI = os.environ.get("SUPERSET_RATELIMIT_STORAGE_URI", "memory://")

# Local http; production (behind TLS) defaults to secure cookies.
SESSION_COOKIE_SECURE = os.environ.get("SUPERSET_COOKIE_SECURE", "1" if credentials.is_production() else "0") == "1"
SESSION_COOKIE_SAMESITE = "Lax"
CONTENT_SECURITY_POLICY_WARNING = False  # production: set SUPERSET_TALISMAN=1
TALISMAN_ENABLED = os.environ.get("SUPERSET_TALISMAN", "0") == "1"
WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None

SUPERSET_WEBSERVER_TIMEOUT = 120
SQLLAB_TIMEOUT = 120
LOG_LEVEL = os.environ.get("SUPERSET_LOG_LEVEL", "WARNING")

# Site settings kept outside the repository, e.g. SSO (AUTH_TYPE = AUTH_OAUTH and OAUTH_PROVIDERS):
# a Python file of the operator, run last. With SSO, resellers have no database password.
_EXTRA_CONFIG = os.environ.get("SUPERSET_EXTRA_CONFIG", "").strip()
if _EXTRA_CONFIG:
    exec(compile(Path(_EXTRA_CONFIG).read_text(), _EXTRA_CONFIG, "exec"))  # noqa: S102 - operator's own file
# With SSO the REST database login stays open for the admin service account only (the import and
# roles commands); CpaasSecurityManager.auth_user_db refuses every other user.
if globals().get("AUTH_TYPE", AUTH_DB) != AUTH_DB:
    AUTH_API_LOGIN_ALLOW_MULTIPLE_PROVIDERS = True
