"""Notifications dashboard: volumes, delivery, time to deliver and fallbacks."""

from orchestration.bi.specs.base import (
    PERIOD,
    Chart,
    Dashboard,
    Dataset,
    counters,
    select,
    selects,
    table,
    time_grain,
    time_zone_choice,
)

daily = Dataset(
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
        "notifications_with_fallback": "sum(notifications_with_fallback)",
        "fallback_messages": "sum(fallback_messages)",
    },
    {"delivery_rate": ".1%"},
    {
        "created": "Logical notifications created (a message and the fallback messages that replaced it count once).",
        "sent": "Notifications sent: with a pending, delivered or undelivered status event.",
        "delivered": "Notifications delivered to clients.",
        "undelivered": "Notifications that were not delivered.",
        "errors": "Notifications not sent because of an error (e.g. a carrier's technical error).",
        "canceled": "Notifications not sent because the user canceled the sending.",
        "delivery_rate": "Delivered / sent.",
        "notifications_with_fallback": "Notifications that fell back to another channel (omitted, optional).",
        "fallback_messages": "Messages sent on a fallback channel.",
    },
)
# The time series in every time-zone view (the Time zone filter picks one; company-local by default)
series = Dataset(
    "notifications",
    "fct_notification_series_daily",
    "local_date",
    {"created": "sum(notifications_created)"},
    descriptions={
        "created": "Logical notifications created per day in the chosen time zone (company-local time by default)."
    },
)
# Percentiles do not add up over days: they are computed from the notification-grain mart.
notifications = Dataset(
    "notifications",
    "fct_notifications",
    "local_date",
    {
        "notifications": "count(*)",
        "median_seconds_to_deliver": "median(seconds_to_deliver)",
        "p95_seconds_to_deliver": "quantile_cont(seconds_to_deliver, 0.95)",
        "with_fallback": "count(*) filter (where has_fallback)",
    },
    {"median_seconds_to_deliver": ",.1f", "p95_seconds_to_deliver": ",.1f"},
    {
        "notifications": "Logical notifications.",
        "median_seconds_to_deliver": "Median seconds from creation to delivery (delivered notifications).",
        "p95_seconds_to_deliver": "95th percentile of the seconds from creation to delivery.",
        "with_fallback": "Notifications that fell back to another channel.",
    },
)

# The per-message view: every physical message by its own current status (optional statuses included)
messages = Dataset(
    "notifications",
    "fct_notification_messages_daily",
    "local_date",
    {"messages": "sum(messages)", "messages_sent": "sum(messages_sent)"},
    descriptions={
        "messages": "Per-message view: every message (fallback messages on their own) by its current status,"
        " including Created, optional and Omitted, optional (sent on another channel instead).",
        "messages_sent": "Messages sent (pending, delivered or undelivered), per message.",
    },
)

DASHBOARD = Dashboard(
    "Notifications",
    "notifications",
    rows=[
        counters(
            daily,
            {
                "Notifications created": "created",
                "Notifications sent": "sent",
                "Notifications delivered": "delivered",
                "Delivery rate": "delivery_rate",
            },
        ),
        [
            *counters(
                notifications,
                {
                    "Median time to deliver (s)": "median_seconds_to_deliver",
                    "P95 time to deliver (s)": "p95_seconds_to_deliver",
                },
                width=3,
            ),
            *counters(
                daily,
                {
                    "Notifications with fallback": "notifications_with_fallback",
                    "Fallback messages": "fallback_messages",
                },
                width=3,
            ),
        ],
        [
            Chart("Notifications over time by channel", "line", series, ["created"], ["channel"], width=8),
            Chart("Notifications by status", "pie", daily, ["created"], ["status"], width=4),
        ],
        [
            Chart(
                "Delivery by channel", "cat_bar", daily, ["delivered", "undelivered", "errors"], x="channel", width=6
            ),
            table(
                "Notifications by company and channel",
                daily,
                ["created", "sent", "delivered", "undelivered", "errors", "canceled", "delivery_rate"],
                ["company_id", "channel"],
                width=6,
            ),
        ],
        [
            Chart(
                "Time to deliver over time (median, p95)",
                "line",
                notifications,
                ["median_seconds_to_deliver", "p95_seconds_to_deliver"],
                width=6,
                description="Median and 95th percentile of the seconds from creation to delivery, per company-local"
                " day (percentiles come from the notifications themselves: the Time zone filter does not apply).",
            ),
            Chart(
                "Fallbacks by final channel",
                "cat_bar",
                daily,
                ["notifications_with_fallback", "fallback_messages"],
                x="channel",
                width=6,
            ),
        ],
        [
            Chart(
                "Messages by channel and status (per message)",
                "pivot",
                messages,
                ["messages"],
                ["channel"],
                x="message_status",
                width=8,
            ),
            Chart("Messages by status (per message)", "pie", messages, ["messages"], ["message_status"], width=4),
        ],
    ],
    filters=[
        PERIOD,
        time_grain(daily),
        time_zone_choice(series),
        *selects(daily, {"Company": "company_id", "Channel": "channel", "Status": "status"}),
        select(
            "Message status (per message)",
            messages,
            "message_status",
            description="Every status of the platform's status filter, counted per message (per-message charts).",
        ),
    ],
)
