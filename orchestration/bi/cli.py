"""`python -m orchestration.bi COMMAND`: serve, stop, celery, wait, import, schedules, export, roles, publish,
generate."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from orchestration import settings
from orchestration.bi import bundle, server
from orchestration.bi.client import SupersetClient


def client(url: str | None = None) -> SupersetClient:
    user, password = server.admin_credentials()
    return SupersetClient(url or server.default_url(), user, password)


def import_bundle(
    url: str | None = None, bundle_dir: Path | str = bundle.BUNDLE_DIR, serving_path: Path | str | None = None
) -> list[str]:
    """Import (overwrite) every asset of the bundle; idempotent (uuids). Returns the dashboard uuids."""
    content = bundle.zip_bundle(bundle_dir, serving_path or settings.SERVING_WAREHOUSE_PATH)
    client(url).import_assets(content)
    return bundle.bundle_uuids(bundle_dir)


def export_bundle(url: str | None = None, bundle_dir: Path | str = bundle.BUNDLE_DIR) -> dict[str, str]:
    """Export every dashboard of the running Superset into bundle_dir, normalised."""
    c = client(url)
    ids = [d["id"] for d in c.list_all("dashboard", ["id"])]
    files = bundle.normalise_export(c.export_dashboards(ids)) if ids else {}
    bundle.write_bundle(files, bundle_dir)
    (Path(bundle_dir) / "metadata.yaml").write_text(bundle.dump_yaml({"type": "assets", "version": "1.0.0"}))
    return files


def create_roles(
    home: Path | None = None, warehouse: Path | str | None = None, disable: list[str] = (), enable: list[str] = ()
) -> dict:
    """Reseller roles, users and RLS filters (or only disable/enable the users named)."""
    env = server.superset_env(home)
    env["BI_ROLES_WAREHOUSE"] = str(warehouse or settings.SERVING_WAREHOUSE_PATH)
    args = [sys.executable, "-m", "orchestration.bi.roles"]
    if disable:
        args += ["--disable", *disable]
    if enable:
        args += ["--enable", *enable]
    for _attempt in range(3):  # SQLite metadata can be briefly locked by the running server
        out = subprocess.run(args, env=env, capture_output=True, text=True)
        if out.returncode == 0:
            break
    else:
        raise RuntimeError(f"reseller roles failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.bi", description=__doc__)
    parser.add_argument("--url", default=None, help="Superset URL (default $SUPERSET_URL or 127.0.0.1:8088)")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("serve", help="init metadata (once) and start gunicorn in the background")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=int(os.environ.get("SUPERSET_PORT", "8088")))
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--foreground", action="store_true", help="stay attached until Ctrl-C")
    sub.add_parser("stop", help="stop the gunicorn started by serve, the Celery worker and beat, and Redis")
    p = sub.add_parser("celery", help="start Redis (unless REDIS_URL), the Celery worker and beat for e-mail reports")
    p.add_argument("--redis-port", type=int, default=None, help="default $REDIS_PORT or 6379")
    p = sub.add_parser("schedules", help="create or update the e-mail reports of orchestration/bi/schedules.yaml")
    p.add_argument("--file", type=Path, default=None)
    p = sub.add_parser("wait", help="wait until Superset answers /health")
    p.add_argument("--timeout", type=float, default=180)
    p = sub.add_parser("import", help="import dashboards/ (overwrite, idempotent)")
    p.add_argument("--bundle", type=Path, default=bundle.BUNDLE_DIR)
    p.add_argument("--serving-path", type=Path, default=None)
    p = sub.add_parser("export", help="compare Superset with orchestration/bi/specs/; name the spec of each UI edit")
    p.add_argument("--into", type=Path, default=None, help="also keep the normalised export there (not dashboards/)")
    p = sub.add_parser(
        "roles",
        help="create reseller roles, users (own password in SUPERSET_HOME/credentials/) and RLS filters "
        "from core.dim_companies; revoke former resellers",
    )
    p.add_argument("--warehouse", type=Path, default=None)
    p.add_argument("--disable", nargs="+", default=[], metavar="USER", help="only disable these users")
    p.add_argument("--enable", nargs="+", default=[], metavar="USER", help="only enable these users again")
    p = sub.add_parser("publish", help="publish the build warehouse to the serving file atomically")
    p.add_argument("--build-path", type=Path, default=settings.WAREHOUSE_PATH)
    p.add_argument("--serving-path", type=Path, default=settings.SERVING_WAREHOUSE_PATH)
    p = sub.add_parser("generate", help="write dashboards/ from orchestration/bi/specs/ (offline)")
    p.add_argument("--check", action="store_true", help="only compare; exit 1 if dashboards/ differs")
    args = parser.parse_args(argv)

    if args.cmd == "serve":
        if server.pid_file().exists():
            print(f"already running? {server.pid_file()} exists; run stop first", file=sys.stderr)
            return 1
        proc = server.start(host=args.host, port=args.port, workers=args.workers)
        url = f"http://{args.host}:{args.port}"
        server.wait(url)
        print(f"Superset up at {url} (pid {proc.pid}, log {settings.SUPERSET_HOME / 'superset.log'})")
        if args.foreground:
            try:
                proc.wait()
            except KeyboardInterrupt:
                server.stop()
    elif args.cmd == "stop":
        print("stopped" if server.stop() else "not running")
        print(f"stopped {', '.join(server.stop_reports()) or 'no report services (none running)'}")
    elif args.cmd == "celery":
        print(
            json.dumps(server.start_reports(redis_port=args.redis_port, superset_url=args.url or server.default_url()))
        )
    elif args.cmd == "schedules":
        from orchestration.bi import schedules

        applied = schedules.apply(client(args.url), args.file or schedules.SCHEDULES_FILE)
        print(json.dumps(applied))
    elif args.cmd == "wait":
        server.wait(args.url, args.timeout)
    elif args.cmd == "import":
        uuids = import_bundle(args.url, args.bundle, args.serving_path)
        print(f"imported {len(uuids)} dashboards from {args.bundle}")
    elif args.cmd == "export":
        from orchestration.bi.ui_edits import export_and_report

        return export_and_report(lambda folder: export_bundle(args.url, folder), args.into)
    elif args.cmd == "roles":
        print(json.dumps(create_roles(warehouse=args.warehouse, disable=args.disable, enable=args.enable)))
    elif args.cmd == "publish":
        from orchestration.publish import publish

        print(json.dumps(publish(args.build_path, args.serving_path)))
    elif args.cmd == "generate":
        from orchestration.bi.generate import main as generate

        return generate(["--check"] if args.check else [])
    return 0
