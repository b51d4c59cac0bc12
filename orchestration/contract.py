"""The platform's export contract (version 1) as data: the one place every fact of the export format lives.

The loader validates against it, the sample generator writes from it, the tests check against it, and
docs/export-format.md is rendered from it (`python -m orchestration.contract docs`). Reference lists that
are also dbt seeds (services, channels, notification statuses, currencies) are read from `seeds/*.csv`.
Enum values are documented here but not enforced by the loader: an unknown value is loaded and surfaced
by dbt's data tests in staging (warnings).
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from orchestration.settings import PROJECT_DIR

CONTRACT_VERSION = 1

# ------------------------------------------------------------------------------------------ file layout
# <landing>/<entity>/date=YYYY-MM-DD/<entity>-NNNN.jsonl.gz, and the day's manifest <landing>/_days/D.json
MANIFEST_FOLDER = "_days"
PART_NAME = re.compile(r"(?P<entity>[a-z_]+)-(?P<part>[0-9]{4})\.jsonl\.gz")
DAY_FOLDER = re.compile(r"date=(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})")
PART_GLOB = "*.jsonl.gz"


def day_folder_name(day: date) -> str:
    return f"date={day.isoformat()}"


def part_name(entity: str, number: int) -> str:
    return f"{entity}-{number:04d}.jsonl.gz"


# ------------------------------------------------------------------------------------------ value kinds
@dataclass(frozen=True)
class Kind:
    duckdb_type: str  # the raw column's type in the warehouse
    json_form: str  # how a value is written in the export
    pattern: str | None = None  # a string value's format, when it has one


KINDS = {
    "int": Kind("BIGINT", "JSON integer (64-bit)"),
    "str": Kind("VARCHAR", "JSON string"),
    "bool": Kind("BOOLEAN", "`true` / `false`"),
    "timestamp": Kind(
        "TIMESTAMP",
        "string, ISO 8601 in UTC with a `Z` (`2026-03-31T21:59:58.123Z`)",
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z",
    ),
    "date": Kind("DATE", "string `YYYY-MM-DD`", r"\d{4}-\d{2}-\d{2}"),
    "decimal": Kind("DECIMAL(18, 6)", 'decimal string (`"0.0425"`), never a JSON float', r"-?\d+(\.\d+)?"),
    "str_list": Kind("VARCHAR[]", "array of strings"),
    "object": Kind("JSON", "JSON object"),
}
DUCKDB_TYPES = {name: kind.duckdb_type for name, kind in KINDS.items()}

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


# ------------------------------------------------------------------------------------------ entities
@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    required: bool = True
    meaning: str = ""


@dataclass(frozen=True)
class Entity:
    name: str
    is_event: bool  # events are append-only facts; reference rows are upserts (latest updated_at wins)
    keys: tuple[str, ...]
    fields: tuple[Field, ...]
    meaning: str
    time_field: str | None = None  # events: when it happened; its UTC date is the export day it belongs to


_HEADER = re.compile(
    r"## (?P<name>\w+) \((?P<sort>event|reference); key (?P<keys>[\w, ]+)(; time (?P<time>\w+))?\): (?P<meaning>.+)"
)


def _parse(spec: str) -> tuple[Entity, ...]:
    """`## entity (event|reference; key k1, k2[; time field]): meaning`, then one field a line:
    `name:kind  meaning`, a kind ending in ? = may be null or absent."""
    entities: list[Entity] = []
    header, fields = None, []
    for line in [*spec.strip().splitlines(), "## end"]:
        if line.startswith("## "):
            if header:
                keys = tuple(key.strip() for key in header["keys"].split(","))
                is_event = header["sort"] == "event"
                entities.append(
                    Entity(header["name"], is_event, keys, tuple(fields), header["meaning"], header["time"])
                )
            header, fields = _HEADER.fullmatch(line), []
            continue
        item, _, meaning = line.partition(" ")
        name, kind = item.split(":")
        fields.append(Field(name, kind.rstrip("?"), not kind.endswith("?"), meaning.strip()))
    return tuple(entities)


_ENTITIES = _parse("""
## companies (reference; key company_id): the platform's customers, resellers among them
company_id:int
name:str
parent_company_id:int?  the reseller it depends on
client_type:str
currency:str  ISO 4217 code, the billing currency
timezone:str  IANA name; the company's local dates follow it
country:str  ISO 3166 alpha-2
is_test:bool
tags:str_list
created_at:timestamp
updated_at:timestamp
## operators (reference; key operator_id): people answering chats
operator_id:int
company_id:int
name:str
group_id:int?
group_name:str?
is_active:bool
updated_at:timestamp
## chat_configs (reference; key chat_config_id): chats on a website or linked messengers: the channels
chat_config_id:int
company_id:int
name:str
messenger:str
platform:str  the social network, or `web`
is_test:bool  test and development channels
created_at:timestamp
updated_at:timestamp
## bots (reference; key bot_id): bot scripts
bot_id:int
company_id:int
name:str
updated_at:timestamp
## packages (reference; key package_id): prepaid monthly packages
package_id:int
name:str
currency:str
price:decimal
included_units:object  service -> units per month, e.g. `{"sms": 1000, "chat_operator": 500}`
updated_at:timestamp
## tariffs (reference; key tariff_id): prices; rows of one owner, company and service never overlap in time
tariff_id:int
owner_id:int  0 = the platform's price list, otherwise the reseller company that sells to its dependents
company_id:int?  null = the owner's default for everyone it sells to
service:str
price:decimal  per unit
currency:str
rounding_seconds:int?  calls only: 1 = per second, 60 = per started minute
valid_from:timestamp  inclusive
valid_to:timestamp?  exclusive; null = open
updated_at:timestamp
## exchange_rates (reference; key date, currency): daily exchange rates
date:date
currency:str
units_per_usd:decimal
## notifications (event; key message_id; time created_at): messages sent over a notification channel
message_id:str
company_id:int
channel:str
template_id:int
recipient_hash:str
fallback_of:str?  the message this one replaces after the other channel failed
is_optional:bool  the "Required" checkbox was not selected
scheduled_for:timestamp?  delayed sending
sms_segments:int  SMS only, else 1
created_at:timestamp
## notification_events (event; key event_id; time occurred_at): status changes (possibly out of order)
event_id:str
message_id:str
status:str
error_code:str?
occurred_at:timestamp
## chat_messages (event; key message_id; time sent_at): messages of chats
message_id:str
chat_id:str  one conversation
company_id:int
chat_config_id:int
messenger:str
sender_type:str
operator_id:int?
bot_id:int?
is_first_bot_message:bool
is_proactive:bool  sent through the API to open a conversation
text_length:int
sent_at:timestamp
## widget_events (event; key event_id; time occurred_at): chatbot experiences on websites
event_id:str
company_id:int
experience_id:int
visitor_id:str
event_type:str
module_id:int?
nps_score:int?  1-10, nps_rating only
data_field:str?  data_entered only
device:str
occurred_at:timestamp
## calls (event; key call_id; time started_at): telephony
call_id:str
company_id:int
direction:str  outbound: the legacy service; inbound: the new service
bot_id:int?
from_hash:str
to_hash:str
started_at:timestamp
answered_at:timestamp?
ended_at:timestamp
disposition:str
## bot_api_messages (event; key message_id; time sent_at): messages sent through the bot API
message_id:str
company_id:int
bot_id:int
is_billable:bool
sent_at:timestamp
## balance_transactions (event; key txn_id; time occurred_at): prepaid balance movements
txn_id:str
company_id:int
kind:str
amount:decimal  positive adds to the balance, negative takes from it
currency:str
package_id:int?
occurred_at:timestamp
""")

ENTITY = {entity.name: entity for entity in _ENTITIES}
ENTITIES = tuple(ENTITY)
ENTITIES_REFERENCE = tuple(e.name for e in _ENTITIES if not e.is_event)
ENTITIES_EVENTS = tuple(e.name for e in _ENTITIES if e.is_event)
ENTITY_FIELDS: dict[str, tuple[Field, ...]] = {e.name: e.fields for e in _ENTITIES}
ENTITY_KEYS: dict[str, tuple[str, ...]] = {e.name: e.keys for e in _ENTITIES}
TIME_FIELD: dict[str, str] = {e.name: e.time_field for e in _ENTITIES if e.time_field}
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {e.name: tuple(f.name for f in e.fields if f.required) for e in _ENTITIES}


# ------------------------------------------------------------------------------------------ quarantine reasons
# The checks every loader applies to a line, and the words of its reasons, engine-independent: the DuckDB
# loader (orchestration/ingestion.py) and the Spark loader (orchestration/spark/landing.py) turn each rule
# into their own SQL, so a line is refused for the same reason by both.
REASON_INVALID_UTF8 = "invalid UTF-8"
REASON_INVALID_JSON = "invalid JSON"
REASON_NOT_OBJECT = "not a JSON object"
REASON_SEPARATOR = "; "  # a line's reasons, one per refused field, in the contract's field order
QUARANTINED_LINE_CHARS = 10_000  # the quarantine keeps the start of a longer line

KIND_WORDS = {
    "int": "an integer",
    "str": "a string",
    "bool": "a boolean",
    "timestamp": "an ISO-8601 timestamp",
    "date": "a YYYY-MM-DD date",
    "decimal": "a decimal string",
    "str_list": "an array of strings",
    "object": "an object",
}


def missing_reason(field_name: str) -> str:
    return f"missing required field {field_name}"


def wrong_kind_reason(field_name: str, kind: str) -> str:
    return f"field {field_name} is not {KIND_WORDS[kind]}"


@dataclass(frozen=True)
class RangeCheck:
    """A rule a present, well-typed value must meet; `reason` is what the quarantine says otherwise.
    rule: int64 (fits a signed 64-bit integer), scale (at most MONEY_DECIMALS decimals), non_negative,
    positive, time_zone (an IANA name), time_window (earliest <= value < latest, ISO dates)."""

    rule: str
    reason: str
    earliest: str | None = None
    latest: str | None = None


def range_checks(entity: str, field: Field, day: date) -> list[RangeCheck]:
    """The range rules of a field on an export day, in the order the reasons are given (first failed wins)."""
    name, checks = field.name, []
    if field.kind == "int":  # 2^63 and above are JSON integers too, but would load as NULL
        checks.append(RangeCheck("int64", f"field {name} is outside the 64-bit integer range"))
    if field.kind == "decimal":  # more decimals than the column keeps would be rounded silently
        checks.append(RangeCheck("scale", f"field {name} has more than {MONEY_DECIMALS} decimal places"))
    if (entity, name) in NON_NEGATIVE:
        checks.append(RangeCheck("non_negative", f"field {name} is negative"))
    if (entity, name) in POSITIVE:
        checks.append(RangeCheck("positive", f"field {name} is not positive"))
    if (entity, name) in TIME_ZONE_FIELDS:
        checks.append(RangeCheck("time_zone", f"field {name} is not an IANA time zone"))
    if field.kind in ("timestamp", "date"):
        if (entity, name) in FORWARD_LOOKING:
            latest, latest_words = LATEST_FORWARD_TIME, LATEST_FORWARD_TIME
        else:  # a fact: it happened before its export day ended (plus a margin for clock skew)
            latest = (day + timedelta(days=1 + FUTURE_MARGIN_DAYS)).isoformat()
            latest_words = f"its export day + {FUTURE_MARGIN_DAYS} days"
        reason = f"field {name} is outside {EARLIEST_TIME} .. {latest_words}"
        checks.append(RangeCheck("time_window", reason, EARLIEST_TIME, latest))
    return checks


# ------------------------------------------------------------------------------------------ reference lists
SEEDS_DIR = PROJECT_DIR / "seeds"


@cache
def seed_rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of seeds/<name>.csv, the dbt seed the warehouse's models read too."""
    with (SEEDS_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def _column(seed: str, column: str, **where: str) -> tuple[str, ...]:
    return tuple(row[column] for row in seed_rows(seed) if all(row[k] == v for k, v in where.items()))


SERVICES = _column("services", "service")
CURRENCIES = _column("currencies", "currency_code")
# ISO 4217 minor units of the billing currencies (2 for a currency the seed does not list, as in dbt).
MINOR_UNITS = {row["currency_code"]: int(row["minor_units"]) for row in seed_rows("currencies")}

# How each service's units are counted from the export (keys: the services of seeds/services.csv).
BILLABLE_UNITS = {
    "sms": ("notifications, channel sms", "delivered message (it has a delivered event) x `sms_segments`"),
    **dict.fromkeys(
        ("viber", "whatsapp", "email", "push"),
        ("notifications of that channel", "sent message (it has a pending, delivered or undelivered event)"),
    ),
    **{
        f"chat_{sender}": (f"chat_messages with `sender_type` {sender}, messenger not alice", "message")
        for sender in ("operator", "bot", "user")
    },
    "chat_alice": ("chat_messages with messenger alice", "message"),
    **{
        f"call_{direction}": (
            f"answered calls, direction {direction}",
            "`ended_at - answered_at`, rounded up to `rounding_seconds`, priced per minute",
        )
        for direction in ("outbound", "inbound")
    },
    "bot_api": ("bot_api_messages with `is_billable`", "message"),
}
BILLING_RULES = (
    "A usage event's time is `created_at` for notifications, `sent_at` for chat and bot API messages, `answered_at`"
    " for calls; its billing month is the calendar month of that time in the company's time zone.",
    "The price of a unit is the tariff valid at the event's time: the owner's row for that company if any, else the"
    " owner's default. A company without a reseller is charged the platform's price. A reseller's dependent company"
    " is charged the reseller's price, and the platform charges the reseller its own price for the same units.",
    "Units included in a company's active package are not charged again that month (the month's first units in"
    " event-time order are the included ones); the rest is pay-as-you-go. Packages concern what the company pays;"
    " the platform's price to a reseller covers every unit.",
    "An amount in another currency than the company's billing currency is converted at the rate of the event's UTC"
    " date (the latest rate on or before it).",
    "A package_activation or package_renewal makes its package active for the calendar month (company local time)"
    " in which it occurred; its `amount` is what the package cost. Pay-as-you-go usage is charged by the monthly"
    " invoice: a company's balance is the sum of its transactions minus its issued invoices.",
)

ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("companies", "client_type"): ("client", "reseller", "calling_card", "call_shop"),
    ("notifications", "channel"): _column("channels", "channel", channel_family="notification"),
    ("notification_events", "status"): _column("notification_statuses", "status"),
    ("chat_messages", "messenger"): _column("channels", "channel", channel_family="messenger"),
    ("chat_messages", "sender_type"): ("user", "bot", "operator"),
    ("tariffs", "service"): SERVICES,
    ("widget_events", "event_type"): (
        *("chat_open", "message_shown", "user_input", "button_click", "module_visit", "signup"),
        *("web_push_asked", "web_push_soi", "web_push_doi", "reminder_soi", "reminder_doi"),
        *("share_facebook", "share_email", "share_native", "share_twitter", "share_whatsapp"),
        *("nps_rating", "participation", "advent_door_opened", "pin_sent", "pin_succeeded", "pin_failed"),
        *("customer_deleted", "data_entered"),
    ),
    ("widget_events", "device"): ("mobile", "desktop"),
    ("calls", "direction"): ("outbound", "inbound"),
    ("calls", "disposition"): ("answered", "no_answer", "busy", "failed", "canceled"),
    ("balance_transactions", "kind"): ("refill", "package_activation", "package_renewal", "adjustment", "refund"),
}
# a channel's messenger takes the same values as a chat message's
ENUMS[("chat_configs", "messenger")] = ENUMS[("chat_messages", "messenger")]


# ------------------------------------------------------------------------------------------ irregularities
# What a consumer must expect in the export at a small rate (per line), and what the warehouse does.
LINE_IRREGULARITIES = {
    "duplicate": (
        "an exact copy of another line of the same entity and day",
        "loaded; counted in `raw.load_log`; staging keeps one",
    ),
    "invalid_json": ("a line that is not valid JSON (for example cut short)", "set aside in `raw.quarantine`"),
    "missing_required": ("a required field absent or null", "set aside in `raw.quarantine`"),
    "unknown_enum": (
        "a value outside a field's listed values",
        "loaded; dbt's staging tests warn about it",
    ),
    "late": (
        "an event exported one or more days after its UTC date; its time fields keep when it happened",
        "loaded with the export day it arrived in; models place it by its own time",
    ),
}
NEW_FIELDS = (
    "fields outside this contract may appear in later files",
    "loaded; kept as JSON in the raw column `_extra_fields`",
)


def main(argv: list[str] | None = None) -> int:
    from orchestration.contract_docs import main as docs_main

    return docs_main(argv)


if __name__ == "__main__":
    sys.exit(main())
