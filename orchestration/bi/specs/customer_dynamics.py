"""Customer dynamics dashboard: clients active over a duration, balances, refills, packages.

The mart has one row per local date, company, report currency and client-tag view: the period filter is
respected to the day, the time grain groups the days by date, month or year, and the required Report currency
and Client tag filters pick one copy of the rows. Active clients are those whose shortest active duration
(min_active_duration_months) lies in the Active duration range: that filter reaches the active-client charts only.
"""

from orchestration.bi.specs.base import (
    PERIOD,
    Chart,
    Dashboard,
    Dataset,
    Filter,
    counter,
    numeric_range,
    selects,
    single_choice,
    table,
)

DAY = "local_date"
MONTH = "P1M"  # default grouping of the time series (the page's Group by Month); the Period grain filter changes it
ACTIVE = "min_active_duration_months is not null"  # the Active duration filter keeps the active clients' rows


def at_range_end(value: str, clients: str = "true") -> str:
    """Sum of `value` over the rows of the last day in the selection (balances and client counts are stocks:
    summing them over several days would count them once per day). Every company has a row on every day up to
    the last data date, so the last day is the same for all companies."""
    return (
        f"list_sum(list_transform(list_filter(list({{'p': {DAY}, 'c': {clients}, 'v': {value}}}),"
        f" x -> x.p = max({DAY}) and x.c), x -> x.v))"
    )


