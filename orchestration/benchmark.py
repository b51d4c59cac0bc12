"""Speed and memory figures of the whole path on a scale profile (never asserted by tests).

    python -m orchestration.benchmark --profile medium --months 3 [--workdir /tmp/bench]

Prints, per step, wall seconds, rows and peak memory: generation, loading every day, a full dbt
build, one daily incremental dbt run (the cost of a day, which must not grow with history), publish.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.benchmark", description=__doc__.split("\n")[0])
    parser.add_argument("--profile", default="medium", choices=["small", "medium", "large"])
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None, help="kept after the run if given")
    args = parser.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="cpaas-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["CPAAS_DATA_DIR"] = str(workdir)
    from orchestration import ingestion, publish, settings
    from orchestration.dbt_project import DBT_EXECUTABLE
    from orchestration.generator import generate

    figures: list[tuple[str, float, str]] = []

    def record(step: str, started: float, detail: str) -> None:
        figures.append((step, time.monotonic() - started, detail))
        print(f"{step:<34} {figures[-1][1]:>8.1f} s   {detail}", flush=True)

    started = time.monotonic()
    manifest = generate(settings.LANDING_PATH, profile=args.profile, months=args.months, start=date(2026, 7, 1))
    lines = sum(entity["lines"] for entity in manifest["totals"].values())
    record("generate", started, f"{lines:,} lines, peak RSS {peak_rss_mb():,.0f} MB")

    days = ingestion.available_days(settings.LANDING_PATH)
    started = time.monotonic()
    outcome = ingestion.load_days(settings.LANDING_PATH, settings.WAREHOUSE_PATH, days, progress=False)
    loaded, _ = ingestion.totals(outcome)
    record("load all days", started, f"{loaded:,} rows in {len(days)} days, peak RSS {peak_rss_mb():,.0f} MB")

    env = {**os.environ, "WAREHOUSE_PATH": str(settings.WAREHOUSE_PATH), "DBT_TARGET_PATH": str(workdir / "target")}
    dbt = [
        DBT_EXECUTABLE,
        "--quiet",
        "build",
        "--project-dir",
        str(settings.PROJECT_DIR),
        "--profiles-dir",
        str(settings.PROJECT_DIR),
    ]

    started = time.monotonic()
    subprocess.run(dbt, env=env, check=True)
    record("dbt build (full)", started, f"peak RSS of dbt {peak_rss_mb(resource.RUSAGE_CHILDREN):,.0f} MB")

    last_day = str(days[-1])
    started = time.monotonic()
    subprocess.run(dbt + ["--vars", json.dumps({"min_date": last_day, "max_date": last_day})], env=env, check=True)
    record("dbt build (one export day)", started, f"window {last_day}")

    started = time.monotonic()
    result = publish.publish(settings.WAREHOUSE_PATH, settings.SERVING_WAREHOUSE_PATH)
    record("publish", started, json.dumps({k: v for k, v in result.items() if k != "seconds"}, default=str)[:120])

    size = settings.WAREHOUSE_PATH.stat().st_size / 1e9
    print(f"\nwarehouse {size:.2f} GB; cores {os.cpu_count()}; DuckDB memory limit {settings.DUCKDB_MEMORY_LIMIT}")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
