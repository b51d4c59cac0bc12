"""Start, stop and wait for a local Superset (gunicorn) whose metadata lives under SUPERSET_HOME."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from orchestration import settings
from orchestration.bi import admin, credentials

CONFIG_PATH = Path(__file__).resolve().parent / "superset_config.py"
BIN_DIR = Path(sys.executable).parent


def admin_credentials(home: Path | None = None) -> tuple[str, str]:
    """SUPERSET_ADMIN_USERNAME / SUPERSET_ADMIN_PASSWORD, else the password file written locally."""
    name = admin.username()
    password = admin.env_password()
    if password is None:
        path = credentials.credential_file(Path(home or os.environ.get("SUPERSET_HOME", settings.SUPERSET_HOME)), name)
        password = credentials.read_secret(path)
        if password is None:
            raise credentials.MissingSecret(f"no admin password: set SUPERSET_ADMIN_PASSWORD or run serve ({path})")
    return name, password


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


def init_metadata(home: Path | None = None, force: bool = False) -> dict:
    """db upgrade + roles (skipped when this home was initialised by this Superset version), then the
    admin account on every start, so a password set in the environment later is applied."""
    import superset

    admin.require_production_secrets()
    home = Path(home or settings.SUPERSET_HOME)
    home.mkdir(parents=True, exist_ok=True)
    marker = home / ".initialised"
    version = str(getattr(superset, "__version__", "unknown"))
    env = superset_env(home)
    if not (marker.exists() and marker.read_text() == version and not force):
        with open(home / "init.log", "a") as log:
            _superset(["db", "upgrade"], env, log)
            _superset(["init"], env, log)
        marker.write_text(version)
    return ensure_admin(home)


def ensure_admin(home: Path | None = None) -> dict:
    """Run orchestration.bi.admin in the Superset app; prints a newly made local password once."""
    env = superset_env(home)
    out = subprocess.run([sys.executable, "-m", "orchestration.bi.admin"], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"admin account failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result.get("password"):
        print(
            f"Superset admin {result['admin']!r}: new password {result['password']} "
            f"(shown once; kept in {result['password_file']}, readable by you only)"
        )
    result.pop("password", None)
    return result


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


# --- Alerts & reports: Redis (broker), Celery worker and beat, each in its own process group with a pid
# file under SUPERSET_HOME; `python -m orchestration.bi celery` starts them, `stop` stops them too.
REPORT_SERVICES = ("redis", "celery-worker", "celery-beat")


def _daemon_pid(home: Path, name: str) -> int | None:
    path = Path(home) / f"{name}.pid"
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError):
        path.unlink(missing_ok=True)
        return None


def _start_daemon(home: Path, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen | None:
    """Start one background service (own session) unless its pid file names a live process."""
    if _daemon_pid(home, name):
        return None
    log = open(Path(home) / f"{name}.log", "a")  # noqa: SIM115 - kept open for the child
    proc = subprocess.Popen(args, env=env, stdout=log, stderr=log, start_new_session=True, cwd=home)
    (Path(home) / f"{name}.pid").write_text(str(proc.pid))
    return proc


def start_reports(home: Path | None = None, redis_port: int | None = None, superset_url: str | None = None) -> dict:
    """Redis on 127.0.0.1 (unless REDIS_URL names another broker), then the Celery worker and beat."""
    home = Path(home or settings.SUPERSET_HOME)
    home.mkdir(parents=True, exist_ok=True)
    env = superset_env(home)
    port = redis_port or int(os.environ.get("REDIS_PORT", "6379"))
    if not os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        (home / "redis").mkdir(exist_ok=True)
        redis_args = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--dir", str(home / "redis")]
        _start_daemon(home, "redis", [*redis_args, "--appendonly", "yes", "--save", ""], env)
        _wait_for_redis(port)
    if superset_url:
        env["SUPERSET_WEBDRIVER_BASEURL"] = superset_url.rstrip("/") + "/"
    celery = [str(BIN_DIR / "celery"), "--app=superset.tasks.celery_app:app"]
    _start_daemon(home, "celery-worker", [*celery, "worker", "--concurrency=1", "--loglevel=INFO"], env)
    beat_file = str(home / "celerybeat-schedule")
    _start_daemon(home, "celery-beat", [*celery, "beat", "--loglevel=INFO", f"--schedule={beat_file}"], env)
    return {"broker": env["REDIS_URL"], **{name: _daemon_pid(home, name) for name in REPORT_SERVICES}}


def _wait_for_redis(port: int, timeout: float = 20.0) -> None:
    import redis

    deadline = time.monotonic() + timeout
    while True:
        try:
            redis.Redis(host="127.0.0.1", port=port, socket_timeout=1).ping()
            return
        except redis.RedisError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"Redis on 127.0.0.1:{port} did not answer") from None
            time.sleep(0.2)


def stop_reports(home: Path | None = None, timeout: float = 20.0) -> list[str]:
    """Stop beat, the worker (and its pool processes), then Redis; returns the names stopped."""
    home = Path(home or settings.SUPERSET_HOME)
    stopped = []
    for name in reversed(REPORT_SERVICES):
        pid = _daemon_pid(home, name)
        if pid is None:
            continue
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    break
            except ChildProcessError:
                pass
            try:
                os.killpg(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.3)
        else:
            os.killpg(pid, signal.SIGKILL)
        (home / f"{name}.pid").unlink(missing_ok=True)
        stopped.append(name)
    return stopped
