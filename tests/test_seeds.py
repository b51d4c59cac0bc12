"""Reference data as dbt seeds: seeds/*.csv agree with the export contract (orchestration/contract.py)
and hold the same facts as the macros they are to replace."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from orchestration import contract
from tests.conftest import PROJECT_DIR, run_dbt

SEEDS_DIR = PROJECT_DIR / "seeds"


def _rows(seed: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / f"{seed}.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def test_services_are_the_contract_services():
    assert tuple(row["service"] for row in _rows("services")) == contract.SERVICES
    assert contract.ENUMS[("tariffs", "service")] == contract.SERVICES


def test_channels_are_the_contract_channels_and_messengers():
    by_family: dict[str, list[str]] = {}
    for row in _rows("channels"):
        by_family.setdefault(row["channel_family"], []).append(row["channel"])
    assert tuple(by_family["notification"]) == contract.ENUMS[("notifications", "channel")]
    assert tuple(by_family["messenger"]) == contract.ENUMS[("chat_messages", "messenger")]
    assert set(by_family) == {"notification", "messenger"}


def test_notification_statuses_are_the_contract_statuses():
    statuses = [row["status"] for row in _rows("notification_statuses")]
    assert sorted(statuses) == sorted(contract.ENUMS[("notification_events", "status")])
    assert len(statuses) == len(set(statuses))


# Rows where a seed and the macro it is to replace disagree (empty when they hold the same facts).
MACRO_DISAGREEMENTS = """
select 'services' as seed, s.service as value from {{ ref('services') }} as s
where {{ billing_service_label('s.service') }} <> s.service_label
    or {{ billing_unit_name('s.service') }} <> s.unit
    or {{ billing_unit_divisor('s.service') }} <> s.unit_divisor
union all
select 'currencies', c.currency_code from {{ ref('currencies') }} as c
where {{ billing_minor_units('c.currency_code') }} <> c.minor_units
union all
select 'notification_statuses', n.status from {{ ref('notification_statuses') }} as n
where ({{ marts_notification_status_rank('n.status') }}) <> n.status_rank
"""


def test_seeds_hold_the_facts_of_the_macros_they_replace(tmp_path: Path):
    """The seeds are loaded and tested by a real dbt; the macros are compiled by dbt and run on them."""
    warehouse = tmp_path / "seeds.duckdb"
    run_dbt(warehouse, "build", "--select", "resource_type:seed", target_path=tmp_path / "target")
    compiled = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "--quiet",
            "compile",
            "--inline",
            MACRO_DISAGREEMENTS,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
        ],
        env={**os.environ, "WAREHOUSE_PATH": str(warehouse)},
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(compiled).fetchall() == []
        assert con.execute("select count(*) from reference.services").fetchone()[0] == len(contract.SERVICES)
