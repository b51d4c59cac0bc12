"""Chats and chatbot engagement dashboard: messages, conversations, widget sessions, funnel, NPS."""

from orchestration.bi.specs.base import (
    PERIOD,
    Chart,
    Dashboard,
    Dataset,
    counter,
    counters,
    select,
    selects,
    table,
    time_grain,
)
from orchestration.bi.specs.quick_help import ENGAGEMENT_HELP

messages = Dataset(
    "chats",
    "fct_chat_messages_daily",
    "local_date",
    {
        "messages": "sum(messages)",
        "alice_messages": "sum(alice_messages)",
        "proactive_messages": "sum(proactive_messages)",
    },
    descriptions={
        "messages": "Chat messages sent by operators, bots (the first bot message counts) and users.",
        "alice_messages": "Messages of chats with the voice assistant Alice.",
        "proactive_messages": "Proactive messages: outbound messages that open a conversation or are sent through"
        " the proactive API.",
    },
)
conversations = Dataset(
    "chats",
    "fct_conversations_daily",
    "local_date",
    {
        "conversations": "sum(conversations)",
        "resolved_conversations": "sum(resolved_conversations)",
        "avg_first_response_seconds": "sum(total_first_operator_response_seconds)::double"
        " / nullif(sum(conversations_with_operator_response), 0)",
    },
    {"avg_first_response_seconds": ",.0f"},
    {
        "conversations": "Conversations (chats) by the local date they started.",
        "resolved_conversations": "Conversations started by an inbound message with at least one outbound message.",
        "avg_first_response_seconds": "Average seconds from a conversation's first user message to the first"
        " operator reply (conversations with an operator reply).",
    },
)
TILES = [
    "web_push_asked",
    "participations",
    "advent_doors_opened",
    "pins_sent",
    "pins_succeeded",
    "pins_failed",
    "customers_deleted",
    "data_entered",
    "nps_ratings",
]
SHARES = ["shares_facebook", "shares_email", "shares_native", "shares_twitter", "shares_whatsapp"]
OPT_INS = ["web_push_soi", "web_push_doi", "reminder_soi", "reminder_doi"]
engagement = Dataset(
    "engagement",
    "fct_engagement_daily",
    "local_date",
    {
        "sessions": "sum(sessions)",
        "sessions_with_conversation": "sum(sessions_with_conversation)",
        "bounces": "sum(bounces)",
        "bounce_rate": "sum(bounces)::double / nullif(sum(sessions), 0)",
        "chat_starts": "sum(chat_starts)",
        "new_customers": "sum(new_customers)",
        **{column: f"sum({column})" for column in [*OPT_INS, *SHARES]},
        "screen_time_minutes": "sum(screen_time_minutes)",
        **{column: f"sum({column})" for column in TILES},
    },
    {"bounce_rate": ".1%", "screen_time_minutes": ",.0f"},
    ENGAGEMENT_HELP,
)
sessions = Dataset(
    "engagement",
    "fct_widget_sessions",
    "local_date",
    {"participants": "count(distinct visitor_id) filter (where has_chat_start)"},
    descriptions={"participants": "Participants: distinct customers who started the chat in the selected period."},
)
cumulative = Dataset(
    "engagement",
    "fct_engagement_cumulative",
    "local_date",
    {
        "cumulative_sessions": "sum(cumulative_sessions)",
        "cumulative_chat_starts": "sum(cumulative_chat_starts)",
        "cumulative_participants": "sum(cumulative_new_participants)",
        "cumulative_new_customers": "sum(cumulative_new_customers)",
    },
    descriptions={
        "cumulative_sessions": "Running totals since the beginning of the data (not of the selected period);"
        " participants count each customer once, on the first chat start ever.",
    },
)
funnel = Dataset(
    "engagement",
    "fct_engagement_funnel",
    "local_date",
    {"step_value": "sum(step_value)"},
    descriptions={"step_value": "The KPIs as a funnel: sessions, conversations, chat starts, sign-ups, opt-ins."},
)
module_visits = Dataset(
    "engagement",
    "fct_engagement_module_visits",
    "local_date",
    {"visits": "sum(visits)"},
    descriptions={"visits": "Visits per module of the experience and week (the drill-down heatmap)."},
)
NPS_SQL = (
    "100.0 * (sum(ratings) filter (where nps_category = 'promoter')"
    " - coalesce(sum(ratings) filter (where nps_category = 'detractor'), 0))"
    " / nullif(sum(ratings), 0)"
)
nps = Dataset(
    "engagement",
    "fct_engagement_nps",
    "local_date",
    {"ratings": "sum(ratings)", "nps": NPS_SQL},
    {"nps": ",.1f"},
    {
        "ratings": "NPS ratings: detractors score 1-6, passives 7-8, promoters 9-10.",
        "nps": "Net Promoter Score = % promoters - % detractors of the ratings.",
    },
)

