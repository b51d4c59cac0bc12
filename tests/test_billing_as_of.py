"""The billing "as of" time is checked strictly before it reaches SQL: ISO date or UTC timestamp only,
a real calendar time, never in the future (it would finalise drafts early). Checked twice: by the Dagster
run config (orchestration.billing.definitions) and by the dbt macro billing_checked_time, so a plain
`dbt build --vars` is refused too."""

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from orchestration import settings
from orchestration.billing.definitions import billing_build_args, checked_as_of

REFUSED = [
    "2026-08-05' or 1=1 --",
    "2026-08-05 06:00:00'",
    "2026-02-30",
    "2026-08-05 24:00:00",
    "2026-08-05 06:00:00+02:00",
    "yesterday",
    "",
]


@pytest.mark.parametrize("value", ["2026-08-05", "2026-08-05 06:00", "2026-08-05T06:00:00", "2026-08-05 06:00:00.5"])
def test_iso_times_are_accepted(value):
    assert checked_as_of(value).startswith("2026-08-05")


@pytest.mark.parametrize("value", REFUSED)
def test_anything_else_is_refused(value):
    with pytest.raises(ValueError, match="ISO date"):
        checked_as_of(value)


def test_a_future_as_of_is_refused():
    tomorrow = (datetime.utcnow() + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    with pytest.raises(ValueError, match="future"):
        checked_as_of(tomorrow)
    with pytest.raises(ValueError, match="future"):
        billing_build_args("2026-07-01", tomorrow)


def dbt_compile(tmp_path: Path, as_of: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb"),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "BILLING_LEDGER_PATH": str(tmp_path / "ledger.duckdb"),
    }
    vars_json = json.dumps({"billing_month": "2026-07-01", "billing_as_of": as_of})
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "compile",
            "--inline",
            "select {{ billing_as_of() }} as as_of",
            "--vars",
            vars_json,
            "--profiles-dir",
            str(settings.PROJECT_DIR),
        ],
        env=env,
        cwd=settings.PROJECT_DIR,
        capture_output=True,
        text=True,
    )


def test_dbt_refuses_a_quote_and_a_future_date(tmp_path):
    ok = dbt_compile(tmp_path, "2026-08-05 06:00:00")
    assert ok.returncode == 0, ok.stdout[-3000:]
    assert "cast('2026-08-05 06:00:00.000000' as timestamp)" in ok.stdout

    quoted = dbt_compile(tmp_path, "2026-08-05' or '1'='1")
    assert quoted.returncode != 0
    assert "billing_as_of is not an ISO date" in quoted.stdout
    assert "or '1'='1' as timestamp" not in quoted.stdout

    future = (datetime.utcnow() + timedelta(days=3)).strftime("%Y-%m-%d")
    ahead = dbt_compile(tmp_path, future)
    assert ahead.returncode != 0
    assert "billing_as_of is in the future" in ahead.stdout
