"""Superset configuration for the CPaaS warehouse (loaded through SUPERSET_CONFIG_PATH).

Everything secret or machine-specific comes from the environment. The defaults are for a
local laptop only and are marked as such; docs/bi.md lists what production must set.
"""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.settings import SUPERSET_HOME

_HOME = Path(os.environ.get("SUPERSET_HOME", str(SUPERSET_HOME)))
_HOME.mkdir(parents=True, exist_ok=True)

# LOCAL DEFAULT ONLY: production must set SUPERSET_SECRET_KEY (openssl rand -base64 42).
LOCAL_DEV_SECRET_KEY = "local-dev-only-cpaas-secret-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SUPERSET_SECRET_KEY", LOCAL_DEV_SECRET_KEY)

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
RATELIMIT_STORAGE_URI = "memory://"

# Local http; production behind TLS sets SUPERSET_COOKIE_SECURE=1.
SESSION_COOKIE_SECURE = os.environ.get("SUPERSET_COOKIE_SECURE", "0") == "1"
SESSION_COOKIE_SAMESITE = "Lax"
CONTENT_SECURITY_POLICY_WARNING = False  # production: set SUPERSET_TALISMAN=1
TALISMAN_ENABLED = os.environ.get("SUPERSET_TALISMAN", "0") == "1"
WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None

SUPERSET_WEBSERVER_TIMEOUT = 120
SQLLAB_TIMEOUT = 120
LOG_LEVEL = os.environ.get("SUPERSET_LOG_LEVEL", "WARNING")
