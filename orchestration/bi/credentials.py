"""Secrets of the local Superset: the production switch, the secret key and credential files.

Production (``CPAAS_ENV=production``) takes every secret from the environment and refuses to start
without it. Local mode generates them once per installation under SUPERSET_HOME, readable by the
operator only (files 0600 in a 0700 folder); nothing secret is committed.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PRODUCTION = "production"


class MissingSecret(RuntimeError):
    """Production mode without a secret it needs: fail closed."""


def is_production() -> bool:
    return os.environ.get("CPAAS_ENV", "local").strip().lower() == PRODUCTION


def credentials_dir(home: Path | str) -> Path:
    path = Path(home) / "credentials"
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def write_once(path: Path, value: str) -> bool:
    """Create `path` (0600) holding `value`; False when it already exists (its content is kept)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as out:
        out.write(value + "\n")
    return True


def read_secret(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except FileNotFoundError:
        return None


def secret_key(home: Path | str) -> str:
    """SUPERSET_SECRET_KEY, else (local mode only) a random key made once for this installation."""
    key = os.environ.get("SUPERSET_SECRET_KEY", "").strip()
    if key:
        return key
    if is_production():
        raise MissingSecret("CPAAS_ENV=production: set SUPERSET_SECRET_KEY (openssl rand -base64 42)")
    path = Path(home) / "secret_key"
    write_once(path, secrets.token_urlsafe(48))  # several workers may race: the first file wins
    return read_secret(path) or ""


def new_password() -> str:
    return secrets.token_urlsafe(18)


def credential_file(home: Path | str, username: str) -> Path:
    return credentials_dir(home) / username
