"""The dbt project as Dagster sees it: one DbtProject and one CLI resource shared by every dbt asset.

Importing this module does no work: the project is parsed only when Dagster's dbt assets are defined
(`prepared_dbt_project()`) and the manifest is older than a dbt file, or always under `dagster dev`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration import settings

os.environ.setdefault("WAREHOUSE_PATH", str(settings.WAREHOUSE_PATH))
os.environ.setdefault("BILLING_LEDGER_PATH", str(settings.BILLING_LEDGER_PATH))

DBT_TARGET = os.environ.get("DBT_TARGET", "duckdb")
# the dbt of this environment, also when the venv is not on PATH (dagster dev, CI)
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")
# what a manifest is built from: a newer file among these makes it stale
DBT_SOURCES = ("dbt_project.yml", "seeds", "models", "macros", "tests/dbt")

dbt_resource = DbtCliResource(
    project_dir=str(settings.PROJECT_DIR),
    profiles_dir=str(settings.PROJECT_DIR),
    target=DBT_TARGET,
    dbt_executable=DBT_EXECUTABLE,
)


def manifest_is_stale(manifest: Path) -> bool:
    """True when the manifest is missing or older than a dbt file (models, macros, seeds, tests, config)."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in DBT_SOURCES:
        source = settings.PROJECT_DIR / name
        paths = [source] if source.is_file() else source.glob("**/*")
        if any(path.is_file() and path.stat().st_mtime > built for path in paths):
            return True
    return False


@cache
def prepared_dbt_project() -> DbtProject:
    """The dbt project with a current manifest, for defining Dagster's dbt assets: parsed first when the
    project changed since the last manifest (always under `dagster dev`); once per process."""
    project = DbtProject(project_dir=settings.PROJECT_DIR, profiles_dir=settings.PROJECT_DIR, target=DBT_TARGET)
    if project.preparer.using_dagster_dev() or manifest_is_stale(Path(project.manifest_path)):
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
                str(project.target_path),
            ],
            check=True,
        )
    return project


def window_vars(**dbt_vars: object) -> list[str]:
    """`--vars` arguments for a partition window (keys as in dbt_project.yml)."""
    return [
        "--vars",
        json.dumps({key: value if isinstance(value, bool) else str(value) for key, value in dbt_vars.items()}),
    ]
