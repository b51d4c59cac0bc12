"""Monthly billing in Dagster: the dbt models tagged `billing` as monthly-partitioned assets, the
documents asset (invoice PDFs, Excel reports), the billing job and its schedule.

The lead registers in the top-level Definitions:
    assets=[billing_dbt_assets, billing_documents, billing_reports], jobs=[billing_job], schedules=[billing_schedule]
(the dbt resource key is "dbt", as for the daily dbt assets).

Time zone and timing (docs/billing.md): partitions are calendar months labelled in UTC; each company's
period is its own local month. `billing_schedule` runs at 06:00 UTC on days 1..(grace + 4) of every month
for the month that just ended: day 1 creates the drafts, the next days refresh them with late usage, and
the first run after every company's grace period (local midnight of the 1st + invoice_grace_days, at
most 12 h behind UTC) finalises them; later runs of that month are no-ops for final invoices.
"""

import json
import os
import re
from datetime import date, datetime, timedelta

import yaml
from dagster import (
    AssetExecutionContext,
    AssetSelection,
    BackfillPolicy,
    Config,
    MaterializeResult,
    MetadataValue,
    MonthlyPartitionsDefinition,
    RunRequest,
    ScheduleEvaluationContext,
    asset,
    define_asset_job,
    schedule,
)
from dagster_dbt import DbtCliResource, dbt_assets, get_asset_key_for_model

from orchestration import settings
from orchestration.assets.dbt import translator
from orchestration.assets.publish import published_warehouse_asset
from orchestration.billing.documents import render_month_documents
from orchestration.dbt_project import prepared_dbt_project
from orchestration.reports import service as reports_service

# First billing month: the month of the first export day, unless set.
BILLING_START_DATE = os.environ.get("BILLING_START_DATE", settings.EXPORT_START.replace(day=1).isoformat())
SCHEDULE_HOUR_UTC = 6

billing_months = MonthlyPartitionsDefinition(start_date=BILLING_START_DATE, timezone="UTC", end_offset=0)


def invoice_grace_days() -> int:
    """var invoice_grace_days of dbt_project.yml (the schedule keeps running until every grace period ended)."""
    with open(settings.PROJECT_DIR / "dbt_project.yml") as fh:
        return int((yaml.safe_load(fh).get("vars") or {}).get("invoice_grace_days", 3))


class BillingRunConfig(Config):
    # "now" of the run (UTC, 'YYYY-MM-DD HH:MM:SS'): decides draft vs final. Empty = the clock.
    as_of: str = ""


_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?")


def checked_as_of(as_of: str, now: datetime | None = None) -> str:
    """The as-of time of a run, strictly ISO (UTC, no offset) and not in the future.

    The same rule as macro billing_checked_time: refused here already so a bad value never reaches dbt.
    """
    text = as_of.strip()
    problem = f"as_of must be an ISO date or UTC timestamp (YYYY-MM-DD HH:MM:SS), got {as_of!r}"
    if not _ISO_TIME.fullmatch(text):
        raise ValueError(problem)
    try:
        moment = datetime.fromisoformat(text.replace("T", " "))
    except ValueError:  # 2026-02-30, 24:00, ...
        raise ValueError(problem) from None
    if moment > (now or datetime.utcnow()):
        raise ValueError(f"as_of {as_of!r} is in the future: a billing run cannot be dated ahead of the clock")
    return text.replace("T", " ")


def billing_vars(partition_key: str, as_of: str = "") -> dict[str, str]:
    """dbt vars of a monthly run: the partition's month, and optionally the as-of time."""
    month = date.fromisoformat(partition_key[:10]).replace(day=1)
    dbt_vars = {"billing_month": month.isoformat()}
    if as_of:
        dbt_vars["billing_as_of"] = checked_as_of(as_of)
    return dbt_vars


def billing_build_args(partition_key: str, as_of: str = "") -> list[str]:
    # unit tests run in CI (`dbt build -s tag:billing`), not in every monthly run
    return ["build", "--vars", json.dumps(billing_vars(partition_key, as_of)), "--exclude-resource-type", "unit_test"]


