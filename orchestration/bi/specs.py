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
        "notifications_with_fallback": "sum(notifications_with_fallback)",
        "fallback_messages": "sum(fallback_messages)",
    },
    {"delivery_rate": ".1%"},
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
            Chart(
                "Median time to deliver (s)",
                "big_number",
                notifications,
                ["median_seconds_to_deliver"],
                width=3,
                height=30,
                extra={"y_axis_format": ",.1f"},
            ),
            Chart(
                "P95 time to deliver (s)",
                "big_number",
                notifications,
                ["p95_seconds_to_deliver"],
                width=3,
                height=30,
                extra={"y_axis_format": ",.1f"},
            ),
            Chart(
                "Notifications with fallback",
                "big_number",
                notif_daily,
                ["notifications_with_fallback"],
                width=3,
                height=30,
            ),
            Chart("Fallback messages", "big_number", notif_daily, ["fallback_messages"], width=3, height=30),
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
        [
            Chart(
                "Time to deliver over time (median, p95)",
                "line",
                notifications,
                ["median_seconds_to_deliver", "p95_seconds_to_deliver"],
                width=6,
            ),
            Chart(
                "Fallbacks by final channel",
                "cat_bar",
                notif_daily,
                ["notifications_with_fallback", "fallback_messages"],
                x="channel",
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
engagement_daily = Dataset(
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
        "web_push_soi": "sum(web_push_soi)",
        "web_push_doi": "sum(web_push_doi)",
        "reminder_soi": "sum(reminder_soi)",
        "reminder_doi": "sum(reminder_doi)",
        "shares_facebook": "sum(shares_facebook)",
        "shares_email": "sum(shares_email)",
        "shares_native": "sum(shares_native)",
        "shares_twitter": "sum(shares_twitter)",
        "shares_whatsapp": "sum(shares_whatsapp)",
        "screen_time_minutes": "sum(screen_time_minutes)",
    },
    {"bounce_rate": ".1%"},
)
engagement_cumulative = Dataset(
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
engagement_funnel = Dataset("engagement", "fct_engagement_funnel", "local_date", {"step_value": "sum(step_value)"})
module_visits = Dataset("engagement", "fct_engagement_module_visits", "local_date", {"visits": "sum(visits)"})
NPS_SQL = (
    "100.0 * (sum(ratings) filter (where nps_category = 'promoter')"
    " - coalesce(sum(ratings) filter (where nps_category = 'detractor'), 0))"
    " / nullif(sum(ratings), 0)"
)
engagement_nps = Dataset(
    "engagement",
    "fct_engagement_nps",
    "local_date",
    {"ratings": "sum(ratings)", "nps": NPS_SQL},
    {"nps": ",.1f"},
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
        [
            Chart("Chatbot sessions", "big_number", engagement_daily, ["sessions"], width=2, height=30),
            Chart("Bounces", "big_number", engagement_daily, ["bounces"], width=2, height=30),
            Chart(
                "Bounce rate",
                "big_number",
                engagement_daily,
                ["bounce_rate"],
                width=2,
                height=30,
                extra={"y_axis_format": ".1%"},
            ),
            Chart("Chat starts", "big_number", engagement_daily, ["chat_starts"], width=2, height=30),
            Chart("Participants", "big_number", engagement_cumulative, ["participants"], width=2, height=30),
            Chart(
                "NPS score",
                "big_number",
                engagement_nps,
                ["nps"],
                width=2,
                height=30,
                extra={"y_axis_format": ",.1f"},
            ),
        ],
        [
            Chart("Engagement funnel", "funnel", engagement_funnel, ["step_value"], ["step_name"], width=6),
            Chart("Sessions by device", "pie", engagement_daily, ["sessions"], ["device"], width=3),
            Chart("NPS segments", "pie", engagement_nps, ["ratings"], ["nps_category"], width=3),
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
                "Cumulative sessions, chat starts, participants",
                "line",
                engagement_cumulative,
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
                engagement_daily,
                ["sessions_with_conversation", "bounces"],
                width=6,
                extra={"stack": "Stack"},
            ),
        ],
        [
            Chart(
                "Opt-ins over time",
                "bar",
                engagement_daily,
                ["web_push_soi", "web_push_doi", "reminder_soi", "reminder_doi"],
                width=4,
                grain="P1W",
                extra={"stack": "Stack"},
            ),
            Chart(
                "Shares by network",
                "cat_bar",
                engagement_daily,
                ["shares_facebook", "shares_email", "shares_native", "shares_twitter", "shares_whatsapp"],
                x="device",
                width=4,
            ),
            Chart("Ratings by NPS score", "cat_bar", engagement_nps, ["ratings"], x="nps_score", width=4),
        ],
    ],
    filters=[
        Filter("Period", "time"),
        # the cumulative series are running totals per day: a coarser grain would add them up
        Filter(
            "Time grain",
            "grain",
            dataset=chat_messages,
            exclude=("Cumulative sessions, chat starts, participants",),
        ),
        Filter("Company", "select", "company_id", chat_messages),
        Filter("Messenger", "select", "messenger", chat_messages),
        Filter("Sender type", "select", "sender_type", chat_messages),
        Filter("Operator", "select", "operator_id", chat_messages),
        Filter("Bot", "select", "bot_id", chat_messages),
        Filter("Chatbot experience", "select", "experience_id", engagement_daily),
        Filter("Device", "select", "device", engagement_daily),
    ],
)

