"""Where generated reports live: an immutable content-addressed file store and the report registry.

Layout under REPORTS_PATH (default data/reports):
    objects/<sha256>.xlsx   every generated file, named by the hash of its bytes, written once, never
                            overwritten: a report's link always serves the bytes of its generation
    registry.jsonl          the registry's history, append-only: one JSON event per line
    registry.duckdb         the registry as a table (reports.report_registry), rebuilt from the history
                            after every event into a temporary file and swapped in with os.replace

Superset reads registry.duckdb as a second database. Like the serving warehouse it is only ever
replaced whole, never opened for writing in place, so Superset reads it while builds hold the
build warehouse and while reports are registered. A lock file serialises writers (Dagster runs,
the CLI, the admin's delete in Superset).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from orchestration import settings

TABLE = "reports.report_registry"
# Registry columns and their DuckDB types: also the Superset dataset's columns (specs/reports.py).
COLUMNS = [
    ("report_id", "VARCHAR"),
    ("name", "VARCHAR"),
    ("category", "VARCHAR"),
    ("company_id", "BIGINT"),
    ("company_name", "VARCHAR"),
    ("period", "DATE"),
    ("created_at", "TIMESTAMP"),
    ("status", "VARCHAR"),
    ("error", "VARCHAR"),
    ("trigger", "VARCHAR"),
    ("file_sha256", "VARCHAR"),
    ("data_sha256", "VARCHAR"),
    ("size_bytes", "BIGINT"),
]
STATUSES = ("running", "succeeded", "failed")
# Report ids are the links' secret part: 128 random bits, URL-safe base64 (secrets.token_urlsafe(16)).
REPORT_ID = re.compile(r"[A-Za-z0-9_-]{22}")
SHA256 = re.compile(r"[0-9a-f]{64}")


def reports_dir() -> Path:
    """REPORTS_PATH, read at call time (tests and the Superset process set it in the environment)."""
    value = os.environ.get("REPORTS_PATH")
    return Path(value).resolve() if value else settings.DATA_DIR / "reports"


def registry_path() -> Path:
    return reports_dir() / "registry.duckdb"


def _log_path() -> Path:
    return reports_dir() / "registry.jsonl"


def object_path(sha256: str) -> Path:
    if not SHA256.fullmatch(sha256 or ""):
        raise ValueError(f"not a sha256: {sha256!r}")
    return reports_dir() / "objects" / f"{sha256}.xlsx"


@contextlib.contextmanager
def locked():
    """One writer of the registry at a time (across processes)."""
    reports_dir().mkdir(parents=True, exist_ok=True)
    with open(reports_dir() / ".registry.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def put_object(content: bytes) -> str:
    """Store bytes under their hash; an existing object is kept as it is (same hash, same bytes)."""
    sha = hashlib.sha256(content).hexdigest()
    path = object_path(sha)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o444)  # read-only: an issued report is never edited in place
        os.replace(tmp, path)
    return sha


def read_object(sha256: str) -> bytes:
    content = object_path(sha256).read_bytes()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise RuntimeError(f"report object {sha256} does not match its hash: refusing to serve it")
    return content


def _json_default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not serialisable: {value!r}")


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def state() -> dict[str, dict]:
    """{report id: row} as of the last event; deleted reports are absent."""
    rows: dict[str, dict] = {}
    path = _log_path()
    if not path.exists():
        return rows
    for line in path.read_text().splitlines():
        event = json.loads(line)
        if event["event"] == "deleted":
            rows.pop(event["report_id"], None)
        else:
            rows[event["report_id"]] = {**rows.get(event["report_id"], {}), **event["row"]}
    return rows


_deferred: list[bool] = []  # inside `batch()`: the table is rebuilt once at its end


@contextlib.contextmanager
def batch():
    """Many events (a monthly run), one rebuild of the registry table at the end."""
    _deferred.append(True)
    try:
        yield
    finally:
        _deferred.pop()
        if not _deferred:
            with locked():
                materialise()


def append(report_id: str, event: str, row: dict | None = None) -> None:
    """Append one event to the history and rebuild the registry table. Call under `locked()`."""
    entry = {"at": now(), "event": event, "report_id": report_id, "row": row or {}}
    path = _log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fh.write(json.dumps(entry, default=_json_default, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    if not _deferred:
        materialise()


def materialise() -> Path:
    """Write the registry table into a new file and swap it in atomically."""
    target = registry_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".registry.", suffix=".duckdb")
    os.close(fd)
    os.remove(tmp)  # DuckDB creates the file itself
    try:
        con = duckdb.connect(tmp)
        try:
            con.execute("create schema reports")
            con.execute(f"create table {TABLE} ({', '.join(f'{n} {t}' for n, t in COLUMNS)})")
            names = [n for n, _ in COLUMNS]
            values = [[row.get(n) for n in names] for row in state().values()]
            if values:
                con.executemany(f"insert into {TABLE} values ({', '.join('?' for _ in names)})", values)
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, tmp + ".wal"):
            if os.path.exists(leftover):
                os.remove(leftover)
    return target


def ensure_registry() -> Path:
    """The registry file exists (empty at first), so Superset can open it before the first report."""
    if not registry_path().exists():
        with locked():
            if not registry_path().exists():
                materialise()
    return registry_path()
