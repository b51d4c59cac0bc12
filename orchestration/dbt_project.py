"""The dbt project as Dagster sees it: one DbtProject and one CLI resource shared by every dbt asset."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration import settings

os.environ.setdefault("WAREHOUSE_PATH", str(settings.WAREHOUSE_PATH))
os.environ.setdefault("BILLING_LEDGER_PATH", str(settings.BILLING_LEDGER_PATH))

dbt_project = DbtProject(
    project_dir=settings.PROJECT_DIR,
    profiles_dir=settings.PROJECT_DIR,
    target=os.environ.get("DBT_TARGET", "duckdb"),
)
# the dbt of this environment, also when the venv is not on PATH (dagster dev, CI)
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


def manifest_is_stale() -> bool:
    """True when the manifest is missing or older than a dbt file (models, macros, tests, config)."""
    manifest = Path(dbt_project.manifest_path)
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    project = Path(settings.PROJECT_DIR)
    sources = [project / "dbt_project.yml", *(project / "seeds").glob("**/*")]
    for folder in ("models", "macros", "tests/dbt"):
        sources += (project / folder).glob("**/*")
    return any(path.stat().st_mtime > built for path in sources if path.is_file())


# Parse when the project changed since the last manifest (always under `dagster dev`).
if dbt_project.preparer.using_dagster_dev() or manifest_is_stale():
    subprocess.run(
        [
            DBT_EXECUTABLE,
            "--quiet",
            "parse",
            "--project-dir",
            str(settings.PROJECT_DIR),
            "--profiles-dir",
            str(settings.PROJECT_DIR),
            "--target-path",
            str(dbt_project.target_path),
        ],
        check=True,
    )

dbt_resource = DbtCliResource(
    project_dir=dbt_project,
    profiles_dir=str(settings.PROJECT_DIR),
    dbt_executable=DBT_EXECUTABLE,
)


def window_vars(**dbt_vars: object) -> list[str]:
    """`--vars` arguments for a partition window (keys as in dbt_project.yml)."""
    return [
        "--vars",
        json.dumps({key: value if isinstance(value, bool) else str(value) for key, value in dbt_vars.items()}),
    ]
