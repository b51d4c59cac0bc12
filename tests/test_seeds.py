"""Reference data as dbt seeds: seeds/*.csv agree with the export contract (orchestration/contract.py),
load, and pass their data tests."""

from __future__ import annotations

import csv
import re
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


def test_seeds_build_and_pass_their_tests(tmp_path: Path):
    """The seeds are loaded by a real dbt, and their data tests (seeds/_seeds.yml) pass."""
    warehouse = tmp_path / "seeds.duckdb"
    # cautious: the models' tests that read a seed (values_in_reference) are not pulled in without their model
    run_dbt(
        warehouse,
        "build",
        "--select",
        "resource_type:seed",
        "--indirect-selection",
        "cautious",
        target_path=tmp_path / "target",
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from reference.services").fetchone()[0] == len(contract.SERVICES)
        assert con.execute("select count(*) from reference.currencies where minor_units <> 2").fetchone()[0] > 0


def _reference_sets() -> dict[str, set[str]]:
    channels = _rows("channels")
    return {
        "services": {row["service"] for row in _rows("services")},
        "notification channels": {row["channel"] for row in channels if row["channel_family"] == "notification"},
        "messengers": {row["channel"] for row in channels if row["channel_family"] == "messenger"},
        "notification statuses": {row["status"] for row in _rows("notification_statuses")},
        "currencies": {row["currency_code"] for row in _rows("currencies")},
    }


def _typed_reference_lists(text: str) -> list[str]:
    """Lists of two or more reference values typed in SQL: ('a', 'b'), ['a', 'b'] or CASE x when 'a' ... when 'b'."""
    found = []
    for name, values in _reference_sets().items():
        pairs = re.findall(r"'(\w+)'\s*,\s*'(\w+)'", text)
        if any(a in values and b in values for a, b in pairs):
            found.append(f"a list of {name}")
        if len(set(re.findall(r"when\s+'(\w+)'\s+then", text)) & values) >= 2:
            found.append(f"a CASE over {name}")
    return found


def test_no_model_or_macro_types_reference_data():
    """Services, channels, statuses and currencies live in seeds/ only: no SQL types a list of them."""
    assert _typed_reference_lists("where service in ('call_outbound', 'call_inbound')") == ["a list of services"]
    assert "a CASE over notification channels" in _typed_reference_lists(
        "case channel when 'sms' then 'SMS' when 'push' then 'Push' end"
    )
    sql_files = [*(PROJECT_DIR / "models").rglob("*.sql"), *(PROJECT_DIR / "macros").glob("*.sql")]
    typed = {str(path.relative_to(PROJECT_DIR)): _typed_reference_lists(path.read_text()) for path in sql_files}
    assert {path: found for path, found in typed.items() if found} == {}
