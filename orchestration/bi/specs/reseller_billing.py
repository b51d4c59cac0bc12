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
    "chat_alice": ["messages", "operator_messages", "bot_messages", "user_messages"],
    "call_outbound": ["calls", "seconds", "billable_calls"],
    "call_inbound": ["calls", "seconds", "billable_calls"],
    "bot_api": ["messages"],
}
SECTIONS = ["text_messaging", "chat", "telephony_legacy", "telephony_new", "bot_service"]
SECTION_TOTALS = [f"{section}_{side}" for section in SECTIONS for side in ("wholesale", "retail")]
report = Dataset(
    "billing",
    "rpt_reseller_companies",
    "billing_month",
    {
        "total_wholesale": "sum(total_wholesale)",
        "total_retail": "sum(total_retail)",
        "package_fees": "sum(package_fees)",
        "total_earned": "sum(total_earned)",
        **{column: f"sum({column})" for column in SECTION_TOTALS},
        "companies": "count(distinct company_id)",
        "companies_with_expenses": "count(distinct company_id) filter (where has_expenses)",
    },
    {m: ",.2f" for m in ["total_wholesale", "total_retail", "package_fees", "total_earned", *SECTION_TOTALS]},
    {
        "total_wholesale": "Total price to the platform: what the platform charges the reseller (wholesale, in the"
        " reseller's currency).",
        "total_retail": "Total price to the reseller: what the dependent companies pay the reseller for their usage"
        " (retail, in each company's currency).",
        "package_fees": "Package activations and renewals the dependent companies paid (retail currency).",
        "total_earned": "What the reseller earns: the usage its companies pay (total price to reseller) plus"
        " their package fees.",
        **{
            f"{section}_{side}": f"Total price to the {who} for the {section.replace('_', ' ')} section."
            for section in SECTIONS
            for side, who in (("wholesale", "platform (wholesale)"), ("retail", "reseller (retail)"))
        },
        "companies": "Dependent companies of the resellers in the report (with or without usage).",
        "companies_with_expenses": 'Dependent companies with spend in the period ("There are expenses").',
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
    *SECTION_TOTALS,
    "total_wholesale",
    "wholesale_currency",
    "total_retail",
    "package_fees",
    "total_earned",
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
                    "Reseller earns (usage + packages)": "total_earned",
                    "Dependent companies": "companies",
                    "Companies with expenses": "companies_with_expenses",
                },
                width=3,
            ),
        ],
        [
            table(
                "Totals by reseller and currency",
                report,
                ["total_wholesale", "total_retail", "package_fees", "total_earned"],
                ["reseller_name", "wholesale_currency", "retail_currency"],
                width=5,
            ),
            table(
                "Section totals by reseller",
                report,
                SECTION_TOTALS,
                ["reseller_name", "wholesale_currency", "retail_currency"],
                width=7,
                description="Per section of the report (text messaging, chat, telephony legacy and new, bot service):"
                " total price to the platform (wholesale) and total price to the reseller (retail).",
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
                description="Total price to the platform (wholesale) per month and reseller.",
                width=6,
            ),
            Chart(
                "Total to companies by month and currency",
                "bar",
                report,
                ["total_retail"],
                ["retail_currency"],
                grain="P1M",
                description="Total price to the reseller's companies (retail usage) per month and company currency.",
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
