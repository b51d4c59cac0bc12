"""Reseller roles, users and row-level security, created from the company dimension mart.

For every reseller (a company that is the parent of other companies) this creates, idempotently:
* a role ``Reseller <id>`` with datasource access to every dataset that carries ``company_id``
  (and to the company-free core dimensions), nothing else;
* a Regular RLS filter ``reseller_<id>`` on those datasets. A row that records its reseller is
  filtered on that record (``issuer_company_id`` of an invoice, ``reseller_id`` of a report row),
  so a company that moved to another reseller does not take its history along; other rows on
  ``company_id IN (<the reseller and its dependent companies today>)``;
* a user ``reseller_<id>`` with roles Gamma + ``Reseller <id>`` and its own random password, written
  once to ``SUPERSET_HOME/credentials/reseller_<id>`` (0600). An existing user's password is never
  reset (except the former shared local default, replaced once). With SSO no password is written.
A company that is no longer a reseller loses its role, RLS filter and user (deactivated).
Admins have no RLS filter and see everything. Run it after every publish (new companies).

Runs inside the Superset app (metadata database), so call it through `python -m orchestration.bi roles`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.bi import credentials

COMPANY_TABLE = os.environ.get("BI_COMPANY_TABLE", "core.dim_companies")
COMPANY_COLUMN = "company_id"
PARENT_COLUMN = os.environ.get("BI_PARENT_COLUMN", "parent_company_id")
NAME_COLUMN = "company_name"
ISSUER_COLUMN = "issuer_company_id"
RESELLER_COLUMN = "reseller_id"
INVOICE_TABLE = ("billing", "fct_invoices")
# Tables with one row per reseller and company: only the reseller itself, never the parent's cost.
PER_RESELLER_TABLES = {("billing", "rpt_reseller_companies")}
# The shared password every reseller had before per-user passwords; replaced once when found.
LEGACY_SHARED_PASSWORDS = ("reseller-local-only",)
USER_PREFIX = "reseller_"
ROLE_PREFIX = "Reseller "


def resellers(warehouse: Path | str) -> dict[str, dict]:
    """{reseller id: {"name", "companies": [ids incl. itself]}} from the company dimension."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            f"select c.{PARENT_COLUMN}, p.{NAME_COLUMN}, c.{COMPANY_COLUMN} from {COMPANY_TABLE} c "
            f"left join {COMPANY_TABLE} p on p.{COMPANY_COLUMN} = c.{PARENT_COLUMN} "
            f"where c.{PARENT_COLUMN} is not null order by 1, 3"
        ).fetchall()
    finally:
        con.close()
    out: dict[str, dict] = {}
    for parent, name, company in rows:
        entry = out.setdefault(str(parent), {"id": parent, "name": name, "companies": [parent]})
        entry["companies"].append(company)
    return out


def _literal(value) -> str:
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def reseller_clause(companies: list) -> str:
    return f"{COMPANY_COLUMN} IN ({', '.join(_literal(c) for c in sorted(set(companies), key=str))})"


def dataset_clause(columns: set[str], table: tuple[str, str], rid, companies: list, has_invoices: bool) -> str:
    """The RLS clause of one dataset for one reseller: the reseller recorded on the row when the
    row has one, else the companies that depend on the reseller today."""
    me = _literal(rid)
    if table in PER_RESELLER_TABLES and RESELLER_COLUMN in columns:
        return f"{RESELLER_COLUMN} = {me}"
    if ISSUER_COLUMN in columns:
        return f"{ISSUER_COLUMN} = {me} OR {COMPANY_COLUMN} = {me}"
    if RESELLER_COLUMN in columns:
        return f"{RESELLER_COLUMN} = {me} OR {COMPANY_COLUMN} = {me}"
    if "invoice_id" in columns and has_invoices and table[0] == INVOICE_TABLE[0]:
        # invoice lines record no issuer: the invoice they belong to does
        return (
            f"{COMPANY_COLUMN} = {me} OR invoice_id IN (SELECT invoice_id FROM {'.'.join(INVOICE_TABLE)}"
            f" WHERE {ISSUER_COLUMN} = {me})"
        )
    return reseller_clause(companies)


def _reseller_id(name: str, prefix: str) -> str | None:
    match = re.fullmatch(re.escape(prefix) + r"(\d+)", name or "")
    return match.group(1) if match else None


def _set_password_once(sm, user, username: str, home: Path, sso: bool) -> str:
    """Password policy of one existing or new user; returns what happened."""
    from werkzeug.security import check_password_hash

    if sso:
        return "sso"
    path = credentials.credential_file(home, username)
    if path.exists():
        return "kept"
    legacy = [os.environ.get("SUPERSET_RESELLER_PASSWORD"), *LEGACY_SHARED_PASSWORDS]
    if user.password and any(p and check_password_hash(user.password, p) for p in legacy):
        password = credentials.new_password()
        credentials.write_once(path, password)
        sm.reset_password(user.id, password)
        return "replaced shared password"
    return "kept (managed outside this command)"


