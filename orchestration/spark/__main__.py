"""`python -m orchestration.spark dbt <dbt args>`: dbt on the Spark target in this process, after the
session of session.py exists (dbt-spark's session method then reuses it through getOrCreate)."""

from __future__ import annotations

import os
import sys

from orchestration import settings
from orchestration.spark.session import spark_session


def run_dbt(args: list[str]) -> int:
    """dbt in-process with --target spark (unless given); the exit code dbt's CLI would return."""
    from dbt.cli.main import dbtRunner

    spark_session()
    if "--target" not in args and "-t" not in args:
        args = [*args, "--target", "spark"]
    if "--profiles-dir" not in args:
        args = [*args, "--profiles-dir", str(settings.PROJECT_DIR)]
    if "--project-dir" not in args:
        args = [*args, "--project-dir", str(settings.PROJECT_DIR)]
    result = dbtRunner().invoke(args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        print(f"dbt failed: {result.exception}", file=sys.stderr)
        return 2
    return 0 if result.success else 1


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "dbt":
        print("usage: python -m orchestration.spark dbt <dbt arguments>", file=sys.stderr)
        return 2
    os.environ.setdefault("DBT_TARGET", "spark")
    return run_dbt(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
