"""Reseller billing dashboard: the reseller-and-companies report (billing.rpt_reseller_companies)."""

from orchestration.bi.specs.base import PERIOD, Chart, Dashboard, Dataset, counters, raw_table, selects, table

# per service of the report: its quantities, then its retail and wholesale amounts
SERVICE_COLUMNS = {
    "sms": ["delivered", "segments"],
    "viber": ["sent", "delivered"],
    "whatsapp": ["sent", "delivered"],
    "email": ["sent", "delivered"],
    "push": ["sent", "delivered"],
    "chat_operator": ["messages"],
    "chat_bot": ["messages"],
    "chat_user": ["messages"],
    "chat_alice": ["messages"],
    "call_outbound": ["calls", "seconds"],
    "call_inbound": ["calls", "seconds"],
    "bot_api": ["messages"],
}
report = Dataset(
    "billing",
    "rpt_reseller_companies",
    "billing_month",
    {
        "total_wholesale": "sum(total_wholesale)",
        "total_retail": "sum(total_retail)",
        "companies": "count(distinct company_id)",
        "companies_with_expenses": "count(distinct company_id) filter (where has_expenses)",
    },
    {"total_wholesale": ",.2f", "total_retail": ",.2f"},
    {
        "total_wholesale": "Total price to the platform: what the platform charges the reseller (wholesale, in the"
        " reseller's currency).",
        "total_retail": "Total price to the reseller: what the dependent companies pay the reseller for their usage"
        " (retail, in each company's currency).",
        "companies": "Dependent companies of the resellers in the report.",
        "companies_with_expenses": "Dependent companies with spend in the period (\"There are expenses\").",
    },
)
REPORT_COLUMNS = [
    "reseller_id",
    "reseller_name",
    "company_id",
    "company_name",
    "billing_month",
    "has_expenses",
    *(f"{service}_{part}" for service, parts in SERVICE_COLUMNS.items() for part in [*parts, "retail", "wholesale"]),
    "total_wholesale",
    "wholesale_currency",
    "total_retail",
    "retail_currency",
]

DASHBOARD = Dashboard(
    "Reseller billing",
    "reseller-billing",
    rows=[
        [
            *counters(
                report,
                {
                    "Total to platform (wholesale)": "total_wholesale",
                    "Dependent companies": "companies",
                    "Companies with expenses": "companies_with_expenses",
                },
                width=2,
            ),
            table(
                "Totals by reseller and currency",
                report,
                ["total_wholesale", "total_retail"],
                ["reseller_name", "wholesale_currency", "retail_currency"],
                width=6,
                height=30,
            ),
        ],
        [
            raw_table(
                "Reseller and companies",
                report,
                REPORT_COLUMNS,
                [("billing_month", False), ("reseller_name", True), ("company_name", True)],
                height=70,
                description="The Reseller and companies report: per reseller, dependent company and month, every"
                " section (text messaging, chat, telephony legacy and new, bot service) with quantities, prices to"
                " the reseller (retail) and to the platform (wholesale).",
            ),
        ],
        [
            Chart(
                "Total to platform by month and reseller",
                "bar",
                report,
                ["total_wholesale"],
                ["reseller_name"],
                grain="P1M",
                width=6,
            ),
            Chart(
                "Total to companies by month and currency",
                "bar",
                report,
                ["total_retail"],
                ["retail_currency"],
                grain="P1M",
                width=6,
            ),
        ],
    ],
    filters=[
        PERIOD,
        *selects(
            report,
            {
                "Reseller": "reseller_name",
                "Company": "company_name",
                "There are expenses": "has_expenses",
                "Company currency": "retail_currency",
            },
        ),
    ],
)