CUMULATIVE_CHART = "Cumulative sessions, chat starts, participants"
FROM_PERIOD_START = ["sessions", "sessions_with_conversation", "chat_starts", "new_customers"]
STACKED = {"stack": "Stack"}

DASHBOARD = Dashboard(
    "Chats and chatbot engagement",
    "chats",
    rows=[
        [
            *counters(messages, {"Chat messages": "messages", "Alice messages": "alice_messages"}, width=3),
            *counters(
                conversations,
                {"Conversations": "conversations", "Avg first operator response (s)": "avg_first_response_seconds"},
                width=3,
            ),
        ],
        [
            Chart("Chat messages over time by sender", "line", messages, ["messages"], ["sender_type"], width=8),
            Chart("Chat messages by messenger", "pie", messages, ["messages"], ["messenger"], width=4),
        ],
        [
            Chart(
                "Conversations over time", "bar", conversations, ["conversations", "resolved_conversations"], width=6
            ),
            table(
                "Chat messages by company and sender",
                messages,
                ["messages", "alice_messages", "proactive_messages"],
                ["company_id", "sender_type"],
                width=6,
            ),
        ],
        [
            *counters(
                engagement,
                {
                    "Chatbot sessions": "sessions",
                    "Bounces": "bounces",
                    "Bounce rate": "bounce_rate",
                    "Chat starts": "chat_starts",
                },
                width=2,
            ),
            counter("Participants", sessions, "participants", width=2),
            counter("NPS score", nps, "nps", width=2),
        ],
        [
            Chart("Engagement funnel", "funnel", funnel, ["step_value"], ["step_name"], width=6),
            Chart("Sessions by device", "pie", engagement, ["sessions"], ["device"], width=3),
            Chart("NPS segments", "pie", nps, ["ratings"], ["nps_category"], width=3),
        ],
        [
            Chart(
                "Module visits heatmap (module x week)",
                "heatmap",
                module_visits,
                ["visits"],
                ["module_id"],
                x="local_date",
                grain="P1W",
                width=12,
                height=80,
            ),
        ],
        [
            Chart(
                CUMULATIVE_CHART,
                "line",
                cumulative,
                [
                    "cumulative_sessions",
                    "cumulative_chat_starts",
                    "cumulative_participants",
                    "cumulative_new_customers",
                ],
                width=6,
            ),
            Chart(
                "Sessions, conversations and bounces over time",
                "bar",
                engagement,
                ["sessions_with_conversation", "bounces"],
                width=6,
                extra=STACKED,
            ),
        ],
        [
            Chart(
                "KPIs cumulated from the period start",
                "line",
                engagement,
                FROM_PERIOD_START,
                width=6,
                cumulative=True,
                description="Running totals of sessions, sessions with conversation, chat starts and new customers"
                " from the start of the selected period (the chart beside it starts at the beginning of the data)."
                " Participants are distinct customers and do not add up from day to day: see the Participants tile.",
            ),
            Chart(
                "Log-in attempts with code",
                "cat_bar",
                engagement,
                ["pins_sent", "pins_succeeded", "pins_failed"],
                x="device",
                width=6,
                description="PIN e-mails sent, PINs entered correctly and incorrectly, by device.",
            ),
        ],
        counters(
            engagement,
            {
                "Screen time (min)": "screen_time_minutes",
                "Sessions with conversation": "sessions_with_conversation",
                "New customers": "new_customers",
                "Asked for web push": "web_push_asked",
                "Participations": "participations",
                "Advent calendar opened": "advent_doors_opened",
            },
        ),
        counters(
            engagement,
            {
                "PIN e-mails sent": "pins_sent",
                "PIN succeeded": "pins_succeeded",
                "PIN failed": "pins_failed",
                "Customers deleted": "customers_deleted",
                "Data entered": "data_entered",
                "NPS ratings": "nps_ratings",
            },
        ),
        [
            Chart("Opt-ins over time", "bar", engagement, OPT_INS, width=4, grain="P1W", extra=STACKED),
            Chart("Shares by network", "cat_bar", engagement, SHARES, x="device", width=4),
            Chart("Ratings by NPS score", "cat_bar", nps, ["ratings"], x="nps_score", width=4),
        ],
    ],
    filters=[
        PERIOD,
        # the cumulative series are running totals per day: a coarser grain would add them up
        time_grain(messages, exclude=(CUMULATIVE_CHART,)),
        *selects(
            messages,
            {
                "Company": "company_id",
                "Messenger": "messenger",
                "Sender type": "sender_type",
                "Operator": "operator_id",
                "Operator group": "operator_group_id",
                "Bot": "bot_id",
                "Chat configuration": "chat_config_id",
            },
        ),
        select("There are customer messages", messages, "chat_has_customer_messages"),
        *selects(engagement, {"Chatbot experience": "experience_id", "Device": "device"}),
        select("Module", module_visits, "module_id", description="The modules of the drill-down heatmap."),
    ],
)
