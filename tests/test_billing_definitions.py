"""Dagster billing definitions load, and the monthly partition reaches dbt as vars."""

import json
from datetime import datetime

from dagster import Definitions, build_schedule_context

from orchestration.billing.definitions import (
    billing_build_args,
    billing_dbt_assets,
    billing_documents,
    billing_job,
    billing_months,
    billing_reports,
    billing_schedule,
    billing_serving_warehouse,
    previous_month_key,
)
from orchestration.dbt_project import dbt_resource


def test_definitions_load():
    defs = Definitions(
        assets=[billing_dbt_assets, billing_documents, billing_reports, billing_serving_warehouse],
        jobs=[billing_job],
        schedules=[billing_schedule],
        resources={"dbt": dbt_resource},
    )
    defs.resolve_all_job_defs()
    names = {key.path[-1] for key in billing_dbt_assets.keys}
    assert {
        "int_rated_usage",
        "fct_invoices",
        "fct_invoice_lines",
        "rpt_reseller_companies",
        "fct_account_transactions",
    } <= names
    assert billing_dbt_assets.partitions_def == billing_months


def test_partition_reaches_dbt_as_vars():
    args = billing_build_args("2026-07-01")
    assert args[0] == "build"
    assert json.loads(args[args.index("--vars") + 1]) == {"billing_month": "2026-07-01"}
    args = billing_build_args("2026-07-01", "2026-08-05 06:00:00")
    assert json.loads(args[args.index("--vars") + 1])["billing_as_of"] == "2026-08-05 06:00:00"


def test_schedule_runs_the_closing_month_through_the_grace_period():
    assert billing_schedule.cron_schedule == "0 6 1-7 * *"
    assert previous_month_key(datetime(2026, 8, 1, 6)) == "2026-07-01"
    assert previous_month_key(datetime(2026, 1, 4, 6)) == "2025-12-01"
    defs = Definitions(
        assets=[billing_dbt_assets, billing_documents, billing_reports, billing_serving_warehouse],
        jobs=[billing_job],
        schedules=[billing_schedule],
        resources={"dbt": dbt_resource},
    )
    context = build_schedule_context(
        scheduled_execution_time=datetime(2026, 9, 1, 6), repository_def=defs.get_repository_def()
    )
    request = billing_schedule.evaluate_tick(context).run_requests[0]
    assert request.partition_key == "2026-08-01"
