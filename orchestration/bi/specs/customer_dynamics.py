"""Customer dynamics dashboard: clients active over a duration, balances, refills, packages."""

from orchestration.bi.specs.base import PERIOD, Chart, Dashboard, Dataset, counters, selects, single_choice, table


def at_range_end(value: str, clients: str = "true") -> str:
    """Sum of `value` over the rows of the latest period in the selection (a balance is a stock:
    summing it over several periods would count it once per period). Every company has a row in
    every period up to the last data date, so the latest period is the same for all companies."""
    return (
        f"list_sum(list_transform(list_filter(list({{'p': period_start, 'c': {clients}, 'v': {value}}}),"
        " x -> x.p = max(period_start) and x.c), x -> x.v))"
    )


CLIENT_SETS = {"": "true", "active_": "is_active", "overall_active_": "is_overall_active"}
BALANCES = {"balance": "balance", "positive_balance": "greatest(balance, 0)", "negative_balance": "least(balance, 0)"}
CLIENT_LABELS = {
    "": "all clients of the filters",
    "active_": "clients that used a paid service within the active duration",
    "overall_active_": "clients that used a paid service at any time",
}
BALANCE_LABELS = {
    "balance": "Total of all balances",
    "positive_balance": "Total of the positive balances",
    "negative_balance": "Total of the negative balances",
}
AMOUNTS = ["refills_amount", "payg_amount", "package_activations_amount", "package_renewals_amount"]
COUNTS = ["refills_count", "package_activations_count", "package_renewals_count"]
BALANCE_METRICS = [f"{prefix}{name}" for prefix in CLIENT_SETS for name in BALANCES]
AVERAGES = {
    "refill_average": "sum(refills_amount) / nullif(sum(refills_count), 0)",
    "payg_average_per_active_client": "sum(payg_amount)"
    " / nullif(count(distinct company_id) filter (where is_active), 0)",
}
dynamics = Dataset(
    "customer_dynamics",
    "fct_customer_dynamics",
    "period_start",
    {
        "clients": "count(distinct company_id)",
        "active_clients": "count(distinct company_id) filter (where is_active)",
        "overall_active_clients": "count(distinct company_id) filter (where is_overall_active)",
        **{
            f"{prefix}{name}": at_range_end(value, clients)
            for prefix, clients in CLIENT_SETS.items()
            for name, value in BALANCES.items()
        },
        **{column: f"sum({column})" for column in [*AMOUNTS, *COUNTS]},
        **AVERAGES,
    },
    {amount: ",.2f" for amount in [*BALANCE_METRICS, *AMOUNTS, *AVERAGES]},
    {
        "clients": "Qty: clients of the filters (report currency; one period grain and active duration).",
        "active_clients": "Qty: clients that used a paid service within the active duration before a period end.",
        "overall_active_clients": "Qty: clients that used a paid service at any time up to a period end.",
        **{
            f"{prefix}{name}": f"{BALANCE_LABELS[name]} of {CLIENT_LABELS[prefix]}, at the end of the selected range"
            " (balances are not added up over periods)."
            for prefix in CLIENT_SETS
            for name in BALANCES
        },
        "refills_count": "Balance refill Qty: number of refills in the period.",
        "refills_amount": "Balance refill Total: amount of the refills in the period.",
        "refill_average": "Balance refill Avg: average amount of one refill (total / quantity).",
        "payg_amount": "Pay as you go Total: amount spent on services outside the packages.",
        "payg_average_per_active_client": "Pay as you go Active Avg: pay-as-you-go total per active client.",
        "package_activations_count": "Packages Activation Qty: package activations in the period.",
        "package_activations_amount": "Packages Activation Total: amount charged for the activations (positive).",
        "package_renewals_count": "Packages Renew Qty: renewals, including the initial renewal of each activation.",
        "package_renewals_amount": "Packages Renew Total: amount charged for renewals, including the initial"
        " renewal of each activation (positive).",
    },
)
PACKAGES = [
    "package_activations_count",
    "package_activations_amount",
    "package_renewals_count",
    "package_renewals_amount",
]
PER_PERIOD = "Per period of the chosen period grain (report currency)."

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
        counters(
            dynamics,
            {
                "Balance (all clients)": "balance",
                "Balance (active clients)": "active_balance",
                "Balance (overall active clients)": "overall_active_balance",
                "Refill average": "refill_average",
                "Pay-as-you-go per active client": "payg_average_per_active_client",
                "Package renewals": "package_renewals_count",
            },
        ),
        [
            Chart(
                "Clients: active, overall active, all",
                "line",
                dynamics,
                ["active_clients", "overall_active_clients", "clients"],
                width=6,
                description="Clients - Active / Overall Active / All: Qty per period. " + PER_PERIOD,
            ),
            Chart(
                "Balances at period end",
                "line",
                dynamics,
                list(BALANCES),
                width=6,
                description="Clients - All: Balance Pos, Balance Neg, Balance as of each period's last day. "
                + PER_PERIOD,
            ),
        ],
        [
            Chart(
                "Refills, pay-as-you-go and packages (amounts)",
                "bar",
                dynamics,
                AMOUNTS,
                width=6,
                description="Balance refill Total, Pay as you go Total, package Activation and Renew Totals"
                " (charged amounts, positive; renewals include each activation's initial renewal). " + PER_PERIOD,
            ),
            Chart(
                "Package activations and renewals",
                "bar",
                dynamics,
                ["package_activations_count", "package_renewals_count"],
                width=6,
                description="Packages Activation Qty and Renew Qty (including each activation's initial renewal). "
                + PER_PERIOD,
            ),
        ],
        [
            Chart(
                "Active clients by client type",
                "pie",
                dynamics,
                ["active_clients"],
                ["client_type"],
                width=4,
                description="Clients that used a paid service within the active duration, by client type.",
            ),
            table(
                "Dynamics by reseller and client type",
                dynamics,
                [
                    "clients",
                    "active_clients",
                    "overall_active_clients",
                    *BALANCE_METRICS,
                    "refills_count",
                    "refills_amount",
                    "refill_average",
                    "payg_amount",
                    "payg_average_per_active_client",
                ],
                ["reseller_label", "client_type"],
                width=8,
                description="The report's columns per reseller and client type over the selected range; balances"
                " are those at the end of the range.",
            ),
        ],
        [
            table(
                "Packages: activations and renewals",
                dynamics,
                PACKAGES,
                ["package_id"],
                width=6,
                description="Packages Activation Qty / Total and Renew Qty / Total (renewals include each"
                " activation's initial renewal) by package, over the selected range.",
            ),
            table(
                "Dynamics by company",
                dynamics,
                ["active_clients", "balance", "positive_balance", "negative_balance", "refills_amount", "payg_amount"],
                ["company_id", "client_type"],
                width=6,
                description="Per company over the selected range: active (1 = active in a period of the range),"
                " balance at the end of the range, refills and pay-as-you-go totals.",
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
