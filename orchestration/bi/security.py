"""Superset hooks that keep resellers apart and the DuckDB connections locked (see superset_config.py)."""

from __future__ import annotations

import os
from typing import Any

from flask import current_app
from flask_appbuilder.security.manager import AUTH_DB
from flask_appbuilder.security.sqla.models import Role, assoc_user_role
from sqlalchemy import or_, select
from superset.security import SupersetSecurityManager

from orchestration.bi import sql_guard

# Engine-level lockdown: DuckDB refuses file and network access, extension loading and any SET.
DUCKDB_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "memory_limit": os.environ.get("SUPERSET_DUCKDB_MEMORY_LIMIT", "2GB"),
    "threads": int(os.environ.get("SUPERSET_DUCKDB_THREADS", "2")),
    "lock_configuration": True,  # last: the settings above can no longer be changed by SQL
}


def lock_down_duckdb(uri, params: dict, username, security_manager, source):
    """DB_CONNECTION_MUTATOR: every DuckDB engine Superset creates gets DUCKDB_CONFIG (forced)."""
    if uri.drivername.startswith("duckdb"):
        connect_args = params.setdefault("connect_args", {})
        config = dict(connect_args.get("config") or {})
        config.update(DUCKDB_CONFIG)
        connect_args["config"] = config
    return uri, params


def admin_username() -> str:
    return os.environ.get("SUPERSET_ADMIN_USERNAME", "admin")


def _is_admin() -> bool:
    from superset import security_manager

    return security_manager.is_admin()


def _current_user_id() -> int | None:
    from superset.utils.core import get_user_id

    return get_user_id()


def only_self_for_non_admins(query):
    """EXTRA_RELATED_QUERY_FILTERS["user"]: a non-admin's owner/creator lists hold only itself."""
    if _is_admin():
        return query
    from superset import security_manager

    return query.filter(security_manager.user_model.id == _current_user_id())


def own_roles_for_non_admins(query):
    """EXTRA_RELATED_QUERY_FILTERS["role"]: a non-admin sees only the roles it has."""
    if _is_admin():
        return query
    own = select(assoc_user_role.c.role_id).where(assoc_user_role.c.user_id == _current_user_id())
    return query.filter(Role.id.in_(own))


def _admin_user_ids():
    return (
        select(assoc_user_role.c.user_id)
        .join(Role, Role.id == assoc_user_role.c.role_id)
        .where(Role.name == current_app.config["AUTH_ROLE_ADMIN"])
    )


def _own_or_shipped(model, query):
    """Non-admins see objects they created and those created by an admin (the dashboards as code),
    never another reseller's saved charts or dashboards."""
    if _is_admin():
        return query
    return query.filter(
        or_(
            model.created_by_fk == _current_user_id(),
            model.created_by_fk.in_(_admin_user_ids()),
            model.created_by_fk.is_(None),  # made by the system (CLI import), never by a reseller
        )
    )


def _wrap_filter(filter_class) -> None:
    original = filter_class.apply
    if getattr(original, "_cpaas_wrapped", False):
        return

    def apply(self, query, value):
        return _own_or_shipped(self.model, original(self, query, value))

    apply._cpaas_wrapped = True
    filter_class.apply = apply


def _wrap_sql_guard(database_class) -> None:
    """Run sql_guard on every statement sent to DuckDB. Superset calls SQL_QUERY_MUTATOR on only one
    of its two code paths (MUTATE_AFTER_SPLIT), so the guard sits on the method both paths call."""
    original = database_class.mutate_sql_based_on_config
    if getattr(original, "_cpaas_wrapped", False):
        return

    def mutate_sql_based_on_config(self, sql_: str, is_split: bool = False) -> str:
        if self.backend == "duckdb":
            try:
                sql_guard.check(sql_)
            except sql_guard.RefusedSQL as exc:
                from superset.errors import ErrorLevel, SupersetError, SupersetErrorType
                from superset.exceptions import SupersetSecurityException

                raise SupersetSecurityException(
                    SupersetError(
                        message=str(exc),
                        error_type=SupersetErrorType.QUERY_SECURITY_ACCESS_ERROR,
                        level=ErrorLevel.ERROR,
                    )
                ) from exc
        return original(self, sql_, is_split)

    mutate_sql_based_on_config._cpaas_wrapped = True
    database_class.mutate_sql_based_on_config = mutate_sql_based_on_config


def harden_app(app) -> None:
    """FLASK_APP_MUTATOR: chart and dashboard visibility, the SQL guard, the API login rate limit."""
    from superset.charts.filters import ChartFilter
    from superset.dashboards.filters import DashboardAccessFilter
    from superset.models.core import Database

    _wrap_filter(ChartFilter)
    _wrap_filter(DashboardAccessFilter)
    _wrap_sql_guard(Database)
    sm = app.appbuilder.sm
    if app.config.get("AUTH_RATE_LIMITED"):
        # FAB limits only the login form; the REST login gets the same limit, plus a budget of
        # failed logins per client address (a wrong password counts, a right one does not).
        for view in app.appbuilder.baseviews:
            if isinstance(view, sm.security_api) and view.blueprint is not None:
                sm.limiter.limit(app.config["AUTH_RATE_LIMIT"], methods=["POST"])(view.blueprint)
        endpoint = "SecurityApi.login"
        if endpoint in app.view_functions:
            app.view_functions[endpoint] = sm.limiter.limit(
                app.config["AUTH_FAILED_LOGIN_LIMIT"],
                methods=["POST"],
                deduct_when=lambda response: response.status_code == 401,
            )(app.view_functions[endpoint])


class CpaasSecurityManager(SupersetSecurityManager):
    def auth_user_db(self, username: str, password: str) -> Any:
        """With SSO configured, a database password is no way in, except for the admin service
        account that the import and roles commands use."""
        if current_app.config["AUTH_TYPE"] != AUTH_DB and username != admin_username():
            return None
        return super().auth_user_db(username, password)
