"""Code style is part of the build: ruff for Python, sqlfluff (duckdb dialect, dbt templater) for SQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True)


def test_ruff_lint():
    result = run(str(BIN / "ruff"), "check", "orchestration", "tests")
    assert result.returncode == 0, result.stdout


def test_ruff_format():
    result = run(str(BIN / "ruff"), "format", "--check", "orchestration", "tests")
    assert result.returncode == 0, result.stdout


@pytest.mark.timeout(900)
def test_sqlfluff_lint_models(tmp_path):
    # the dbt templater compiles against a warehouse: give it an empty one of its own. One process: the dbt
    # templater renders every file in the main process anyway, and a pool of 2 once hung here until the timeout
    env = {**os.environ, "WAREHOUSE_PATH": str(tmp_path / "lint.duckdb"), "DBT_TARGET_PATH": str(tmp_path / "target")}
    result = subprocess.run(
        [str(BIN / "sqlfluff"), "lint", "models", "tests/dbt", "--processes", "1", "--format", "human"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-10000:] + result.stderr[-2000:]
