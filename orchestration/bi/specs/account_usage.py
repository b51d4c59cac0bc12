"""Account usage dashboard: unique contacts, conversations, agents, channels, messages per period."""

from orchestration.bi.specs.base import PERIOD, Chart, Dashboard, Dataset, counter, select, single_choice, table

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
    "active_channels": "Channels (test and development excluded) with at least one message in the period.",
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
# UMC: every calendar day carries its month's total (a mid-month range finds the month); each
# (month, company, platform) counts once, whatever the number of its days in the selection
UMC_SQL = (
    "list_sum(list_transform(list_distinct(list({'m': month_start, 'c': company_id, 'p': platform,"
    " 'v': unique_contacts})), x -> x.v))"
)
month_contacts = Dataset(
    "account_usage",
    "fct_account_usage_month_contacts",
    "local_date",
    {"unique_contacts": UMC_SQL},
    descriptions={
        "unique_contacts": "Unique monthly contacts (UMC) per platform, in monthly intervals only: a range of a few"
        " days of a month shows that month's total; a range over several months adds each month's total once."
    },
)
channels = Dataset(
    "core",
    "dim_chat_configs",
    None,
    {"channels": "count(*) filter (where is_countable_channel)"},
    descriptions={
        "channels": "Channels: every channel connected to the platform now (chat configurations), test and"
        " development channels excluded."
    },
)
HOURLY = "PT1H"  # the finest grain; the required period-grain filter picks the rows

ROWS = [
    [
        counter("Unique contacts (UMC)", month_contacts, "unique_contacts", width=3),
        counter("Resolved conversations", usage, "resolved_conversations", width=3),
        counter("Active agents", usage, "active_agents", width=2),
        counter("Channels", channels, "channels", width=2),
        counter("Proactive messages", usage, "proactive_messages", width=2),
    ],
    [
        Chart(
            "Unique contacts by platform",
            "bar",
            month_contacts,
            ["unique_contacts"],
            ["platform"],
            width=8,
            grain="P1M",
        ),
        Chart("Unique contacts by platform (share)", "pie", month_contacts, ["unique_contacts"], ["platform"], width=4),
    ],
    [
        Chart(
            "Resolved conversations by platform",
            "bar",
            by_platform,
            ["resolved_conversations"],
            ["platform"],
            width=4,
            grain=HOURLY,
        ),
        Chart(
            "Proactive messages by platform",
            "bar",
            by_platform,
            ["proactive_messages"],
            ["platform"],
            width=4,
            grain=HOURLY,
        ),
        Chart("Channels by platform", "pie", channels, ["channels"], ["platform"], width=4),
    ],
    [
        Chart("Resolved conversations over time", "line", usage, ["resolved_conversations"], width=6, grain=HOURLY),
        Chart(
            "Active agents and channels with messages",
            "line",
            usage,
            ["active_agents", "active_channels"],
            width=6,
            grain=HOURLY,
            description="Agents who sent an outbound message, and channels with a message, per period of the grain"
            " (the Channels tile counts every connected channel).",
        ),
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
        select(
            "Channel",
            channels,
            "chat_config_name",
            description="The connected channels counted (Channels tile and channels by platform).",
        ),
    ],
)
