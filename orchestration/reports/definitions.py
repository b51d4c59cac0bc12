"""Dagster jobs of the Reports page: generate on demand, generate a failed report again, delete one.

    dagster job execute -m orchestration.definitions -j report_job --config-json \
        '{"ops": {"generate_report": {"config": {"company_id": 2, "period": "2026-07", "kind": "calls"}}}}'
The monthly reports are made by the billing run (asset billing/billing_reports in billing_job).
"""

from dagster import Config, Failure, MetadataValue, OpExecutionContext, job, op

from orchestration.reports import service


class ReportRequest(Config):
    company_id: int
    period: str  # YYYY-MM
    kind: str  # calls, chats or notifications


class ReportId(Config):
    report_id: str


def _outcome(context: OpExecutionContext, row: dict) -> dict:
    metadata = {"report_id": row["report_id"], "status": row["status"], "name": row.get("name") or ""}
    if row["status"] != "succeeded":
        raise Failure(f"report {row['report_id']} failed: {row.get('error')}", metadata=metadata)
    context.add_output_metadata({**metadata, "file_sha256": MetadataValue.text(row["file_sha256"])})
    return row


@op
def generate_report(context: OpExecutionContext, config: ReportRequest) -> dict:
    return _outcome(context, service.generate(config.company_id, config.period, config.kind))


@op
def retry_report(context: OpExecutionContext, config: ReportId) -> dict:
    return _outcome(context, service.retry(config.report_id))


@op
def delete_report(context: OpExecutionContext, config: ReportId) -> None:
    row = service.delete(config.report_id)
    context.log.info(f"deleted report {config.report_id} ({row.get('name')})")


@job(description="Generate one Excel report (company, period, kind) and register it on the Reports page.")
def report_job():
    generate_report()


@job(description="Generate a failed report again (same id and link).")
def report_retry_job():
    retry_report()


@job(description="Delete a report: its registry row and its file.")
def report_delete_job():
    delete_report()


JOBS = [report_job, report_retry_job, report_delete_job]
