"""Reports dashboard: the generated Excel reports of the report registry (docs/reports.md)."""

from orchestration.bi.specs.base import PERIOD, Dashboard, Dataset, counters, raw_table, selects

registry = Dataset(
    "reports",
    "report_registry",
    "created_at",  # the dashboard's period filter is the creation date
    {
        "reports": "count(*)",
        "succeeded_reports": "count(*) filter (where status = 'succeeded')",
        "failed_reports": "count(*) filter (where status = 'failed')",
    },
    computed={
        # the report's frozen link (its id is 128 random bits), served under the dashboards' access rules
        "download": "case when status = 'succeeded' and regexp_full_match(report_id, '[A-Za-z0-9_-]{22}') "
        "then '<a href=\"/cpaas/reports/' || report_id || '\">Download</a>' end",
    },
    database="reports",
    descriptions={
        "reports": "Generated reports (calls, chats, notifications per company and month) created in the period.",
        "succeeded_reports": "Reports whose file was written; each keeps the numbers of its generation.",
        "failed_reports": "Reports that failed, with their error; they can be generated again.",
    },
)

COLUMNS = ["name", "category", "company_name", "period", "created_at", "status", "error", "trigger", "download"]

DASHBOARD = Dashboard(
    "Reports",
    "reports",
    rows=[
        counters(registry, {"Reports": "reports", "Succeeded": "succeeded_reports", "Failed": "failed_reports"}),
        [
            raw_table(
                "Generated reports",
                registry,
                COLUMNS,
                [("created_at", False), ("name", True)],
                height=80,
                description="Each report with its frozen download link: the data as of its generation.",
                extra={"allow_render_html": True},
            )
        ],
    ],
    filters=[
        PERIOD,
        *selects(registry, {"Name": "name", "Category": "category", "Company": "company_name", "Status": "status"}),
    ],
)