# --- telephony --------------------------------------------------------------------------------
calls_hourly = Dataset(
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
)
calls = Dataset("telephony", "fct_calls", "local_date", {"calls": "count(*)"})

TELEPHONY = Dashboard(
    "Telephony",
    "telephony",
    rows=[
        [
            Chart("Calls", "big_number", calls_hourly, ["calls"], width=2, height=30),
            Chart("Answered calls", "big_number", calls_hourly, ["answered_calls"], width=2, height=30),
            Chart("Missed calls", "big_number", calls_hourly, ["missed_calls"], width=2, height=30),
            Chart(
                "Answer ratio",
                "big_number",
                calls_hourly,
                ["answer_ratio"],
                width=2,
                height=30,
                extra={"y_axis_format": ".1%"},
            ),
            Chart(
                "Billable minutes",
                "big_number",
                calls_hourly,
                ["billable_minutes"],
                width=2,
                height=30,
                extra={"y_axis_format": ",.1f"},
            ),
            Chart(
                "Avg talk time (s)",
                "big_number",
                calls_hourly,
                ["avg_duration_seconds"],
                width=2,
                height=30,
                extra={"y_axis_format": ",.1f"},
            ),
        ],
        [
            Chart(
                "Calls over time: outbound (legacy) vs inbound (new)",
                "line",
                calls_hourly,
                ["calls"],
                ["direction"],
                width=8,
            ),
            Chart("Calls by direction", "pie", calls_hourly, ["calls"], ["direction"], width=4),
        ],
        [
            Chart("Answered and missed calls", "bar", calls_hourly, ["answered_calls", "missed_calls"], width=6),
            Chart(
                "Answer ratio over time",
                "line",
                calls_hourly,
                ["answer_ratio"],
                ["direction"],
                width=6,
                extra={"y_axis_format": ".1%"},
            ),
        ],
        [
            Chart("Calls by hour of day", "cat_bar", calls_hourly, ["calls"], ["direction"], x="local_hour", width=6),
            Chart(
                "Talk time and billable duration (min)",
                "bar",
                calls_hourly,
                ["duration_minutes", "billable_minutes"],
                width=6,
            ),
        ],
        [
            Chart("Calls by disposition", "pie", calls, ["calls"], ["disposition"], width=4),
            Chart(
                "Calls by company and direction",
                "table",
                calls_hourly,
                ["calls", "answered_calls", "missed_calls", "answer_ratio", "duration_minutes", "billable_minutes"],
                ["company_id", "direction"],
                width=8,
            ),
        ],
    ],
    filters=[
        Filter("Period", "time"),
        Filter("Time grain", "grain", dataset=calls_hourly),
        Filter("Company", "select", "company_id", calls_hourly),
        Filter("Direction (service)", "select", "direction", calls_hourly),
        Filter("Bot", "select", "bot_id", calls),
        Filter("Disposition", "select", "disposition", calls),
    ],
)

