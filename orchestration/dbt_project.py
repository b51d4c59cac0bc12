"""The dbt project as Dagster sees it: one DbtProject and one CLI resource shared by every dbt asset."""

from __future__ import annotations

import json
import os

from dagster_dbt import DbtCliResource, DbtProject

from orchestration import settings

os.environ.setdefault("WAREHOUSE_PATH", str(settings.WAREHOUSE_PATH))

dbt_project = DbtProject(
    project_dir=settings.PROJECT_DIR,
    profiles_dir=settings.PROJECT_DIR,
    target=os.environ.get("DBT_TARGET", "duckdb"),
)
dbt_project.prepare_if_dev()

dbt_resource = DbtCliResource(project_dir=dbt_project, profiles_dir=str(settings.PROJECT_DIR))


def window_vars(**dbt_vars: object) -> list[str]:
    """`--vars` arguments for a partition window (keys as in dbt_project.yml)."""
    return ["--vars", json.dumps({key: str(value) for key, value in dbt_vars.items()})]
