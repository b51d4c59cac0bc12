"""Compact specs of the dashboards, input of `scaffold` (the committed truth is `dashboards/`)."""

from __future__ import annotations

from orchestration.bi.scaffold import Chart, Dashboard, Dataset, Filter

# --- core -------------------------------------------------------------------------------------
dim_companies = Dataset("core", "dim_companies", None, {"companies": "count(*)"})

# --- notifications ----------------------------------------------------------------------------
notif_daily = Dataset(
    "notifications",
    "fct_notifications_daily",
    "local_date",
    {
        "created": "sum(notifications_created)",
        "sent": "sum(notifications_sent)",
        "delivered": "sum(notifications_delivered)",
        "undelivered": "sum(notifications_undelivered)",
        "errors": "sum(notifications_error)",
        "canceled": "sum(notifications_canceled)",
        "delivery_rate": "sum(notifications_delivered)::double / nullif(sum(notifications_sent), 0)",
    },
    {"delivery_rate": ".1%"},
)

NOTIFICATIONS = Dashboard(
    "Notifications",
    "notifications",
    rows=[
        [
            Chart("Notifications created", "big_number", notif_daily, ["created"], width=3, height=30),
            Chart("Notifications sent", "big_number", notif_daily, ["sent"], width=3, height=30),
            Chart("Notifications delivered", "big_number", notif_daily, ["delivered"], width=3, height=30),
            Chart(
                "Delivery rate",
                "big_number",
                notif_daily,
                ["delivery_rate"],
                width=3,
                height=30,
                extra={"y_axis_format": ".1%"},
            ),
        ],
        [
            Chart("Notifications over time by channel", "line", notif_daily, ["created"], ["channel"], width=8),
            Chart("Notifications by status", "pie", notif_daily, ["created"], ["status"], width=4),
        ],
        [
            Chart(
                "Delivery by channel",
                "cat_bar",
                notif_daily,
                ["delivered", "undelivered", "errors"],
                x="channel",
                width=6,
            ),
            Chart(
                "Notifications by company and channel",
                "table",
                notif_daily,
                ["created", "sent", "delivered", "undelivered", "errors", "canceled", "delivery_rate"],
                ["company_id", "channel"],
                width=6,
            ),
        ],
    ],
    filters=[
        Filter("Period", "time"),
        Filter("Time grain", "grain", dataset=notif_daily),
        Filter("Company", "select", "company_id", notif_daily),
        Filter("Channel", "select", "channel", notif_daily),
        Filter("Status", "select", "status", notif_daily),
    ],
)

# --- chats ------------------------------------------------------------------------------------
chat_messages = Dataset(
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

CHATS = Dashboard(
    "Chats and chatbot engagement",
    "chats",
    rows=[
        [
            Chart("Chat messages", "big_number", chat_messages, ["messages"], width=3, height=30),
            Chart("Alice messages", "big_number", chat_messages, ["alice_messages"], width=3, height=30),
            Chart("Conversations", "big_number", conversations, ["conversations"], width=3, height=30),
            Chart(
                "Avg first operator response (s)",
                "big_number",
                conversations,
                ["avg_first_response_seconds"],
                width=3,
                height=30,
            ),
        ],
        [
            Chart("Chat messages over time by sender", "line", chat_messages, ["messages"], ["sender_type"], width=8),
            Chart("Chat messages by messenger", "pie", chat_messages, ["messages"], ["messenger"], width=4),
        ],
        [
            Chart(
                "Conversations over time", "bar", conversations, ["conversations", "resolved_conversations"], width=6
            ),
            Chart(
                "Chat messages by company and sender",
                "table",
                chat_messages,
                ["messages", "alice_messages", "proactive_messages"],
                ["company_id", "sender_type"],
                width=6,
            ),
        ],
    ],
    filters=[
        Filter("Period", "time"),
        Filter("Time grain", "grain", dataset=chat_messages),
        Filter("Company", "select", "company_id", chat_messages),
        Filter("Messenger", "select", "messenger", chat_messages),
        Filter("Sender type", "select", "sender_type", chat_messages),
    ],
)

DASHBOARDS = [NOTIFICATIONS, CHATS]
