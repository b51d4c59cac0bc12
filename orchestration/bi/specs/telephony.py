"""Telephony dashboard: calls by direction (outbound = legacy, inbound = new), answer ratio, minutes."""

from orchestration.bi.specs.base import PERIOD, Chart, Dashboard, Dataset, counters, selects, table, time_grain

hourly = Dataset(
    "telephony",
    "fct_calls_hourly",
    "local_date",
    {
        "calls": "sum(calls)",
        "answered_calls": "sum(answered_calls)",
        "missed_calls": "sum(missed_calls)",
        "answer_ratio": "sum(answered_calls)::double / nullif(sum(calls), 0)",
        "duration_minutes": "sum(duration_seconds) / 60.0",
        "billable_minutes": "sum(billable_seconds) / 60.0",
        "avg_duration_seconds": "sum(duration_seconds)::double / nullif(sum(answered_calls), 0)",
    },
    {"answer_ratio": ".1%", "duration_minutes": ",.1f", "billable_minutes": ",.1f", "avg_duration_seconds": ",.1f"},
    {
        "calls": "Calls: outbound (the legacy service) and inbound (the new service).",
        "answered_calls": "Calls that were answered.",
        "missed_calls": "Calls that were not answered (no answer, busy, failed, canceled).",
        "answer_ratio": "Answered calls / calls.",
        "duration_minutes": "Talk time in minutes (from answer to end).",
        "billable_minutes": "Billable duration in minutes, rounded per call as the tariff says (e.g. per started"
        " minute).",
        "avg_duration_seconds": "Average talk time of an answered call, in seconds.",
    },
)
calls = Dataset(
    "telephony",
    "fct_calls",
    "local_date",
    {"calls": "count(*)"},
    descriptions={"calls": "Calls by disposition: answered, no answer, busy, failed, canceled."},
)

DASHBOARD = Dashboard(
    "Telephony",
    "telephony",
    rows=[
        counters(
            hourly,
            {
                "Calls": "calls",
                "Answered calls": "answered_calls",
                "Missed calls": "missed_calls",
                "Answer ratio": "answer_ratio",
                "Billable minutes": "billable_minutes",
                "Avg talk time (s)": "avg_duration_seconds",
            },
        ),
        [
            Chart(
                "Calls over time: outbound (legacy) vs inbound (new)", "line", hourly, ["calls"], ["direction"], width=8
            ),
            Chart("Calls by direction", "pie", hourly, ["calls"], ["direction"], width=4),
        ],
        [
            Chart("Answered and missed calls", "bar", hourly, ["answered_calls", "missed_calls"], width=6),
            Chart(
                "Answer ratio over time",
                "line",
                hourly,
                ["answer_ratio"],
                ["direction"],
                width=6,
                extra={"y_axis_format": ".1%"},
            ),
        ],
        [
            Chart(
                "Calls by hour of day",
                "cat_bar",
                hourly,
                ["calls"],
                ["direction"],
                x="local_hour",
                width=6,
                description="Calls by the hour of day of their start, in the company's local time.",
            ),
            Chart(
                "Talk time and billable duration (min)",
                "bar",
                hourly,
                ["duration_minutes", "billable_minutes"],
                width=6,
            ),
        ],
        [
            Chart("Calls by disposition", "pie", calls, ["calls"], ["disposition"], width=4),
            table(
                "Calls by company and direction",
                hourly,
                ["calls", "answered_calls", "missed_calls", "answer_ratio", "duration_minutes", "billable_minutes"],
                ["company_id", "direction"],
                width=8,
            ),
        ],
    ],
    filters=[
        PERIOD,
        time_grain(hourly),
        *selects(hourly, {"Company": "company_id", "Direction (service)": "direction"}),
        *selects(calls, {"Bot": "bot_id", "Disposition": "disposition"}),
    ],
)