# --- invoices and account ---------------------------------------------------------------------
invoices = Dataset(
    "billing",
    "fct_invoices",
    "invoice_month",
    {"invoices": "count(*)", "total_amount": "sum(total_amount)", "adjustment_amount": "sum(adjustment_amount)"},
    {"total_amount": ",.2f", "adjustment_amount": ",.2f"},
)
invoice_lines = Dataset(
    "billing", "fct_invoice_lines", "invoice_month", {"lines": "count(*)", "amount": "sum(amount)"}, {"amount": ",.2f"}
)
transactions = Dataset(
    "billing",
    "fct_account_transactions",
    "local_date",
    {"transactions": "count(*)", "amount": "sum(amount)"},
    {"amount": ",.2f"},
)
unpriced = Dataset("billing", "fct_unpriced_usage", "local_date", {"unpriced_events": "count(*)"})

INVOICES = Dashboard(
    "Invoices and account",
    "invoices",
    rows=[
        [
            Chart("Invoices (count)", "big_number", invoices, ["invoices"], width=3, height=30),
            Chart("Invoice lines (count)", "big_number", invoice_lines, ["lines"], width=3, height=30),
            Chart("Account transactions", "big_number", transactions, ["transactions"], width=3, height=30),
            Chart("Unpriced usage events", "big_number", unpriced, ["unpriced_events"], width=3, height=30),
        ],
        [
            Chart(
                "Invoices",
                "raw",
                invoices,
                [],
                columns=[
                    "invoice_id",
                    "company_name",
                    "invoice_month",
                    "period_start",
                    "period_end",
                    "invoice_status",
                    "total_amount",
                    "currency",
                    "issuer_name",
                    "issued_at",
                ],
                order_by=[("invoice_month", False), ("invoice_id", True)],
                width=12,
                height=60,
            ),
        ],
        [
            Chart(
                "Invoice totals by month and currency",
                "bar",
                invoices,
                ["total_amount"],
                ["currency"],
                grain="P1M",
                width=6,
            ),
            Chart(
                "Invoice totals by status and currency",
                "table",
                invoices,
                ["invoices", "total_amount", "adjustment_amount"],
                ["invoice_status", "currency"],
                width=6,
            ),
        ],
        [
            Chart(
                "Invoice lines",
                "raw",
                invoice_lines,
                [],
                columns=[
                    "invoice_id",
                    "line_number",
                    "line_kind",
                    "service",
                    "description",
                    "period_month",
                    "is_adjustment",
                    "quantity",
                    "unit",
                    "unit_price",
                    "amount",
                    "currency",
                    "invoice_status",
                ],
                order_by=[("invoice_id", True), ("line_number", True)],
                width=12,
                height=60,
            ),
        ],
        [
            Chart(
                "Account transactions and running balance",
                "raw",
                transactions,
                [],
                columns=[
                    "occurred_at",
                    "transaction_id",
                    "company_id",
                    "transaction_type",
                    "amount",
                    "currency",
                    "balance_after",
                    "invoice_id",
                    "package_id",
                ],
                order_by=[("company_id", True), ("occurred_at", True), ("transaction_id", True)],
                width=8,
                height=60,
            ),
            Chart(
                "Unpriced usage by reason and service",
                "table",
                unpriced,
                ["unpriced_events"],
                ["rating_issue", "service"],
                width=4,
                height=60,
            ),
        ],
    ],
    filters=[
        Filter("Period", "time"),
        Filter("Company", "select", "company_id", invoices),
        Filter("Status", "select", "invoice_status", invoices),
        Filter("Currency", "select", "currency", invoices),
        Filter("Transaction type", "select", "transaction_type", transactions),
    ],
)

