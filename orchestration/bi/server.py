"""Start, stop and wait for a local Superset (gunicorn) whose metadata lives under SUPERSET_HOME."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from orchestration import settings

CONFIG_PATH = Path(__file__).resolve().parent / "superset_config.py"
BIN_DIR = Path(sys.executable).parent

# LOCAL DEFAULTS ONLY: production sets SUPERSET_ADMIN_USERNAME / SUPERSET_ADMIN_PASSWORD.
LOCAL_ADMIN_USERNAME = "admin"
LOCAL_ADMIN_PASSWORD = "admin"  # noqa: S105 - local default, see docs/bi.md


def admin_credentials() -> tuple[str, str]:
    return (
        os.environ.get("SUPERSET_ADMIN_USERNAME", LOCAL_ADMIN_USERNAME),
        os.environ.get("SUPERSET_ADMIN_PASSWORD", LOCAL_ADMIN_PASSWORD),
    )


def default_url() -> str:
    return os.environ.get("SUPERSET_URL", f"http://127.0.0.1:{os.environ.get('SUPERSET_PORT', '8088')}")


def superset_env(home: Path | None = None) -> dict[str, str]:
    """Environment for every Superset process: config path, home and the project on PYTHONPATH."""
    env = dict(os.environ)
    home = Path(home or settings.SUPERSET_HOME)
    env["SUPERSET_HOME"] = str(home)
    env["SUPERSET_CONFIG_PATH"] = str(CONFIG_PATH)
    env["FLASK_APP"] = "superset.app:create_app()"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(settings.PROJECT_DIR), env.get("PYTHONPATH", "")) if p)
    env.setdefault("SUPERSET_LOG_LEVEL", "WARNING")
    return env


def _superset(args: list[str], env: dict[str, str], log) -> None:
    subprocess.run([str(BIN_DIR / "superset"), *args], env=env, check=True, stdout=log, stderr=log)


def init_metadata(home: Path | None = None, force: bool = False) -> None:
    """db upgrade + admin user + roles; skipped when this home was initialised by this Superset version."""
    import superset

    home = Path(home or settings.SUPERSET_HOME)
    home.mkdir(parents=True, exist_ok=True)
    marker = home / ".initialised"
    version = str(getattr(superset, "__version__", "unknown"))
    if marker.exists() and marker.read_text() == version and not force:
        return
    env = superset_env(home)
    user, password = admin_credentials()
    with open(home / "init.log", "a") as log:
        _superset(["db", "upgrade"], env, log)
        _superset(
            [
                "fab",
                "create-admin",
                "--username",
                user,
                "--password",
                password,
                "--firstname",
                "Admin",
                "--lastname",
                "User",
                "--email",
                f"{user}@localhost",
            ],
            env,
            log,
        )
        _superset(["init"], env, log)
    marker.write_text(version)


def pid_file(home: Path | None = None) -> Path:
    return Path(home or settings.SUPERSET_HOME) / "gunicorn.pid"


def start(
    home: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8088,
    workers: int = 2,
) -> subprocess.Popen:
    """Start gunicorn in the background (own process group); returns the Popen handle."""
    home = Path(home or settings.SUPERSET_HOME)
    init_metadata(home)
    env = superset_env(home)
    log = open(home / "superset.log", "a")  # noqa: SIM115 - kept open for the child
    proc = subprocess.Popen(
        [
            str(BIN_DIR / "gunicorn"),
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--timeout",
            "120",
            "--limit-request-line",
            "0",
            "--limit-request-field_size",
            "0",
            "--pid",
            str(pid_file(home)),
            "superset.app:create_app()",
        ],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    return proc


def wait(url: str | None = None, timeout: float = 180.0) -> None:
    """Block until Superset answers /health with 200."""
    url = (url or default_url()).rstrip("/")
    deadline = time.monotonic() + timeout
    last: Exception | str = "no answer"
    while time.monotonic() < deadline:
        try:
            resp = requests.get(f"{url}/health", timeout=5)
            if resp.status_code == 200:
                return
            last = f"HTTP {resp.status_code}"
        except requests.RequestException as exc:
            last = exc
        time.sleep(1)
    raise TimeoutError(f"Superset at {url} not healthy after {timeout:.0f}s: {last}")


def stop(home: Path | None = None, timeout: float = 30.0) -> bool:
    """Stop the gunicorn started by `start` (by its pid file). Returns False if none was running."""
    path = pid_file(home)
    if not path.exists():
        return False
    try:
        pid = int(path.read_text().strip())
    except ValueError:
        path.unlink(missing_ok=True)
        return False
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        path.unlink(missing_ok=True)
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:  # reap it when it is our child (e.g. started by the tests), else it stays a zombie
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                break
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.3)
    else:
        os.kill(pid, signal.SIGKILL)
    path.unlink(missing_ok=True)
    return True
