"""One place for every path the project reads: dbt, Dagster, the loader and Superset all use these."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _path(env_var: str, default: Path) -> Path:
    value = os.environ.get(env_var)
    return Path(value).resolve() if value else default


DATA_DIR = _path("CPAAS_DATA_DIR", PROJECT_DIR / "data")
# Landing folder of the platform's daily export (layout: docs/export-format.md).
LANDING_PATH = _path("LANDING_PATH", DATA_DIR / "landing")
# The build warehouse: ingestion and dbt write here. dbt's profiles.yml reads the same variable.
WAREHOUSE_PATH = _path("WAREHOUSE_PATH", DATA_DIR / "warehouse.duckdb")
# The invoice ledger: every final invoice, append-only, outside the rebuildable build file (docs/billing.md).
# Keep it with the accounting records: a build file rebuilt without it would re-issue past months.
BILLING_LEDGER_PATH = _path("BILLING_LEDGER_PATH", DATA_DIR / "billing_ledger.duckdb")
# The serving copy Superset reads: replaced atomically after each complete build.
SERVING_WAREHOUSE_PATH = _path("SERVING_WAREHOUSE_PATH", DATA_DIR / "serving" / "warehouse.duckdb")
# Rendered documents (invoice PDFs, monthly Excel reports).
DOCUMENTS_PATH = _path("DOCUMENTS_PATH", DATA_DIR / "documents")
DAGSTER_HOME = _path("DAGSTER_HOME", DATA_DIR / "dagster_home")
SUPERSET_HOME = _path("SUPERSET_HOME", DATA_DIR / "superset_home")

# DuckDB resources: sized for a 2-core machine (peak RSS under 4 GiB, spilling beyond); override for bigger
# hosts. profiles.yml gives dbt the same defaults (tests/test_benchmark.py checks they agree).
DUCKDB_MEMORY_LIMIT = os.environ.get("DUCKDB_MEMORY_LIMIT", "3GB")
DUCKDB_THREADS = int(os.environ.get("DUCKDB_THREADS", "2"))

# The first export day the platform delivered: Dagster's daily partitions and billing months start here,
# and so does the generator's sample export.
EXPORT_START = date.fromisoformat(os.environ.get("EXPORT_START_DATE", "2026-07-01"))