def apply(reseller_map: dict[str, dict], home: Path | str | None = None) -> dict:
    """Create/update roles, users and RLS filters; revoke those of companies no longer resellers."""
    from flask_appbuilder.security.manager import AUTH_DB
    from superset.app import create_app

    home = Path(home or os.environ.get("SUPERSET_HOME", settings.SUPERSET_HOME))
    app = create_app()
    with app.app_context():
        from superset import db
        from superset import security_manager as sm
        from superset.connectors.sqla.models import RowLevelSecurityFilter, SqlaTable

        sso = app.config["AUTH_TYPE"] != AUTH_DB
        datasets = db.session.query(SqlaTable).all()
        columns = {d.id: {c.column_name for c in d.columns} for d in datasets}
        company_ds = [d for d in datasets if COMPANY_COLUMN in columns[d.id]]
        free_dims = [d for d in datasets if d not in company_ds and d.schema == "core"]
        has_invoices = any(
            (d.schema, d.table_name) == INVOICE_TABLE and ISSUER_COLUMN in columns[d.id] for d in datasets
        )
        gamma = sm.find_role("Gamma")
        summary: dict = {
            "resellers": 0,
            "datasets_filtered": sorted(d.table_name for d in company_ds),
            "passwords": {},
            "revoked": [],
        }
        for rid, info in sorted(reseller_map.items()):
            role_name = f"{ROLE_PREFIX}{rid}"
            role = sm.find_role(role_name) or sm.add_role(role_name)
            wanted = []
            for ds in company_ds + free_dims:
                pv = sm.find_permission_view_menu("datasource_access", ds.perm)
                if pv is None:
                    pv = sm.add_permission_view_menu("datasource_access", ds.perm)
                wanted.append(pv)
            role.permissions = wanted
            username = f"{USER_PREFIX}{rid}"
            user = sm.find_user(username=username)
            if user is None:
                password = credentials.new_password()
                if not sso:
                    credentials.write_once(credentials.credential_file(home, username), password)
                sm.add_user(
                    username, "Reseller", str(info["name"] or rid), f"{username}@localhost", [gamma, role], password
                )
                summary["passwords"][username] = "sso" if sso else "created"
            else:
                user.roles = [gamma, role]  # never re-activated here: see `roles --enable`
                summary["passwords"][username] = _set_password_once(sm, user, username, home, sso)
            rls = db.session.query(RowLevelSecurityFilter).filter_by(name=username).one_or_none()
            if rls is not None:  # one filter per dataset now; drop the old single filter
                db.session.delete(rls)
            for ds in company_ds:
                clause = dataset_clause(
                    columns[ds.id], (ds.schema, ds.table_name), info["id"], info["companies"], has_invoices
                )
                name = f"{username}:{ds.schema}.{ds.table_name}"
                rls = db.session.query(RowLevelSecurityFilter).filter_by(name=name).one_or_none()
                if rls is None:
                    rls = RowLevelSecurityFilter(name=name)
                    db.session.add(rls)
                rls.filter_type = "Regular"
                rls.description = f"Reseller {info['name']}: its own rows of {ds.schema}.{ds.table_name}."
                rls.group_key = "reseller"
                rls.clause = clause
                rls.tables = [ds]
                rls.roles = [role]
            summary["resellers"] += 1
        summary["revoked"] = _revoke_former(db, sm, RowLevelSecurityFilter, set(reseller_map))
        db.session.commit()
        return summary


def _revoke_former(db, sm, rls_model, current: set[str]) -> list[str]:
    """Roles, RLS filters and users of companies that are no longer resellers."""
    revoked = set()
    for role in list(db.session.query(sm.role_model).all()):
        rid = _reseller_id(role.name, ROLE_PREFIX)
        if rid is not None and rid not in current:
            for rls in db.session.query(rls_model).all():
                if role in rls.roles:
                    db.session.delete(rls)
            role.permissions = []
            for user in db.session.query(sm.user_model).all():
                if role in user.roles:
                    user.roles = [r for r in user.roles if r is not role]
            db.session.delete(role)
            revoked.add(rid)
    for user in db.session.query(sm.user_model).all():
        rid = _reseller_id(user.username, USER_PREFIX)
        if rid is not None and rid not in current and (user.active or user.roles):
            user.active = False
            user.roles = []
            revoked.add(rid)
    return sorted(revoked, key=int)


def set_active(usernames: list[str], active: bool) -> dict:
    """Disable (or enable again) users by name; a disabled user cannot log in."""
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from superset import db
        from superset import security_manager as sm

        done = {}
        for username in usernames:
            user = sm.find_user(username=username)
            if user is None:
                raise SystemExit(f"no such user: {username}")
            user.active = active
            done[username] = "enabled" if active else "disabled"
        db.session.commit()
        return done


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m orchestration.bi.roles")
    parser.add_argument("--disable", nargs="*", default=[], metavar="USER")
    parser.add_argument("--enable", nargs="*", default=[], metavar="USER")
    args = parser.parse_args(argv)
    if args.disable or args.enable:
        out = set_active(args.disable, False) if args.disable else {}
        out.update(set_active(args.enable, True) if args.enable else {})
    else:
        warehouse = Path(os.environ.get("BI_ROLES_WAREHOUSE", str(settings.SERVING_WAREHOUSE_PATH)))
        out = apply(resellers(warehouse))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