# --- reseller billing -------------------------------------------------------------------------
SERVICE_COLUMNS = [
    "sms_delivered",
    "sms_segments",
    "sms_retail",
    "sms_wholesale",
    "viber_sent",
    "viber_delivered",
    "viber_retail",
    "viber_wholesale",
    "whatsapp_sent",
    "whatsapp_delivered",
    "whatsapp_retail",
    "whatsapp_wholesale",
    "email_sent",
    "email_delivered",
    "email_retail",
    "email_wholesale",
    "push_sent",
    "push_delivered",
    "push_retail",
    "push_wholesale",
    "chat_operator_messages",
    "chat_operator_retail",
    "chat_operator_wholesale",
    "chat_bot_messages",
    "chat_bot_retail",
    "chat_bot_wholesale",
    "chat_user_messages",
    "chat_user_retail",
    "chat_user_wholesale",
    "chat_alice_messages",
    "chat_alice_retail",
    "chat_alice_wholesale",
    "call_outbound_calls",
    "call_outbound_seconds",
    "call_outbound_retail",
    "call_outbound_wholesale",
    "call_inbound_calls",
    "call_inbound_seconds",
    "call_inbound_retail",
    "call_inbound_wholesale",
    "bot_api_messages",
    "bot_api_retail",
    "bot_api_wholesale",
]
reseller_report = Dataset(
    "billing",
    "rpt_reseller_companies",
    "billing_month",
    {
        "total_wholesale": "sum(total_wholesale)",
        "total_retail": "sum(total_retail)",
        "companies": "count(distinct company_id)",
        "companies_with_expenses": "count(distinct company_id) filter (where has_expenses)",
    },
    {"total_wholesale": ",.2f", "total_retail": ",.2f"},
)

RESELLER = Dashboard(
    "Reseller billing",
    "reseller-billing",
    rows=[
        [
            Chart(
                "Total to platform (wholesale)",
                "big_number",
                reseller_report,
                ["total_wholesale"],
                width=2,
                height=30,
                extra={"y_axis_format": ",.2f"},
            ),
            Chart("Dependent companies", "big_number", reseller_report, ["companies"], width=2, height=30),
            Chart(
                "Companies with expenses",
                "big_number",
                reseller_report,
                ["companies_with_expenses"],
                width=2,
                height=30,
            ),
            Chart(
                "Totals by reseller and currency",
                "table",
                reseller_report,
                ["total_wholesale", "total_retail"],
                ["reseller_name", "wholesale_currency", "retail_currency"],
                width=6,
                height=30,
            ),
        ],
        [
            Chart(
                "Reseller and companies",
                "raw",
                reseller_report,
                [],
                columns=[
                    "reseller_id",
                    "reseller_name",
                    "company_id",
                    "company_name",
                    "billing_month",
                    "has_expenses",
                    *SERVICE_COLUMNS,
                    "total_wholesale",
                    "wholesale_currency",
                    "total_retail",
                    "retail_currency",
                ],
                order_by=[("billing_month", False), ("reseller_name", True), ("company_name", True)],
                width=12,
                height=70,
            ),
        ],
        [
            Chart(
                "Total to platform by month and reseller",
                "bar",
                reseller_report,
                ["total_wholesale"],
                ["reseller_name"],
                grain="P1M",
                width=6,
            ),
            Chart(
                "Total to companies by month and currency",
                "bar",
                reseller_report,
                ["total_retail"],
                ["retail_currency"],
                grain="P1M",
                width=6,
            ),
        ],
    ],
    filters=[
        Filter("Period", "time"),
        Filter("Reseller", "select", "reseller_name", reseller_report),
        Filter("Company", "select", "company_name", reseller_report),
        Filter("There are expenses", "select", "has_expenses", reseller_report),
        Filter("Company currency", "select", "retail_currency", reseller_report),
    ],
)