@dbt_assets(
    manifest=prepared_dbt_project().manifest_path,
    project=prepared_dbt_project(),
    select="tag:billing",
    partitions_def=billing_months,
    dagster_dbt_translator=translator,
    # months one at a time and in order: a run reads the invoices the previous months left
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
    name="billing_dbt_assets",
)
def billing_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource, config: BillingRunConfig):
    yield from dbt.cli(billing_build_args(context.partition_key, config.as_of), context=context).stream()


@asset(
    name="billing_documents",
    key_prefix=["billing"],
    group_name="billing",
    partitions_def=billing_months,
    deps=[
        get_asset_key_for_model([billing_dbt_assets], "fct_invoices"),
        get_asset_key_for_model([billing_dbt_assets], "fct_invoice_lines"),
        get_asset_key_for_model([billing_dbt_assets], "int_billing_usage_monthly"),
        get_asset_key_for_model([billing_dbt_assets], "fct_unpriced_usage"),
    ],
    description="Invoice PDFs and monthly Excel reports per company, under DOCUMENTS_PATH.",
)
def billing_documents(context: AssetExecutionContext) -> MaterializeResult:
    result = render_month_documents(context.partition_key, settings.WAREHOUSE_PATH, settings.DOCUMENTS_PATH)
    unpriced = sum(result.unpriced_events.values())
    if unpriced:
        context.log.warning(
            f"{unpriced} usage events of {result.month} could not be priced: "
            f"{result.unpriced_events} (see billing.fct_unpriced_usage)"
        )
    return MaterializeResult(
        metadata={
            "invoices": result.invoices,
            "final_invoices": result.final_invoices,
            "draft_invoices": result.draft_invoices,
            "pdf_written": len(result.pdf_written),
            "pdf_kept_final": len(result.pdf_kept),
            "excel_reports": len(result.excel_written),
            "unpriced_events": unpriced,
            "unpriced_by_reason": MetadataValue.json(result.unpriced_events),
            "documents_path": MetadataValue.path(str(settings.DOCUMENTS_PATH / "invoices" / result.month)),
        }
    )


@asset(
    name="billing_reports",
    key_prefix=["billing"],
    group_name="billing",
    partitions_def=billing_months,
    deps=[billing_documents.key],
    description="The Reports page's Excel reports (calls, chats, notifications) of every active company of "
    "the month, registered in the report registry (docs/reports.md); unchanged numbers add no new report.",
)
def billing_reports(context: AssetExecutionContext) -> MaterializeResult:
    rows = reports_service.monthly(context.partition_key, settings.WAREHOUSE_PATH)
    failed = [r for r in rows if r["status"] != "succeeded"]
    for row in failed:
        context.log.error(f"report {row['report_id']} ({row['name']}) failed: {row['error']}")
    return MaterializeResult(metadata={"reports_generated": len(rows) - len(failed), "reports_failed": len(failed)})


# Superset sees the month's invoices once they are built and rendered
billing_serving_warehouse = published_warehouse_asset(
    "serving_warehouse_after_billing",
    upstream=[billing_documents.key, billing_reports.key],
    partitions_def=billing_months,
)

billing_job = define_asset_job(
    name="billing_job",
    description="Monthly billing: rate usage, build draft/final invoices, reseller report, account "
    "transactions, then render invoice PDFs and Excel reports, and the Reports page's reports.",
    selection=AssetSelection.assets(billing_dbt_assets, billing_documents, billing_reports, billing_serving_warehouse),
    partitions_def=billing_months,
)


def previous_month_key(now: datetime) -> str:
    return (now.date().replace(day=1) - timedelta(days=1)).replace(day=1).isoformat()


@schedule(
    name="billing_schedule",
    job=billing_job,
    cron_schedule=f"0 {SCHEDULE_HOUR_UTC} 1-{invoice_grace_days() + 4} * *",
    execution_timezone="UTC",
    description="The closing month at 06:00 UTC on days 1..grace+4: drafts on the 1st, refreshed with late "
    "usage during the grace period, finalised by the first run after it.",
)
def billing_schedule(context: ScheduleEvaluationContext):
    now = context.scheduled_execution_time or datetime.utcnow()
    key = previous_month_key(now)
    return RunRequest(run_key=f"billing-{key}-{now:%Y%m%d}", partition_key=key)
