"""Adding a service is one row in seeds/services.csv (plus its channel in seeds/channels.csv) and its
tariff: a real dbt build of a copy of the project bills it, labels it and reports it.

The sample export already carries a notification channel the contract does not know (the generator's
unknown enum value): with the project as it is, its usage is set aside as an unknown service; with
the seed rows and a tariff row in the export, the same usage is priced and on the invoices.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration import ingestion
from tests.conftest import PROJECT_DIR

pytestmark = pytest.mark.timeout(1200)

PROJECT_PARTS = ("models", "macros", "seeds", "tests/dbt", "dbt_project.yml", "profiles.yml")
BUILT = "+fct_invoices +rpt_reseller_companies +dim_channels +fct_unpriced_usage"


def _copy_project(target: Path) -> Path:
    for part in PROJECT_PARTS:
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, target / part, symlinks=True)
        else:
            shutil.copy(source, target / part)
    return target


def _append(csv_file: Path, line: str) -> None:
    text = csv_file.read_text()
    csv_file.write_text(text + ("" if text.endswith("\n") else "\n") + line + "\n")


def _build(project: Path, warehouse: Path) -> None:
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse),
        "BILLING_LEDGER_PATH": str(warehouse.with_name("ledger.duckdb")),
        "DBT_TARGET_PATH": str(project / "target"),
    }
    command = [str(Path(sys.executable).parent / "dbt"), "build", "--select", *BUILT.split()]
    # cautious: tests of models outside the selection (that also read a selected node) stay out
    command += ["--indirect-selection", "cautious", "--exclude-resource-type", "unit_test"]
    command += ["--project-dir", str(project), "--profiles-dir", str(project)]
    result = subprocess.run(command, env=env, cwd=project, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"dbt build of the copied project failed:\n{result.stdout[-8000:]}\n{result.stderr[-2000:]}")


def test_a_new_service_is_one_seed_row_plus_its_tariff(sample_landing: Path, built_warehouse: Path, tmp_path: Path):
    manifest = json.loads((sample_landing / "_manifest.json").read_text())
    service = manifest["unknown_enum_values"]["notifications"]["channel"]
    label = f"{service.upper()} business messages"

    # today: the channel's messages are usage of an unknown service, priced nowhere
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        before = con.execute(
            "select count(*), count(*) filter (where rating_issue = 'unknown_service')"
            " from billing.fct_unpriced_usage where service = ?",
            [service],
        ).fetchone()
        assert before[0] > 0 and before[0] == before[1]
        assert (
            con.execute("select count(*) from billing.fct_invoice_lines where service = ?", [service]).fetchone()[0]
            == 0
        )

    # the change: one service row, its channel row, and the platform's tariff for it (as email's)
    project = _copy_project(tmp_path / "project")
    _append(project / "seeds" / "services.csv", f"{service},{label},message,1")
    _append(project / "seeds" / "channels.csv", f"notification,{service},{service.upper()},{service}")
    warehouse = tmp_path / "warehouse.duckdb"
    outcome = ingestion.load_days(sample_landing, warehouse, ingestion.available_days(sample_landing), progress=False)
    assert all(isinstance(result, dict) for result in outcome.values()), outcome
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into raw.tariffs select * replace (? as service, tariff_id + 1000000 as tariff_id)"
            " from raw.tariffs where service = 'email'",
            [service],
        )
    _build(project, warehouse)

    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "select channel_label, billing_service from core.dim_channels where channel_key = ?",
            [f"notification:{service}"],
        ).fetchall() == [(service.upper(), service)]
        assert (
            con.execute("select count(*) from billing.fct_unpriced_usage where service = ?", [service]).fetchone()[0]
            == 0
        )
        lines, labelled, units, amount = con.execute(
            "select count(*), count(*) filter (where description like '%' || ?), count(distinct unit), sum(amount)"
            " from billing.fct_invoice_lines where service = ?",
            [label, service],
        ).fetchone()
        assert lines > 0 and labelled == lines and units == 1 and amount > 0
        report_columns = {
            name
            for (name,) in con.execute(
                "select column_name from information_schema.columns"
                " where table_schema = 'billing' and table_name = 'rpt_reseller_companies'"
            ).fetchall()
        }
        assert {
            f"{service}_sent",
            f"{service}_delivered",
            f"{service}_retail",
            f"{service}_wholesale",
        } <= report_columns
