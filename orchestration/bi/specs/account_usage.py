"""Account usage dashboard: unique contacts, conversations, agents, channels, messages per period."""

from orchestration.bi.specs.base import (
    PERIOD,
    Chart,
    Dashboard,
    Dataset,
    counter,
    select,
    single_choice,
    table,
    time_zone_choice,
)

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
# One row per period, time-zone view, company, platform and channel: a chat belongs to one channel, so the
# sums add up over channels and platforms; agents do not (one agent answers on several channels): the metric
# counts the distinct operators of the selected rows.
usage = Dataset(
    "account_usage",
    "fct_account_usage_by_platform",
    "period_start",
    {
        **{m: f"sum({m})" for m in METRICS},
        "active_agents": "len(list_distinct(flatten(list(active_agent_ids))))",
    },
    descriptions={
        **DESCRIPTIONS,
        "active_agents": "Agents (operators) who sent at least one outbound message in the period of the chosen"
        " grain (over several periods: distinct agents of the whole selection).",
    },
)
# UMC: every calendar day carries its month's total (a mid-month range finds the month); each
# (month, company, platform) counts once, whatever the number of its days in the selection
UMC_SQL = (
    "list_sum(list_transform(list_distinct(list({'m': month_start, 'c': company_id, 'p': platform,"
    " 'ch': chat_config_id, 'v': unique_contacts})), x -> x.v))"
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

BY_CHANNEL = "Group by channel (chat configuration) instead of platform; the Channel filter picks channels."


def by_platform_and_channel(title: str, metric: str, description: str = "") -> list[Chart]:
    """The page's Group by Platform / Channel: the metric per period, stacked by platform, and by channel."""
    return [
        Chart(
            f"{title} by platform", "bar", usage, [metric], ["platform"], width=6, grain=HOURLY, description=description
        ),
        Chart(
            f"{title} by channel",
            "bar",
            usage,
            [metric],
            ["chat_config_name"],
            width=6,
            grain=HOURLY,
            description=(description + " " if description else "") + BY_CHANNEL,
        ),
    ]


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
            width=6,
            grain="P1M",
        ),
        Chart(
            "Unique contacts by channel",
            "bar",
            month_contacts,
            ["unique_contacts"],
            ["chat_config_name"],
            width=6,
            grain="P1M",
            description=month_contacts.descriptions["unique_contacts"] + " " + BY_CHANNEL,
        ),
    ],
    by_platform_and_channel("Resolved conversations", "resolved_conversations"),
    by_platform_and_channel("Proactive messages", "proactive_messages"),
    [
        Chart("Unique contacts by platform (share)", "pie", month_contacts, ["unique_contacts"], ["platform"], width=4),
        Chart("Channels by platform", "pie", channels, ["channels"], ["platform"], width=4),
        Chart("Resolved conversations over time", "line", usage, ["resolved_conversations"], width=4, grain=HOURLY),
    ],
    [
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
        Chart(
            "Proactive, inbound and outbound messages",
            "bar",
            usage,
            ["proactive_messages", "inbound_messages", "outbound_messages"],
            width=6,
            grain=HOURLY,
        ),
    ],
    [table("Account usage by company", usage, METRICS[:5], ["company_id"], width=12)],
]

DASHBOARD = Dashboard(
    "Account usage",
    "account-usage",
    rows=ROWS,
    filters=[
        PERIOD,
        single_choice("Grain (distinct counts per period)", usage, "period_grain", "month"),
        time_zone_choice(usage),
        select("Company", usage, "company_id"),
        select("Platform", usage, "platform"),
        select(
            "Channel",
            channels,
            "chat_config_name",
            description="The channels shown, on every chart: their usage, and the connected channels counted.",
        ),
    ],
)
