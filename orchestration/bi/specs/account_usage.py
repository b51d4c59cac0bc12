"""Account usage dashboard: unique contacts, conversations, agents, channels, messages per period."""

from orchestration.bi.specs.base import PERIOD, Chart, Dashboard, Dataset, counters, select, single_choice, table

METRICS = [
    "unique_contacts",
    "resolved_conversations",
    "active_agents",
    "active_channels",
    "proactive_messages",
    "inbound_messages",
    "outbound_messages",
]
DESCRIPTIONS = {
    "unique_contacts": "Unique monthly contacts (UMC): distinct customers of the month; a range within a month"
    " shows that month's total. Distinct counts are read at the chosen grain, never summed from a finer one.",
    "resolved_conversations": "Conversations resolved in the period: started by an inbound message, with at least"
    " one outbound message.",
    "active_agents": "Agents (operators) who sent at least one outbound message in the period.",
    "active_channels": "Channels connected to the platform (test and development channels excluded).",
    "proactive_messages": "Outbound messages sent through the proactive API in the period.",
    "inbound_messages": "Messages from customers.",
    "outbound_messages": "Messages to customers (operators and bots).",
}
usage = Dataset(
    "account_usage",
    "fct_account_usage",
    "period_start",
    {m: f"sum({m})" for m in METRICS},
    descriptions=DESCRIPTIONS,
)
by_platform = Dataset(
    "account_usage",
    "fct_account_usage_by_platform",
    "period_start",
    {m: f"sum({m})" for m in METRICS},
    descriptions=DESCRIPTIONS,
)
HOURLY = "PT1H"  # the finest grain; the required period-grain filter picks the rows

ROWS = [
    [
        *counters(
            usage,
            {
                "Unique contacts (UMC at month grain)": "unique_contacts",
                "Resolved conversations": "resolved_conversations",
            },
            width=3,
        ),
        *counters(
            usage,
            {
                "Active agents": "active_agents",
                "Active channels": "active_channels",
                "Proactive messages": "proactive_messages",
            },
            width=2,
        ),
    ],
    [
        Chart(
            "Unique contacts by platform", "bar", by_platform, ["unique_contacts"], ["platform"], width=8, grain=HOURLY
        ),
        Chart("Unique contacts by platform (share)", "pie", by_platform, ["unique_contacts"], ["platform"], width=4),
    ],
    [
        Chart("Resolved conversations over time", "line", usage, ["resolved_conversations"], width=6, grain=HOURLY),
        Chart("Active agents and channels", "line", usage, ["active_agents", "active_channels"], width=6, grain=HOURLY),
    ],
    [
        Chart(
            "Proactive, inbound and outbound messages",
            "bar",
            usage,
            ["proactive_messages", "inbound_messages", "outbound_messages"],
            width=6,
            grain=HOURLY,
        ),
        table("Account usage by company", usage, METRICS[:5], ["company_id"], width=6),
    ],
]

DASHBOARD = Dashboard(
    "Account usage",
    "account-usage",
    rows=ROWS,
    filters=[
        PERIOD,
        single_choice("Grain (distinct counts per period)", usage, "period_grain", "month"),
        select("Company", usage, "company_id"),
        # fct_account_usage carries platform = 'all': the platform filter is for the by-platform charts
        select(
            "Platform",
            by_platform,
            "platform",
            exclude=tuple(c.name for row in ROWS for c in row if c.dataset is usage),
        ),
    ],
)
