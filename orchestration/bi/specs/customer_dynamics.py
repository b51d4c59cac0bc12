"""Customer dynamics dashboard: clients active over a duration, balances, refills, packages."""

from orchestration.bi.specs.base import PERIOD, Chart, Dashboard, Dataset, counters, selects, single_choice, table

AMOUNTS = [
    "balance",
    "positive_balance",
    "negative_balance",
    "refills_amount",
    "payg_amount",
    "package_activations_amount",
    "package_renewals_amount",
]
COUNTS = ["refills_count", "package_activations_count", "package_renewals_count"]
dynamics = Dataset(
    "customer_dynamics",
    "fct_customer_dynamics",
    "period_start",
    {
        "clients": "count(distinct company_id)",
        "active_clients": "count(distinct company_id) filter (where is_active)",
        "overall_active_clients": "count(distinct company_id) filter (where is_overall_active)",
        **{column: f"sum({column})" for column in [*AMOUNTS, *COUNTS]},
    },
    {amount: ",.2f" for amount in AMOUNTS},
)
PACKAGES = [
    "package_activations_count",
    "package_activations_amount",
    "package_renewals_count",
    "package_renewals_amount",
]

DASHBOARD = Dashboard(
    "Customer dynamics",
    "customer-dynamics",
    rows=[
        counters(
            dynamics,
            {
                "Clients (all)": "clients",
                "Active clients": "active_clients",
                "Overall active clients": "overall_active_clients",
                "Refills": "refills_amount",
                "Pay-as-you-go": "payg_amount",
                "Package activations": "package_activations_count",
            },
        ),
        [
            Chart(
                "Clients: active, overall active, all",
                "line",
                dynamics,
                ["active_clients", "overall_active_clients", "clients"],
                width=6,
            ),
            Chart("Balances at period end", "line", dynamics, AMOUNTS[:3], width=6),
        ],
        [
            Chart(
                "Refills, pay-as-you-go and packages (amounts)",
                "bar",
                dynamics,
                ["refills_amount", "payg_amount", "package_activations_amount", "package_renewals_amount"],
                width=6,
            ),
            Chart(
                "Package activations and renewals",
                "bar",
                dynamics,
                ["package_activations_count", "package_renewals_count"],
                width=6,
            ),
        ],
        [
            Chart("Active clients by client type", "pie", dynamics, ["active_clients"], ["client_type"], width=4),
            table(
                "Dynamics by reseller and client type",
                dynamics,
                ["clients", "active_clients", "overall_active_clients", "refills_amount", "payg_amount"],
                ["reseller_label", "client_type"],
                width=8,
            ),
        ],
        [
            table("Packages: activations and renewals", dynamics, PACKAGES, ["package_id"], width=6),
            table(
                "Dynamics by company",
                dynamics,
                ["active_clients", "balance", "refills_amount", "payg_amount"],
                ["company_id", "client_type"],
                width=6,
            ),
        ],
    ],
    filters=[
        PERIOD,
        single_choice("Period grain", dynamics, "period_grain", "month"),
        single_choice("Active duration (months)", dynamics, "active_duration_months", 3),
        *selects(
            dynamics,
            {
                "Client type": "client_type",
                "Reseller": "reseller_label",
                "Package": "package_id",
                "Company": "company_id",
                "Currency (company)": "company_currency",
            },
        ),
    ],
)
