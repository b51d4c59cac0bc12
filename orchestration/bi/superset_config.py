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
    "ALERT_REPORTS": True,
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

# --- Alerts & reports (scheduled e-mail): Celery worker and beat on Redis, Chromium screenshots, SMTP.
# `python -m orchestration.bi celery` starts Redis, the worker and beat (`make run`); schedules are code:
# orchestration/bi/schedules.yaml, applied by `python -m orchestration.bi schedules`. E-mail is on when
# SMTP_HOST is set; without it reports run as a dry run (logged, nothing sent). In production, with
# SMTP_HOST set, SMTP_MAIL_FROM (and SMTP_PASSWORD when SMTP_USER is set) are required.
from datetime import datetime  # noqa: E402

from celery.schedules import crontab  # noqa: E402
from celery.signals import task_prerun  # noqa: E402
from superset.tasks.types import ExecutorType  # noqa: E402

_REDIS_URL = os.environ.get("REDIS_URL", f"redis://127.0.0.1:{os.environ.get('REDIS_PORT', '6379')}/0")


class CeleryConfig:
    broker_url = _REDIS_URL
    result_backend = _REDIS_URL
    imports = ("superset.sql_lab", "superset.tasks.scheduler")
    worker_prefetch_multiplier = 1
    task_acks_late = False
    beat_schedule = {
        "reports.scheduler": {"task": "reports.scheduler", "schedule": crontab(minute="*", hour="*")},
        "reports.prune_log": {"task": "reports.prune_log", "schedule": crontab(minute=0, hour=0)},
    }


CELERY_CONFIG = CeleryConfig


@task_prerun.connect
def _report_eta_as_datetime(task=None, **_kwargs) -> None:
    """Celery hands reports.execute its eta as ISO text; Superset stores it as scheduled_dttm, which
    SQLite metadata refuses ("SQLite DateTime type only accepts Python datetime"): every report failed."""
    if task is not None and task.name == "reports.execute" and isinstance(task.request.eta, str):
        task.request.eta = datetime.fromisoformat(task.request.eta)


SMTP_HOST = os.environ.get("SMTP_HOST", "")
SMTP_PORT = int(os.environ.get("SMTP_PORT", "587" if SMTP_HOST else "25"))
SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "1") == "1"
SMTP_SSL = os.environ.get("SMTP_SSL", "0") == "1"
SMTP_USER = os.environ.get("SMTP_USER", "")  # empty: no login (a local relay)
SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
SMTP_MAIL_FROM = os.environ.get("SMTP_MAIL_FROM", "reports@localhost")
SMTP_SSL_SERVER_AUTH = SMTP_STARTTLS or SMTP_SSL  # verify the server's certificate when TLS is used
ALERT_REPORTS_NOTIFICATION_DRY_RUN = not SMTP_HOST
if SMTP_HOST and credentials.is_production():
    _missing = [name for name in ("SMTP_MAIL_FROM",) if not os.environ.get(name)]
    _missing += ["SMTP_PASSWORD"] if SMTP_USER and not SMTP_PASSWORD else []
    if _missing:
        raise credentials.MissingSecret(f"e-mail reports are on (SMTP_HOST) but {', '.join(_missing)} is not set")
EMAIL_REPORTS_SUBJECT_PREFIX = "[CPaaS report] "
# Screenshots: Debian's chromium + chromium-driver (`make browser`), never a downloaded driver.
WEBDRIVER_TYPE = "chrome"
WEBDRIVER_OPTION_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
]
WEBDRIVER_CONFIGURATION = {
    "service": {
        "executable_path": os.environ.get("CHROMEDRIVER_PATH", "/usr/bin/chromedriver"),
        "log_output": os.devnull,
        "service_args": [],
        "port": 0,
        "env": {},
    }
}
# The screenshot browser opens Superset itself: the URL the worker reaches it at.
WEBDRIVER_BASEURL = os.environ.get(
    "SUPERSET_WEBDRIVER_BASEURL", f"http://127.0.0.1:{os.environ.get('SUPERSET_PORT', '8088')}/"
)
WEBDRIVER_BASEURL_USER_FRIENDLY = os.environ.get("SUPERSET_PUBLIC_URL", WEBDRIVER_BASEURL)
# Reports run as their owner (the admin service account for the shipped schedules).
ALERT_REPORTS_EXECUTORS = [ExecutorType.OWNER]
# --- end of alerts & reports

# Site settings kept outside the repository, e.g. SSO (AUTH_TYPE = AUTH_OAUTH and OAUTH_PROVIDERS):
# a Python file of the operator, run last. With SSO, resellers have no database password.
_EXTRA_CONFIG = os.environ.get("SUPERSET_EXTRA_CONFIG", "").strip()
if _EXTRA_CONFIG:
    exec(compile(Path(_EXTRA_CONFIG).read_text(), _EXTRA_CONFIG, "exec"))  # noqa: S102 - operator's own file
# With SSO the REST database login stays open for the admin service account only (the import and
# roles commands); CpaasSecurityManager.auth_user_db refuses every other user.
if globals().get("AUTH_TYPE", AUTH_DB) != AUTH_DB:
    AUTH_API_LOGIN_ALLOW_MULTIPLE_PROVIDERS = True
