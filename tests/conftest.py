"""Shared fixtures: one small generated export, loaded and built once per test session.

Every path the project uses comes from orchestration.settings, which reads the environment at
import: the session's data folder is set here, before any project module is imported, so tests
never touch the developer's own data/ folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

SESSION_DATA_DIR = Path(tempfile.mkdtemp(prefix="cpaas-tests-"))
os.environ["CPAAS_DATA_DIR"] = str(SESSION_DATA_DIR)
for variable in (
    "LANDING_PATH",
    "WAREHOUSE_PATH",
    "SERVING_WAREHOUSE_PATH",
    "DOCUMENTS_PATH",
    "DAGSTER_HOME",
    "BILLING_LEDGER_PATH",
):
    os.environ.pop(variable, None)
os.environ["DAGSTER_HOME"] = str(SESSION_DATA_DIR / "dagster_home")
Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
# the environment's executables (dbt, superset, gunicorn) also when pytest runs without an activated venv
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
# dbt of the tests writes its artifacts and logs away from the project's target/
os.environ["DBT_LOG_PATH"] = str(SESSION_DATA_DIR / "dbt_logs")

PROJECT_DIR = Path(__file__).resolve().parent.parent
# the first export day of the settings, read after the environment above is set
from orchestration.settings import EXPORT_START  # noqa: E402

SAMPLE_START = EXPORT_START
SAMPLE_MONTHS = 2
SAMPLE_SEED = 7


def run_dbt(warehouse: Path, *args: str, target_path: Path | None = None) -> subprocess.CompletedProcess:
    """Run the project's dbt against a given warehouse file; fails the test with dbt's output."""
    # a warehouse of its own bills into a ledger of its own (a ledger restores its invoices into any new build)
    ledger = warehouse.with_name(f"{warehouse.stem}.ledger.duckdb")
    env = {**os.environ, "WAREHOUSE_PATH": str(warehouse), "BILLING_LEDGER_PATH": str(ledger)}
    if target_path:
        env["DBT_TARGET_PATH"] = str(target_path)
    command = [
        str(Path(sys.executable).parent / "dbt"),
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
    ]
    result = subprocess.run(command, env=env, cwd=PROJECT_DIR, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"dbt {' '.join(args)} failed:\n{result.stdout[-8000:]}\n{result.stderr[-3000:]}")
    return result


@pytest.fixture(scope="session")
def sample_landing() -> Path:
    """A small dirty export of two months (the default dirt rate), generated once."""
    from orchestration.generator import generate

    landing = SESSION_DATA_DIR / "landing"
    generate(landing, profile="small", months=SAMPLE_MONTHS, start=SAMPLE_START, seed=SAMPLE_SEED)
    return landing


@pytest.fixture(scope="session")
def built_warehouse(sample_landing: Path) -> Path:
    """The sample export loaded and built by `dbt build` (every model and test): a DuckDB file path."""
    from orchestration import ingestion

    warehouse = SESSION_DATA_DIR / "built" / "warehouse.duckdb"
    outcome = ingestion.load_days(sample_landing, warehouse, ingestion.available_days(sample_landing), progress=False)
    assert all(isinstance(result, dict) for result in outcome.values()), outcome
    run_dbt(warehouse, "build", target_path=SESSION_DATA_DIR / "built" / "target")
    return warehouse
