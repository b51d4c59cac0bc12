"""Chats and chatbot engagement dashboard: messages, conversations, widget sessions, funnel, NPS."""

from orchestration.bi.specs.base import PERIOD, Chart, Dashboard, Dataset, counter, counters, selects, table, time_grain

messages = Dataset(
    "chats",
    "fct_chat_messages_daily",
    "local_date",
    {
        "messages": "sum(messages)",
        "alice_messages": "sum(alice_messages)",
        "proactive_messages": "sum(proactive_messages)",
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
)
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
    },
    {"bounce_rate": ".1%"},
)
cumulative = Dataset(
    "engagement",
    "fct_engagement_cumulative",
    "local_date",
    {
        # participants are distinct visitors: the mart counts each one once, on its first chat start
        "participants": "sum(new_participants)",
        "cumulative_sessions": "sum(cumulative_sessions)",
        "cumulative_chat_starts": "sum(cumulative_chat_starts)",
        "cumulative_participants": "sum(cumulative_new_participants)",
        "cumulative_new_customers": "sum(cumulative_new_customers)",
    },
)
funnel = Dataset("engagement", "fct_engagement_funnel", "local_date", {"step_value": "sum(step_value)"})
module_visits = Dataset("engagement", "fct_engagement_module_visits", "local_date", {"visits": "sum(visits)"})
NPS_SQL = (
    "100.0 * (sum(ratings) filter (where nps_category = 'promoter')"
    " - coalesce(sum(ratings) filter (where nps_category = 'detractor'), 0))"
    " / nullif(sum(ratings), 0)"
)
nps = Dataset(
    "engagement", "fct_engagement_nps", "local_date", {"ratings": "sum(ratings)", "nps": NPS_SQL}, {"nps": ",.1f"}
)

CUMULATIVE_CHART = "Cumulative sessions, chat starts, participants"
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
            counter("Participants", cumulative, "participants", width=2),
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
                "Bot": "bot_id",
            },
        ),
        *selects(engagement, {"Chatbot experience": "experience_id", "Device": "device"}),
    ],
)
