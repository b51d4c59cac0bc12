"""The platform's export contract (version 1) as data: one place the loader validates against.

Mirrors the platform export contract and docs/landing-layout.md. Enum values are documented here but
not enforced by the loader: an unknown value is loaded and surfaced by dbt's accepted_values tests in
staging.
"""

from __future__ import annotations

from dataclasses import dataclass

# kind -> DuckDB type of the raw column
DUCKDB_TYPES = {
    "int": "BIGINT",
    "str": "VARCHAR",
    "bool": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "decimal": "DECIMAL(18, 6)",
    "str_list": "VARCHAR[]",
    "object": "JSON",
}


# Values the loader quarantines although their JSON type is right (a reason per line, never rounded,
# never NULL): what would otherwise corrupt an invoice or a date spine.
MONEY_DECIMALS = 6  # the scale of DUCKDB_TYPES["decimal"]: more decimals would be rounded silently
EARLIEST_TIME = "2000-01-01"  # older timestamps and dates are sentinels or typos
# A fact happened before its export day ended: anything later than the export day + this margin
# (clock skew) is a sentinel such as `infinity` or 2999 and would pin a reference row forever.
FUTURE_MARGIN_DAYS = 2
# Fields that legitimately point ahead (a price valid from next month, a delayed send): bounded here.
FORWARD_LOOKING = {("tariffs", "valid_from"), ("tariffs", "valid_to"), ("notifications", "scheduled_for")}
LATEST_FORWARD_TIME = "2100-01-01"
NON_NEGATIVE = {("packages", "price"), ("tariffs", "price")}
POSITIVE = {("exchange_rates", "units_per_usd")}
# IANA names, checked against DuckDB's own list (pg_timezone_names): the names local dates use.
TIME_ZONE_FIELDS = {("companies", "timezone")}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    required: bool = True


def _fields(spec: str) -> tuple[Field, ...]:
    """Parse 'name:kind' / 'name:kind?' (? = may be null or absent)."""
    fields = []
    for item in spec.split():
        name, kind = item.split(":")
        fields.append(Field(name, kind.rstrip("?"), required=not kind.endswith("?")))
    return tuple(fields)


ENTITY_FIELDS: dict[str, tuple[Field, ...]] = {
    "companies": _fields(
        "company_id:int name:str parent_company_id:int? client_type:str currency:str timezone:str"
        " country:str is_test:bool tags:str_list created_at:timestamp updated_at:timestamp"
    ),
    "operators": _fields(
        "operator_id:int company_id:int name:str group_id:int? group_name:str? is_active:bool updated_at:timestamp"
    ),
    "chat_configs": _fields(
        "chat_config_id:int company_id:int name:str messenger:str platform:str is_test:bool"
        " created_at:timestamp updated_at:timestamp"
    ),
    "bots": _fields("bot_id:int company_id:int name:str updated_at:timestamp"),
    "packages": _fields(
        "package_id:int name:str currency:str price:decimal included_units:object updated_at:timestamp"
    ),
    "tariffs": _fields(
        "tariff_id:int owner_id:int company_id:int? service:str price:decimal currency:str"
        " rounding_seconds:int? valid_from:timestamp valid_to:timestamp? updated_at:timestamp"
    ),
    "exchange_rates": _fields("date:date currency:str units_per_usd:decimal"),
    "notifications": _fields(
        "message_id:str company_id:int channel:str template_id:int recipient_hash:str fallback_of:str?"
        " is_optional:bool scheduled_for:timestamp? sms_segments:int created_at:timestamp"
    ),
    "notification_events": _fields("event_id:str message_id:str status:str error_code:str? occurred_at:timestamp"),
    "chat_messages": _fields(
        "message_id:str chat_id:str company_id:int chat_config_id:int messenger:str sender_type:str"
        " operator_id:int? bot_id:int? is_first_bot_message:bool is_proactive:bool text_length:int"
        " sent_at:timestamp"
    ),
    "widget_events": _fields(
        "event_id:str company_id:int experience_id:int visitor_id:str event_type:str module_id:int?"
        " nps_score:int? data_field:str? device:str occurred_at:timestamp"
    ),
    "calls": _fields(
        "call_id:str company_id:int direction:str bot_id:int? from_hash:str to_hash:str"
        " started_at:timestamp answered_at:timestamp? ended_at:timestamp disposition:str"
    ),
    "bot_api_messages": _fields("message_id:str company_id:int bot_id:int is_billable:bool sent_at:timestamp"),
    "balance_transactions": _fields(
        "txn_id:str company_id:int kind:str amount:decimal currency:str package_id:int? occurred_at:timestamp"
    ),
}

ENTITY_KEYS: dict[str, tuple[str, ...]] = {
    "companies": ("company_id",),
    "operators": ("operator_id",),
    "chat_configs": ("chat_config_id",),
    "bots": ("bot_id",),
    "packages": ("package_id",),
    "tariffs": ("tariff_id",),
    "exchange_rates": ("date", "currency"),
    "notifications": ("message_id",),
    "notification_events": ("event_id",),
    "chat_messages": ("message_id",),
    "widget_events": ("event_id",),
    "calls": ("call_id",),
    "bot_api_messages": ("message_id",),
    "balance_transactions": ("txn_id",),
}

SERVICES = (
    "sms",
    "viber",
    "whatsapp",
    "email",
    "push",
    "chat_operator",
    "chat_bot",
    "chat_user",
    "chat_alice",
    "call_outbound",
    "call_inbound",
    "bot_api",
)

ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("companies", "client_type"): ("client", "reseller", "calling_card", "call_shop"),
    ("notifications", "channel"): ("sms", "viber", "whatsapp", "email", "push"),
    ("notification_events", "status"): (
        "created",
        "pending",
        "delivered",
        "undelivered",
        "canceled",
        "error",
        "delayed",
        "created_optional",
        "omitted_optional",
    ),
    ("chat_messages", "messenger"): (
        "telegram",
        "whatsapp",
        "viber",
        "vk",
        "facebook",
        "instagram",
        "web",
        "alice",
    ),
    ("chat_messages", "sender_type"): ("user", "bot", "operator"),
    ("tariffs", "service"): SERVICES,
    ("widget_events", "event_type"): (
        "chat_open",
        "message_shown",
        "user_input",
        "button_click",
        "module_visit",
        "signup",
        "web_push_asked",
        "web_push_soi",
        "web_push_doi",
        "reminder_soi",
        "reminder_doi",
        "share_facebook",
        "share_email",
        "share_native",
        "share_twitter",
        "share_whatsapp",
        "nps_rating",
        "participation",
        "advent_door_opened",
        "pin_sent",
        "pin_succeeded",
        "pin_failed",
        "customer_deleted",
        "data_entered",
    ),
    ("widget_events", "device"): ("mobile", "desktop"),
    ("calls", "direction"): ("outbound", "inbound"),
    ("calls", "disposition"): ("answered", "no_answer", "busy", "failed", "canceled"),
    ("balance_transactions", "kind"): (
        "refill",
        "package_activation",
        "package_renewal",
        "adjustment",
        "refund",
    ),
}

# a channel's messenger takes the same values as a chat message's
ENUMS[("chat_configs", "messenger")] = ENUMS[("chat_messages", "messenger")]
