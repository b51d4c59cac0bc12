"""Invoices and account dashboard: invoices, their lines, account transactions, unpriced usage."""

from orchestration.bi.specs.base import PERIOD, Chart, Dashboard, Dataset, counter, raw_table, select, selects, table

_WELL_FORMED = "regexp_full_match(invoice_id, 'INV-[0-9]{4}-[0-9]{2}-[0-9]{6,12}(-[A-Z]{3})?')"
invoices = Dataset(
    "billing",
    "fct_invoices",
    "invoice_month",
    {"invoices": "count(*)", "total_amount": "sum(total_amount)", "adjustment_amount": "sum(adjustment_amount)"},
    {"total_amount": ",.2f", "adjustment_amount": ",.2f"},
    descriptions={
        "invoices": "Invoices of the period: one per company, billing month and currency (drafts until final).",
        "total_amount": "What the invoices charge, in their currency: usage after packages, package fees and"
        " adjustments, rounded to the currency's minor unit.",
        "adjustment_amount": "Corrections of earlier months carried on these invoices (late or re-rated usage).",
    },
    # download links, served by Superset under the dashboards' access rules (orchestration/reports/blueprint.py);
    # only well-formed invoice ids become a link (the table renders these cells as HTML)
    computed={
        "pdf": f"case when {_WELL_FORMED} then '<a href=\"/cpaas/documents/invoice/' || invoice_id || '\">' || "
        "case when invoice_status = 'final' then 'PDF' else 'PDF (draft)' end || '</a>' end",
        "monthly_excel": f"case when {_WELL_FORMED} then '<a href=\"/cpaas/documents/monthly/' || invoice_id || "
        "'\">Excel ' || strftime(invoice_month, '%Y-%m') || '</a>' end",
    },
)
lines = Dataset(
    "billing",
    "fct_invoice_lines",
    "invoice_month",
    {"lines": "count(*)", "amount": "sum(amount)"},
    {"amount": ",.2f"},
    descriptions={"lines": "Invoice lines: one per service, package fee or adjustment of an invoice."},
)
transactions = Dataset(
    "billing",
    "fct_account_transactions",
    "local_date",
    {"transactions": "count(*)", "amount": "sum(amount)"},
    {"amount": ",.2f"},
    descriptions={"transactions": "Balance movements: refills, package fees, charges and corrections."},
)
unpriced = Dataset(
    "billing",
    "fct_unpriced_usage",
    "local_date",
    {"unpriced_events": "count(*)"},
    descriptions={"unpriced_events": "Usage that could not be priced (no tariff, no exchange rate): not invoiced."},
)

# --- Top-up invoices (orchestration/billing/topup.py): one row per invoice, paid by a later refill.
topups = Dataset(
    "billing",
    "fct_topup_invoices",
    "created_date",
    {"topup_invoices": "count(*)", "topup_amount": "sum(amount)"},
    {"topup_amount": ",.2f"},
    descriptions={
        "topup_invoices": "Top-up invoices asked for; paid once a refill of exactly that amount arrives.",
        "topup_amount": "Amount of the top-up invoices, in their currency.",
    },
)
TOPUP_COLUMNS = [
    "topup_invoice_id",
    "company_id",
    "company_name",
    "amount",
    "currency",
    "created_at",
    "created_by",
    "topup_status",
    "paid_at",
    "paid_by_transaction_id",
    "document_path",
]
TOPUP_ROW = [
    raw_table(
        "Top-up invoices",
        topups,
        TOPUP_COLUMNS,
        [("created_at", False), ("topup_invoice_id", True)],
        width=8,
        description="Each top-up invoice with its PDF path and the refill that paid it (open until one arrives).",
    ),
    table(
        "Top-up invoices by status", topups, ["topup_invoices", "topup_amount"], ["topup_status", "currency"], width=4
    ),
]
# --- end of top-up invoices

INVOICE_COLUMNS = [
    "invoice_id",
    "company_name",
    "invoice_month",
    "period_start",
    "period_end",
    "invoice_status",
    "total_amount",
    "currency",
    "issuer_name",
    "issued_at",
    "pdf",
    "monthly_excel",
]
LINE_COLUMNS = [
    "invoice_id",
    "line_number",
    "line_kind",
    "service",
    "description",
    "period_month",
    "is_adjustment",
    "quantity",
    "unit",
    "unit_price",
    "amount",
    "currency",
    "invoice_status",
]
TRANSACTION_COLUMNS = [
    "occurred_at",
    "transaction_id",
    "company_id",
    "transaction_type",
    "amount",
    "currency",
    "balance_after",
    "invoice_id",
    "package_id",
]

DASHBOARD = Dashboard(
    "Invoices and account",
    "invoices",
    rows=[
        [
            counter("Invoices (count)", invoices, "invoices"),
            counter("Invoice lines (count)", lines, "lines"),
            counter("Account transactions", transactions, "transactions"),
            counter("Unpriced usage events", unpriced, "unpriced_events"),
        ],
        [
            raw_table(
                "Invoices",
                invoices,
                INVOICE_COLUMNS,
                [("invoice_month", False), ("invoice_id", True)],
                description="Each invoice with links to its PDF (drafts marked) and its month's Excel report.",
                extra={"allow_render_html": True},
            )
        ],
        [
            Chart(
                "Invoice totals by month and currency",
                "bar",
                invoices,
                ["total_amount"],
                ["currency"],
                grain="P1M",
                width=6,
            ),
            table(
                "Invoice totals by status and currency",
                invoices,
                ["invoices", "total_amount", "adjustment_amount"],
                ["invoice_status", "currency"],
                width=6,
            ),
        ],
        [
            raw_table(
                "Invoice lines",
                lines,
                LINE_COLUMNS,
                [("invoice_id", True), ("line_number", True)],
                description="Every line of the invoices of the period: quantity, unit price and amount.",
            )
        ],
        [
            raw_table(
                "Account transactions and running balance",
                transactions,
                TRANSACTION_COLUMNS,
                [("company_id", True), ("occurred_at", True), ("transaction_id", True)],
                width=8,
                description="Each balance movement with the balance after it, per company in time order.",
            ),
            table(
                "Unpriced usage by reason and service",
                unpriced,
                ["unpriced_events"],
                ["rating_issue", "service"],
                width=4,
                height=60,
            ),
        ],
        TOPUP_ROW,
    ],
    filters=[
        PERIOD,
        *selects(invoices, {"Company": "company_id", "Status": "invoice_status", "Currency": "currency"}),
        select("Transaction type", transactions, "transaction_type"),
    ],
)