# --- customer dynamics ------------------------------------------------------------------------
dynamics = Dataset(
    "customer_dynamics",
    "fct_customer_dynamics",
    "period_start",
    {
        "clients": "count(distinct company_id)",
        "active_clients": "count(distinct company_id) filter (where is_active)",
        "overall_active_clients": "count(distinct company_id) filter (where is_overall_active)",
        "balance": "sum(balance)",
        "positive_balance": "sum(positive_balance)",
        "negative_balance": "sum(negative_balance)",
        "refills_count": "sum(refills_count)",
        "refills_amount": "sum(refills_amount)",
        "payg_amount": "sum(payg_amount)",
        "package_activations_count": "sum(package_activations_count)",
        "package_activations_amount": "sum(package_activations_amount)",
        "package_renewals_count": "sum(package_renewals_count)",
        "package_renewals_amount": "sum(package_renewals_amount)",
    },
    {
        k: ",.2f"
        for k in (
            "balance",
            "positive_balance",
            "negative_balance",
            "refills_amount",
            "payg_amount",
            "package_activations_amount",
            "package_renewals_amount",
        )
    },
)

DYNAMICS = Dashboard(
    "Customer dynamics",
    "customer-dynamics",
    rows=[
        [
            Chart("Clients (all)", "big_number", dynamics, ["clients"], width=2, height=30),
            Chart("Active clients", "big_number", dynamics, ["active_clients"], width=2, height=30),
            Chart("Overall active clients", "big_number", dynamics, ["overall_active_clients"], width=2, height=30),
            Chart(
                "Refills",
                "big_number",
                dynamics,
                ["refills_amount"],
                width=2,
                height=30,
                extra={"y_axis_format": ",.2f"},
            ),
            Chart(
                "Pay-as-you-go",
                "big_number",
                dynamics,
                ["payg_amount"],
                width=2,
                height=30,
                extra={"y_axis_format": ",.2f"},
            ),
            Chart(
                "Package activations",
                "big_number",
                dynamics,
                ["package_activations_count"],
                width=2,
                height=30,
            ),
        ],
        [
            Chart(
                "Clients: active, overall active, all",
                "line",
                dynamics,
                ["active_clients", "overall_active_clients", "clients"],
                width=6,
            ),
            Chart(
                "Balances at period end",
                "line",
                dynamics,
                ["balance", "positive_balance", "negative_balance"],
                width=6,
            ),
        ],
        [
            Chart(
                "Refills, pay-as-you-go and packages (amounts)",
                "bar",
                dynamics,
                ["refills_amount", "payg_amount", "package_activations_amount", "package_renewals_amount"],
                width=6,
            ),
            Chart(
                "Package activations and renewals",
                "bar",
                dynamics,
                ["package_activations_count", "package_renewals_count"],
                width=6,
            ),
        ],
        [
            Chart("Active clients by client type", "pie", dynamics, ["active_clients"], ["client_type"], width=4),
            Chart(
                "Dynamics by reseller and client type",
                "table",
                dynamics,
                ["clients", "active_clients", "overall_active_clients", "refills_amount", "payg_amount"],
                ["reseller_label", "client_type"],
                width=8,
            ),
        ],
        [
            Chart(
                "Packages: activations and renewals",
                "table",
                dynamics,
                [
                    "package_activations_count",
                    "package_activations_amount",
                    "package_renewals_count",
                    "package_renewals_amount",
                ],
                ["package_id"],
                width=6,
            ),
            Chart(
                "Dynamics by company",
                "table",
                dynamics,
                ["active_clients", "balance", "refills_amount", "payg_amount"],
                ["company_id", "client_type"],
                width=6,
            ),
        ],
    ],
    filters=[
        Filter("Period", "time"),
        Filter("Period grain", "select", "period_grain", dynamics, default=["month"], multi=False, required=True),
        Filter(
            "Active duration (months)",
            "select",
            "active_duration_months",
            dynamics,
            default=[3],
            multi=False,
            required=True,
        ),
        Filter("Client type", "select", "client_type", dynamics),
        Filter("Reseller", "select", "reseller_label", dynamics),
        Filter("Package", "select", "package_id", dynamics),
        Filter("Company", "select", "company_id", dynamics),
        Filter("Currency (company)", "select", "company_currency", dynamics),
    ],
)

