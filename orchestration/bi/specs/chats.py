"""Chats dashboard (the chat graphs page): messages and conversations by operator, bot, channel and messenger."""

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


def _name(table: str, key: str, dimension: str, name: str) -> str:
    """The current name of the mart row's `key` in `core.<dimension>` (a calculated column: a renamed operator
    shows its new name on every date); '(none)' for -1 (no operator, group or bot), '#id' when unknown."""
    own = f"{table}.{key}"
    return (
        f"coalesce((select any_value(d.{name}) from core.{dimension} as d where d.{key} = {own}),"
        f" case when {own} is null or {own} = -1 then '(none)' else '#' || {own} end)"
    )


def names(table: str) -> dict[str, str]:
    """Operator, operator group, bot and chat configuration by name, for a chats mart keyed by their ids."""
    return {
        "operator_name": _name(table, "operator_id", "dim_operators", "operator_name"),
        "operator_group_name": _name(table, "operator_group_id", "dim_operators", "operator_group_name"),
        "bot_name": _name(table, "bot_id", "dim_bots", "bot_name"),
        "chat_config_name": _name(table, "chat_config_id", "dim_chat_configs", "chat_config_name"),
    }


messages = Dataset(
    "chats",
    "fct_chat_messages_by_time_zone",
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
    computed=names("fct_chat_messages_by_time_zone"),
)
conversations = Dataset(
    "chats",
    "fct_conversations_by_time_zone",
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
        " operator reply (conversations with an operator reply). A conversation belongs to the operator of the first"
        " reply (else the first operator who wrote) and to the first bot that wrote: the operator and bot filters"
        " select conversations by them.",
    },
    computed=names("fct_conversations_by_time_zone"),
)
BY_OPERATOR = ["operator_name", "operator_group_name"]

DASHBOARD = Dashboard(
    "Chats",
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
            Chart(
                "First operator response over time",
                "line",
                conversations,
                ["avg_first_response_seconds"],
                width=6,
                extra={"y_axis_format": ",.0f"},
            ),
        ],
        [
            table("Chat messages by operator", messages, ["messages", "proactive_messages"], BY_OPERATOR, width=6),
            table(
                "Conversations and first response by operator",
                conversations,
                ["conversations", "resolved_conversations", "avg_first_response_seconds"],
                BY_OPERATOR,
                width=6,
            ),
        ],
        [
            table("Chat messages by bot", messages, ["messages", "proactive_messages"], ["bot_name"], width=4),
            table(
                "Conversations by bot",
                conversations,
                ["conversations", "resolved_conversations"],
                ["bot_name"],
                width=4,
            ),
            table(
                "Chat messages by company and sender",
                messages,
                ["messages", "alice_messages", "proactive_messages"],
                ["company_id", "sender_type"],
                width=4,
            ),
        ],
    ],
    filters=[
        PERIOD,
        time_zone_choice(messages),
        time_grain(messages),
        *selects(
            messages,
            {
                "Company": "company_id",
                "Chat configuration": "chat_config_name",
                "Operator": "operator_name",
                "Messenger": "messenger",
                "Bot": "bot_name",
                "Operator group": "operator_group_name",
                "Sender type": "sender_type",
            },
        ),
        select(
            "There are customer messages",
            messages,
            "chat_has_customer_messages",
            description="Conversations with at least one customer message (the platform's check box).",
        ),
    ],
)