CLIENT_SETS = {"": "true", "active_": ACTIVE, "overall_active_": "is_overall_active"}
BALANCES = {"balance": "balance", "positive_balance": "positive_balance", "negative_balance": "negative_balance"}
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
    # every day with paid usage is an active day for any duration: the filtered rows keep all pay-as-you-go
    "payg_average_per_active_client": f"sum(payg_amount) / nullif({at_range_end('1', ACTIVE)}, 0)",
}
END_OF_RANGE = " (as of the last day of the selected range, or of each period: never added up over days)"
dynamics = Dataset(
    "customer_dynamics",
    "fct_customer_dynamics",
    DAY,
    {
        "clients": at_range_end("1"),
        "active_clients": at_range_end("1", ACTIVE),
        "overall_active_clients": at_range_end("1", "is_overall_active"),
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
        "clients": "Clients - All: Qty, clients of the filters" + END_OF_RANGE + ".",
        "active_clients": "Clients - Active: Qty, clients that used a paid service within the active duration (in"
        " months, the Active duration filter) before the day" + END_OF_RANGE + ".",
        "overall_active_clients": "Clients - Overall Active: Qty, clients that used a paid service at any time"
        + END_OF_RANGE
        + ".",
        **{
            f"{prefix}{name}": f"{BALANCE_LABELS[name]} of {CLIENT_LABELS[prefix]}, in the report currency"
            + END_OF_RANGE
            + "."
            for prefix in CLIENT_SETS
            for name in BALANCES
        },
        "refills_count": "Balance refill Qty: number of refills in the period.",
        "refills_amount": "Balance refill Total: amount of the refills in the period (report currency).",
        "refill_average": "Balance refill Avg: average amount of one refill (total / quantity).",
        "payg_amount": "Pay as you go Total: amount spent on services outside the packages (report currency).",
        "payg_average_per_active_client": "Pay as you go Active Avg: pay-as-you-go total of the period per client"
        " active at its end.",
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
PER_PERIOD = "Per period of the Period grain (date, month or year; report currency)."
ACTIVE_EDGE = (
    " Read on the last day of the range (or period) with an active client: a range whose last days have none"
    " shows the last day that has one."
)

ACTIVE_CHARTS = [
    counter("Active clients", dynamics, "active_clients", width=3),
    counter("Balance (active clients)", dynamics, "active_balance", width=3),
    counter("Pay-as-you-go per active client", dynamics, "payg_average_per_active_client", width=3),
    Chart(
        "Active clients over time",
        "line",
        dynamics,
        ["active_clients"],
        width=3,
        grain=MONTH,
        description="Clients - Active: Qty at the end of each period. " + PER_PERIOD + ACTIVE_EDGE,
    ),
]
ACTIVE_DETAIL = [
    Chart(
        "Active clients by client type",
        "pie",
        dynamics,
        ["active_clients"],
        ["client_type"],
        width=4,
        description="Clients that used a paid service within the active duration, by client type, at the end of"
        " the range." + ACTIVE_EDGE,
    ),
    table(
        "Active clients by reseller and client type",
        dynamics,
        ["active_clients", "active_balance", "active_positive_balance", "active_negative_balance"],
        ["reseller_label", "client_type"],
        width=8,
        description="Clients - Active: Qty, Balance Pos, Balance Neg, Balance per reseller and client type at the"
        " end of the range." + ACTIVE_EDGE,
    ),
]

DASHBOARD = Dashboard(
    "Customer dynamics",
    "customer-dynamics",
    rows=[
        [
            counter("Clients (all)", dynamics, "clients", width=2),
            counter("Overall active clients", dynamics, "overall_active_clients", width=2),
            counter("Refills", dynamics, "refills_amount", width=2),
            counter("Refill average", dynamics, "refill_average", width=2),
            counter("Pay-as-you-go", dynamics, "payg_amount", width=2),
            counter("Package activations", dynamics, "package_activations_count", width=2),
        ],
        [
            counter("Balance (all clients)", dynamics, "balance", width=3),
            counter("Balance (overall active clients)", dynamics, "overall_active_balance", width=3),
            counter("Package renewals", dynamics, "package_renewals_count", width=3),
            counter("Package renewals (amount)", dynamics, "package_renewals_amount", width=3),
        ],
        ACTIVE_CHARTS,
        [
            Chart(
                "Clients: overall active and all",
                "line",
                dynamics,
                ["overall_active_clients", "clients"],
                width=6,
                grain=MONTH,
                description="Clients - Overall Active / All: Qty at the end of each period (the active clients:"
                " Active clients over time). " + PER_PERIOD,
            ),
            Chart(
                "Balances at period end",
                "line",
                dynamics,
                list(BALANCES),
                width=6,
                grain=MONTH,
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
                grain=MONTH,
                description="Balance refill Total, Pay as you go Total, package Activation and Renew Totals"
                " (charged amounts, positive; renewals include each activation's initial renewal). " + PER_PERIOD,
            ),
            Chart(
                "Package activations and renewals",
                "bar",
                dynamics,
                ["package_activations_count", "package_renewals_count"],
                width=6,
                grain=MONTH,
                description="Packages Activation Qty and Renew Qty (including each activation's initial renewal). "
                + PER_PERIOD,
            ),
        ],
        ACTIVE_DETAIL,
        [
            table(
                "Dynamics by reseller and client type",
                dynamics,
                [
                    "clients",
                    "overall_active_clients",
                    "balance",
                    "positive_balance",
                    "negative_balance",
                    "overall_active_balance",
                    "refills_count",
                    "refills_amount",
                    "refill_average",
                    "payg_amount",
                ],
                ["reseller_label", "client_type"],
                width=12,
                description="The report's columns per reseller and client type over the selected range; balances"
                " and client counts are those at the end of the range (active clients: the table above).",
            ),
        ],
        [
            table(
                "Packages: activations and renewals",
                dynamics,
                PACKAGES,
                ["package_name"],
                width=6,
                description="Packages Activation Qty / Total and Renew Qty / Total (renewals include each"
                " activation's initial renewal) by package name (the page's Group by Package Name), over the"
                " selected range.",
            ),
            table(
                "Dynamics by company",
                dynamics,
                [
                    "overall_active_clients",
                    "balance",
                    "positive_balance",
                    "negative_balance",
                    "refills_amount",
                    "payg_amount",
                ],
                ["company_id", "client_type"],
                width=6,
                description="Per company over the selected range: overall active (1 = used a paid service up to the"
                " end of the range), balance at the end of the range, refills and pay-as-you-go totals.",
            ),
        ],
    ],
    filters=[
        PERIOD,
        Filter(
            "Period grain",
            "grain",
            dataset=dynamics,
            description="Group by date, month (default) or year: the days of each period are added up (flows) or"
            " read on its last day (clients and balances).",
        ),
        single_choice("Report currency", dynamics, "report_currency", "USD"),
        numeric_range(
            "Active duration (months)",
            dynamics,
            "min_active_duration_months",
            (1, 3),
            exclude=(),  # set below: the active-client charts only
            description="Active clients used a paid service within this many months before the day: keep the"
            " lower end at 1 and move the upper end (any number of months; default 3).",
        ),
        single_choice("Client tag", dynamics, "client_tag", "(all clients)"),
        *selects(
            dynamics,
            {
                "Client type": "client_type",
                "Reseller": "reseller_label",
                "Package": "package_name",
                "Company": "company_id",
                "Currency (company)": "company_currency",
            },
        ),
    ],
)
_active = {c.name for c in [*ACTIVE_CHARTS, *ACTIVE_DETAIL]}
DASHBOARD.filters[3].exclude = tuple(c.name for c in DASHBOARD.charts if c.name not in _active)