# --- account usage ----------------------------------------------------------------------------
USAGE_METRICS = {
    "unique_contacts": "sum(unique_contacts)",
    "resolved_conversations": "sum(resolved_conversations)",
    "active_agents": "sum(active_agents)",
    "active_channels": "sum(active_channels)",
    "proactive_messages": "sum(proactive_messages)",
    "inbound_messages": "sum(inbound_messages)",
    "outbound_messages": "sum(outbound_messages)",
}
account_usage = Dataset("account_usage", "fct_account_usage", "period_start", dict(USAGE_METRICS))
usage_by_platform = Dataset("account_usage", "fct_account_usage_by_platform", "period_start", dict(USAGE_METRICS))

_usage_rows = [
    [
        Chart(
            "Unique contacts (UMC at month grain)",
            "big_number",
            account_usage,
            ["unique_contacts"],
            width=3,
            height=30,
        ),
        Chart("Resolved conversations", "big_number", account_usage, ["resolved_conversations"], width=3, height=30),
        Chart("Active agents", "big_number", account_usage, ["active_agents"], width=2, height=30),
        Chart("Active channels", "big_number", account_usage, ["active_channels"], width=2, height=30),
        Chart("Proactive messages", "big_number", account_usage, ["proactive_messages"], width=2, height=30),
    ],
    [
        Chart(
            "Unique contacts by platform",
            "bar",
            usage_by_platform,
            ["unique_contacts"],
            ["platform"],
            width=8,
            grain="PT1H",
        ),
        Chart(
            "Unique contacts by platform (share)",
            "pie",
            usage_by_platform,
            ["unique_contacts"],
            ["platform"],
            width=4,
        ),
    ],
    [
        Chart(
            "Resolved conversations over time", "line", account_usage, ["resolved_conversations"], width=6, grain="PT1H"
        ),
        Chart(
            "Active agents and channels",
            "line",
            account_usage,
            ["active_agents", "active_channels"],
            width=6,
            grain="PT1H",
        ),
    ],
    [
        Chart(
            "Proactive, inbound and outbound messages",
            "bar",
            account_usage,
            ["proactive_messages", "inbound_messages", "outbound_messages"],
            width=6,
            grain="PT1H",
        ),
        Chart(
            "Account usage by company",
            "table",
            account_usage,
            ["unique_contacts", "resolved_conversations", "active_agents", "active_channels", "proactive_messages"],
            ["company_id"],
            width=6,
        ),
    ],
]

ACCOUNT_USAGE = Dashboard(
    "Account usage",
    "account-usage",
    rows=_usage_rows,
    filters=[
        Filter("Period", "time"),
        Filter(
            "Grain (distinct counts per period)",
            "select",
            "period_grain",
            account_usage,
            default=["month"],
            multi=False,
            required=True,
        ),
        Filter("Company", "select", "company_id", account_usage),
        # fct_account_usage carries platform = 'all': the platform filter is for the by-platform charts
        Filter(
            "Platform",
            "select",
            "platform",
            usage_by_platform,
            exclude=tuple(c.name for row in _usage_rows for c in row if c.dataset is account_usage),
        ),
    ],
)

DASHBOARDS = [NOTIFICATIONS, CHATS, TELEPHONY, INVOICES, RESELLER, DYNAMICS, ACCOUNT_USAGE]
