"""Reseller roles, users and row-level security, created from the company dimension mart.

For every reseller (a company that is the parent of other companies) this creates, idempotently:
* a role ``Reseller <id>`` with datasource access to every dataset that carries ``company_id``
  (and to the company-free core dimensions), nothing else;
* a Regular RLS filter ``reseller_<id>`` on those datasets: ``company_id IN (<its companies>)``
  (the reseller itself and its dependent companies);
* a user ``reseller_<id>`` with roles Gamma + ``Reseller <id>`` (password from the environment).
Admins have no RLS filter and see everything. Run it after every publish (new companies).

Runs inside the Superset app (metadata database), so call it through `python -m orchestration.bi roles`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from orchestration import settings

COMPANY_TABLE = os.environ.get("BI_COMPANY_TABLE", "core.dim_companies")
COMPANY_COLUMN = "company_id"
PARENT_COLUMN = os.environ.get("BI_PARENT_COLUMN", "parent_company_id")
NAME_COLUMN = "company_name"
# LOCAL DEFAULT ONLY: production sets SUPERSET_RESELLER_PASSWORD (or uses SSO and no passwords).
LOCAL_RESELLER_PASSWORD = "reseller-local-only"  # noqa: S105


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


def apply(reseller_map: dict[str, dict], password: str) -> dict:
    """Create/update roles, users and RLS filters in the Superset metadata database."""
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from superset import db
        from superset import security_manager as sm
        from superset.connectors.sqla.models import RowLevelSecurityFilter, SqlaTable

        datasets = db.session.query(SqlaTable).all()
        company_ds = [d for d in datasets if COMPANY_COLUMN in {c.column_name for c in d.columns}]
        free_dims = [d for d in datasets if d not in company_ds and d.schema == "core"]
        gamma = sm.find_role("Gamma")
        summary = {"resellers": 0, "datasets_filtered": sorted(d.table_name for d in company_ds)}
        for rid, info in sorted(reseller_map.items()):
            role_name = f"Reseller {rid}"
            role = sm.find_role(role_name) or sm.add_role(role_name)
            wanted = []
            for ds in company_ds + free_dims:
                pv = sm.find_permission_view_menu("datasource_access", ds.perm)
                if pv is None:
                    pv = sm.add_permission_view_menu("datasource_access", ds.perm)
                wanted.append(pv)
            role.permissions = wanted
            username = f"reseller_{rid}"
            user = sm.find_user(username=username)
            if user is None:
                sm.add_user(
                    username,
                    "Reseller",
                    str(info["name"] or rid),
                    f"{username}@localhost",
                    [gamma, role],
                    password,
                )
            else:
                user.roles = [gamma, role]
                sm.reset_password(user.id, password)
            name = f"reseller_{rid}"
            rls = db.session.query(RowLevelSecurityFilter).filter_by(name=name).one_or_none()
            if rls is None:
                rls = RowLevelSecurityFilter(name=name)
                db.session.add(rls)
            rls.filter_type = "Regular"
            rls.description = f"Reseller {info['name']} sees only its own and its dependent companies."
            rls.group_key = "reseller"
            rls.clause = reseller_clause(info["companies"])
            rls.tables = company_ds
            rls.roles = [role]
            summary["resellers"] += 1
        db.session.commit()
        return summary


def main() -> None:
    warehouse = Path(os.environ.get("BI_ROLES_WAREHOUSE", str(settings.SERVING_WAREHOUSE_PATH)))
    password = os.environ.get("SUPERSET_RESELLER_PASSWORD", LOCAL_RESELLER_PASSWORD)
    print(json.dumps(apply(resellers(warehouse), password)))


if __name__ == "__main__":
    main()
