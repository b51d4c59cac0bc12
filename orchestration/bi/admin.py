"""The admin account: created, or its password applied, from the environment on every start.

Production (CPAAS_ENV=production) requires SUPERSET_ADMIN_PASSWORD. Locally without it, a random
password is made once, written to SUPERSET_HOME/credentials/<admin> (0600) and printed once; an
admin still on the former `admin` default gets one too. Runs inside the Superset app:
`python -m orchestration.bi.admin` (server.start calls it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from orchestration import settings
from orchestration.bi import credentials

LEGACY_DEFAULT_PASSWORD = "admin"  # noqa: S105 - refused and replaced, never used


def username() -> str:
    return os.environ.get("SUPERSET_ADMIN_USERNAME", "admin")


def env_password() -> str | None:
    value = os.environ.get("SUPERSET_ADMIN_PASSWORD", "")
    if value and value == LEGACY_DEFAULT_PASSWORD:
        raise credentials.MissingSecret("SUPERSET_ADMIN_PASSWORD must not be the default 'admin'")
    return value or None


def require_production_secrets() -> None:
    """Fail closed before anything starts: production needs both secrets from the environment."""
    if not credentials.is_production():
        return
    missing = [v for v in ("SUPERSET_SECRET_KEY", "SUPERSET_ADMIN_PASSWORD") if not os.environ.get(v, "").strip()]
    if missing:
        raise credentials.MissingSecret(f"CPAAS_ENV=production: set {', '.join(missing)} in the environment")
    env_password()


def ensure_admin(home: Path | str | None = None) -> dict:
    from superset.app import create_app
    from werkzeug.security import check_password_hash

    require_production_secrets()
    home = Path(home or os.environ.get("SUPERSET_HOME", settings.SUPERSET_HOME))
    name = username()
    path = credentials.credential_file(home, name)
    app = create_app()
    with app.app_context():
        from superset import db
        from superset import security_manager as sm

        user = sm.find_user(username=name)
        password = env_password()
        written = None
        if password is None:
            password = credentials.read_secret(path)
            legacy = user is not None and check_password_hash(user.password or "", LEGACY_DEFAULT_PASSWORD)
            if password is None or legacy:
                if legacy:
                    path.unlink(missing_ok=True)
                password = credentials.new_password()
                credentials.write_once(path, password)
                written = str(path)
            elif user is not None and not check_password_hash(user.password or "", password):
                # changed in the UI since: the operator's choice stands
                return {"admin": name, "action": "kept"}
        admin_role = sm.find_role(app.config["AUTH_ROLE_ADMIN"])
        if user is None:
            sm.add_user(name, "Admin", "User", f"{name}@localhost", admin_role, password)
            action = "created"
        elif not check_password_hash(user.password or "", password):
            sm.reset_password(user.id, password)
            action = "password applied"
        else:
            action = "unchanged"
        db.session.commit()
        out = {"admin": name, "action": action}
        if written:
            out.update(password_file=written, password=password)
        return out


if __name__ == "__main__":
    print(json.dumps(ensure_admin()))
