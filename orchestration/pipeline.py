"""The main job of `make run`: sample export -> raw -> dbt -> billing -> serving file.

The scheduled path is Dagster (orchestration/definitions.py); this command runs the same steps
for a whole sample at once so a fresh machine is ready in minutes:

    python -m orchestration.pipeline --profile small --months 3
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from orchestration import ingestion, publish, settings
from orchestration.dbt_project import DBT_EXECUTABLE


def dbt(*args: str) -> None:
    command = [
        DBT_EXECUTABLE,
        *args,
        "--project-dir",
        str(settings.PROJECT_DIR),
        "--profiles-dir",
        str(settings.PROJECT_DIR),
    ]
    print("$ dbt " + " ".join(args), flush=True)
    env = {**os.environ, "WAREHOUSE_PATH": str(settings.WAREHOUSE_PATH)}
    subprocess.run(command, check=True, env=env, cwd=settings.PROJECT_DIR)


def billed_months() -> list[str]:
    import duckdb

    with duckdb.connect(str(settings.WAREHOUSE_PATH), read_only=True) as con:
        rows = con.execute("select distinct strftime(invoice_month, '%Y-%m-%d') from billing.fct_invoices order by 1")
        return [month for (month,) in rows.fetchall()]


# A warehouse the sample run created carries this table; any other warehouse is never written with samples.
SAMPLE_WAREHOUSE_MARKER = "main.cpaas_sample_warehouse"


class ForeignWarehouse(Exception):
    """An existing warehouse that no sample run created: sample data (and finalised months) never go there."""


def claim_sample_warehouse(warehouse: Path) -> None:
    """Refuse an existing warehouse without the sample marker."""
    import duckdb

    if not warehouse.exists():
        return
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marked = con.execute(
            "select count(*) from information_schema.tables"
            " where table_schema = 'main' and table_name = 'cpaas_sample_warehouse'"
        ).fetchone()[0]
    if not marked:
        raise ForeignWarehouse(
            f"{warehouse} exists and was not created by a sample run: refusing to load sample data into it"
            " and finalise its months. Point WAREHOUSE_PATH at a new file, or use --skip-generate to build"
            " from the landing folder as it is."
        )


def mark_sample_warehouse(warehouse: Path) -> None:
    from orchestration import ingestion

    con = ingestion.connect(warehouse)
    try:
        con.execute(f"create table if not exists {SAMPLE_WAREHOUSE_MARKER} as select now() as created_at")
    finally:
        con.close()


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.pipeline", description=__doc__.split("\n")[0])
    parser.add_argument("--profile", default="small", choices=["small", "medium", "large"])
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--start", type=date.fromisoformat, default=settings.EXPORT_START)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--skip-generate", action="store_true", help="load what is already in the landing folder")
    args = parser.parse_args(argv)
    started = time.monotonic()

    if not args.skip_generate:
        from orchestration.generator import ForeignLandingFolder, claim_landing, generate

        try:  # both checked before anything is written
            claim_sample_warehouse(settings.WAREHOUSE_PATH)
            claim_landing(settings.LANDING_PATH)
        except (ForeignWarehouse, ForeignLandingFolder) as error:
            print(f"REFUSED: {error}", file=sys.stderr)
            return 2
        mark_sample_warehouse(settings.WAREHOUSE_PATH)
        step(f"generate a {args.profile} sample export of {args.months} months into {settings.LANDING_PATH}")
        generate(settings.LANDING_PATH, profile=args.profile, months=args.months, start=args.start, seed=args.seed)

    step(f"load the landing folder into {settings.WAREHOUSE_PATH} (raw schema)")
    days = ingestion.available_days(settings.LANDING_PATH)
    outcome = ingestion.load_days(settings.LANDING_PATH, settings.WAREHOUSE_PATH, days, progress=False)
    failed = {day: error for day, error in outcome.items() if isinstance(error, Exception)}
    loaded, quarantined = ingestion.totals(outcome)
    print(f"{len(days) - len(failed)} days, {loaded:,} rows loaded, {quarantined:,} lines quarantined")
    for day, error in failed.items():
        print(f"NOT LOADED {day}: {error}", file=sys.stderr)

    step("dbt build (every model and test)")
    dbt("build")

    from orchestration.billing.documents import render_month_documents

    step(f"render invoice PDFs and Excel reports into {settings.DOCUMENTS_PATH}")
    for month in billed_months():
        result = render_month_documents(month, settings.WAREHOUSE_PATH, settings.DOCUMENTS_PATH)
        print(
            f"{result.month}: {result.invoices} invoices ({result.final_invoices} final), "
            f"{len(result.pdf_written)} PDFs written, {len(result.excel_written)} Excel reports"
        )

    step(f"publish the marts to {settings.SERVING_WAREHOUSE_PATH}")
    print(publish.publish(settings.WAREHOUSE_PATH, settings.SERVING_WAREHOUSE_PATH))

    print(f"\npipeline finished in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
