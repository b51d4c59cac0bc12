"""Generator of the platform's daily export (see EXPORT_CONTRACT.md).

Writes ``<landing>/<entity>/date=YYYY-MM-DD/<entity>-0001.jsonl.gz`` for the 14 entities of the contract,
one folder per export day, then the day's manifest ``<landing>/_days/YYYY-MM-DD.json`` (docs/landing-layout.md),
plus ``<landing>/_manifest.json`` (lines written and dirt injected per entity and export day). It writes only
into an empty folder or one it created (marked by ``.cpaas-sample-export``): never over someone's export.
Deterministic for a given seed: every day and entity draws from its own seeded RNG, gzip
headers carry mtime=0 and the manifest holds no wall-clock time.

Usage::

    uv run python -m orchestration.generator --profile small --months 3
    uv run python -m orchestration.generator --landing /tmp/landing --profile medium --seed 7

Semantics chosen where the contract leaves room (also in the manifest's ``semantics`` block):

* balance_transactions.amount: refill > 0, refund > 0 (money credited back to the balance),
  package_activation / package_renewal < 0 (minus the package price, package currency = company currency),
  adjustment either sign. Renewals happen at local midnight (+ up to 5 minutes) on the 1st of each local
  month for every company holding a package.
* notification status sequences: created -> pending -> delivered | undelivered | error;
  created -> canceled; delayed sends: created -> delayed -> pending -> ...
  (or created -> delayed -> canceled);
  optional messages: created_optional -> omitted_optional, or created_optional -> pending -> final.
  Fallback: a viber/whatsapp message ending undelivered/error is often followed by an SMS whose
  ``fallback_of`` is the failed message_id, created seconds after the failure (normal SMS sequence).
* Dirt (rate = dirty_rate, event entities only; reference entities only get exact duplicates):
  duplicate (extra exact copy of a valid line), invalid_json (the line truncated; replaces the record),
  missing_required (a required key removed; replaces the record), unknown_enum (one enum replaced by a value
  outside the contract; otherwise valid), late (an event exported 1-7 days after its UTC date, true time
  kept). Kinds never overlap on one line. From the second month on notifications carry a new field
  ``campaign_id`` (only when dirty_rate > 0). With dirty_rate=0 there is no dirt at all.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from orchestration.landing import MANIFEST_FOLDER, write_day_manifest
from orchestration.settings import ENTITIES, ENTITIES_EVENTS, LANDING_PATH

GENERATOR_VERSION = "1.0.0"
# Written first into a landing folder the generator creates: the only non-empty folder it writes over.
SAMPLE_MARKER = ".cpaas-sample-export"
DEFAULT_START = date(2026, 7, 1)
DAY_MS = 86_400_000
EPOCH = date(1970, 1, 1)

# Nominal activity per day and number of companies. Nights and weekends bring the real mean to ~0.69 of
# events_per_day: small ~1.6k events/day, medium ~110k/day (~10M in 3 months), large ~275k/day (~100M in
# 12 months), all event entities (notification_events included) together.
PROFILES: dict[str, dict] = {
    "small": {"companies": 12, "events_per_day": 2_500, "visitor_pool": 300},
    "medium": {"companies": 60, "events_per_day": 160_000, "visitor_pool": 20_000},
    "large": {"companies": 250, "events_per_day": 400_000, "visitor_pool": 60_000},
}

PLATFORM_PRICES_USD = {
    "sms": 0.0425,
    "viber": 0.0210,
    "whatsapp": 0.0350,
    "email": 0.0008,
    "push": 0.0002,
    "chat_operator": 0.0100,
    "chat_bot": 0.0040,
    "chat_user": 0.0020,
    "chat_alice": 0.0060,
    "call_outbound": 0.0300,
    "call_inbound": 0.0120,
    "bot_api": 0.0030,
}
CURRENCIES = ("USD", "EUR", "GBP", "KZT")
RATE_START = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "KZT": 478.0}
CCY_SCALE = {"USD": 1.0, "EUR": 1.0, "GBP": 1.0, "KZT": 500.0}

CHANNELS = np.array(["sms", "viber", "whatsapp", "email", "push"])
CHANNEL_P = np.array([0.45, 0.15, 0.15, 0.15, 0.10])
# delivered, undelivered, error per channel
CHANNEL_OUTCOME_P = np.array(
    [
        [0.93, 0.05, 0.02],
        [0.80, 0.15, 0.05],
        [0.88, 0.09, 0.03],
        [0.96, 0.03, 0.01],
        [0.85, 0.12, 0.03],
    ]
)
ERROR_CODES = np.array(["E_UNREACHABLE", "E_BLOCKED", "E_INVALID_RECIPIENT", "E_TIMEOUT", "E_PROVIDER"])
MESSENGERS = ("telegram", "whatsapp", "viber", "vk", "facebook", "instagram", "web", "alice")
WIDGET_TYPES = np.array(
    [
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
    ]
)
WIDGET_P = np.array(
    [20, 18, 22, 14, 2, 2.5, 1.5, 0.8, 1.2, 0.6, 0.5, 0.4, 0.6, 0.2, 0.4, 1.5, 2, 1, 1.2, 1.0, 0.3, 0.1, 3]
)
WIDGET_P = WIDGET_P * ~np.isin(WIDGET_TYPES, ["web_push_doi", "reminder_doi", "pin_succeeded", "pin_failed"])
WIDGET_P = WIDGET_P / WIDGET_P.sum()
# (event, what the next event of the same session becomes, probabilities); "message_shown" = no follow-up.
WIDGET_FOLLOWUPS = [
    ("web_push_asked", ("web_push_soi", "message_shown"), (0.45, 0.55)),
    ("web_push_soi", ("web_push_doi", "message_shown"), (0.6, 0.4)),
    ("reminder_soi", ("reminder_doi", "message_shown"), (0.55, 0.45)),
    ("pin_sent", ("pin_succeeded", "pin_failed", "message_shown"), (0.75, 0.15, 0.10)),
]
DATA_FIELDS = np.array(["email", "phone", "first_name", "birthday", "zip_code"])
NPS_P = np.array([2, 1, 1.5, 1.5, 3, 4, 8, 14, 22, 43], dtype=float)
NPS_P = NPS_P / NPS_P.sum()
# Local-hour activity profile (0h..23h) and weekend factor.
DIURNAL = np.array(
    [0.12, 0.08, 0.06, 0.05, 0.05, 0.08, 0.2, 0.45, 0.8, 1.0, 1.1, 1.15]
    + [1.1, 1.05, 1.1, 1.1, 1.05, 0.95, 0.8, 0.7, 0.6, 0.45, 0.3, 0.2]
)
DIURNAL = DIURNAL / DIURNAL.sum()
WEEKEND_FACTOR = 0.55

# Required keys that may be dropped, and unknown enum values, per event entity.
REQUIRED_KEYS = {
    "notifications": ["message_id", "company_id", "channel", "created_at"],
    "notification_events": ["event_id", "message_id", "status", "occurred_at"],
    "chat_messages": ["message_id", "chat_id", "company_id", "sender_type", "sent_at"],
    "widget_events": ["event_id", "company_id", "event_type", "occurred_at"],
    "calls": ["call_id", "company_id", "direction", "started_at"],
    "bot_api_messages": ["message_id", "company_id", "bot_id", "sent_at"],
    "balance_transactions": ["txn_id", "company_id", "kind", "amount", "occurred_at"],
}
UNKNOWN_ENUMS = {
    "notifications": ("channel", "rcs"),
    "notification_events": ("status", "read"),
    "chat_messages": ("messenger", "line"),
    "widget_events": ("event_type", "video_play"),
    "calls": ("disposition", "voicemail"),
    "balance_transactions": ("kind", "chargeback"),
}
DIRT_KINDS = ("duplicate", "invalid_json", "missing_required", "unknown_enum", "late")
TIME_FIELD = {
    "notifications": "created_at",
    "notification_events": "occurred_at",
    "chat_messages": "sent_at",
    "widget_events": "occurred_at",
    "calls": "started_at",
    "bot_api_messages": "sent_at",
    "balance_transactions": "occurred_at",
}


# --------------------------------------------------------------------------------------------- helpers
def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, 1) if d.day == 1 else _clamp_day(d.year + y, m + 1, d.day)


def _clamp_day(y: int, m: int, d: int) -> date:
    while True:
        try:
            return date(y, m, d)
        except ValueError:
            d -= 1


def day_ms(d: date) -> int:
    return (d - EPOCH).days * DAY_MS


def fmt_ts(ms: np.ndarray) -> np.ndarray:
    """Epoch milliseconds -> ISO 8601 UTC strings with milliseconds and Z (vectorised)."""
    s = np.datetime_as_string(np.asarray(ms, dtype=np.int64).astype("datetime64[ms]"), unit="ms")
    return np.char.add(s, "Z").astype(object)


def ts1(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def ts_ms(ms: int) -> str:
    return str(fmt_ts(np.array([ms]))[0])


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def hex_ids(x: np.ndarray, width: int = 16) -> np.ndarray:
    """uint64 -> fixed-width lowercase hex strings, vectorised."""
    x = np.asarray(x, dtype=np.uint64)
    shifts = np.arange(width - 1, -1, -1, dtype=np.uint64) * np.uint64(4)
    nib = ((x[:, None] >> shifts) & np.uint64(15)).astype(np.intp)
    chars = np.ascontiguousarray(_HEX[nib])
    return chars.view(f"S{width}").ravel().astype(str).astype(object)


def mix64(x: np.ndarray, salt: int) -> np.ndarray:
    """A cheap deterministic hash of integers (splitmix64 finaliser)."""
    with np.errstate(over="ignore"):
        z = np.asarray(x, dtype=np.uint64) + np.uint64(salt) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def seq_ids(prefix: str, n: int, start: int = 0) -> np.ndarray:
    return np.char.add(prefix, np.arange(start + 1, start + n + 1).astype(str)).astype(object)


def money(values: np.ndarray, decimals: int = 2) -> np.ndarray:
    """Floats -> decimal strings with fixed decimals (no float ever reaches the JSON)."""
    scaled = np.round(np.asarray(values, dtype=float) * 10**decimals).astype(np.int64)
    neg = scaled < 0
    a = np.abs(scaled)
    ip = (a // 10**decimals).astype(str)
    fp = np.char.zfill((a % 10**decimals).astype(str), decimals)
    out = np.char.add(np.char.add(ip, "."), fp)
    return np.where(neg, np.char.add("-", out), out).astype(object)


def dec(x: float, decimals: int = 4) -> str:
    return f"{x:.{decimals}f}"


def nullable_int(values: np.ndarray, mask: np.ndarray) -> pd.arrays.IntegerArray:
    """Ints where mask is True, null elsewhere."""
    mask = np.asarray(mask, dtype=bool)
    return pd.arrays.IntegerArray(np.where(mask, values, 0).astype(np.int64), ~mask)


def nullable_obj(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    out = np.asarray(values, dtype=object).copy()
    out[~mask] = None
    return out


def within_group_positions(lengths: np.ndarray) -> np.ndarray:
    """For groups of given lengths laid out consecutively: 0..len-1 inside each group."""
    total = int(lengths.sum())
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.arange(total) - starts


def within_group_cumsum(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    cs = np.cumsum(values)
    ends = np.cumsum(lengths)
    base = np.repeat(np.concatenate([[0], cs[ends[:-1] - 1]]) if len(lengths) else [], lengths)
    return cs - base


# --------------------------------------------------------------------------------------------- world
@dataclass
class Company:
    company_id: int
    name: str
    client_type: str
    currency: str
    tz: str
    country: str
    parent: int | None = None
    is_test: bool = False
    tags: list[str] = field(default_factory=list)
    weight: float = 1.0
    appear_day: int = 0
    package_id: int | None = None
    mix: dict = field(default_factory=dict)


@dataclass
class World:
    start: date
    days: list[date]
    companies: list[Company]
    reference: dict[str, list[tuple[int, dict]]]  # entity -> (export day index, row)
    operators: pd.DataFrame  # operator_id, company_id, active_from, active_until
    chat_configs: pd.DataFrame  # chat_config_id, company_id, messenger, is_test, appear_day
    bots: pd.DataFrame  # bot_id, company_id, appear_day
    packages: dict[int, dict]
    package_schedule: list[tuple[int, int, str, int, str]]  # ms, company, kind, package_id, amount
    second_month_day: int


CORE_COMPANIES = [
    # id, name, type, ccy, tz, country, parent, is_test, tags
    (1, "Acme Retail Inc", "client", "USD", "America/New_York", "US", None, False, ["retail", "enterprise"]),
    (2, "Nordwind Telecom GmbH", "reseller", "EUR", "Europe/Berlin", "DE", None, False, ["reseller"]),
    (3, "Berliner Backhaus", "client", "EUR", "Europe/Berlin", "DE", 2, False, ["food"]),
    (4, "London Lettings Ltd", "client", "GBP", "Europe/London", "GB", 2, False, ["real_estate"]),
    (5, "Alatau Foods", "client", "KZT", "Asia/Almaty", "KZ", 2, False, ["food", "smb"]),
    (6, "Steppe Calling Card", "calling_card", "KZT", "Asia/Almaty", "KZ", None, False, ["telephony"]),
    (7, "Almaty Call Shop", "call_shop", "KZT", "Asia/Almaty", "KZ", None, False, ["telephony"]),
    (8, "QA Sandbox", "client", "USD", "UTC", "US", None, True, ["internal", "test"]),
    (9, "Thames Insurance Ltd", "client", "GBP", "Europe/London", "GB", None, False, ["insurance"]),
    (10, "Globex Logistics", "client", "USD", "UTC", "US", None, False, ["logistics"]),
]
EXTRA_GEO = [
    ("USD", "America/New_York", "US"),
    ("USD", "America/Chicago", "US"),
    ("EUR", "Europe/Berlin", "DE"),
    ("EUR", "Europe/Paris", "FR"),
    ("GBP", "Europe/London", "GB"),
    ("KZT", "Asia/Almaty", "KZ"),
    ("USD", "UTC", "US"),
]
NAME_A = ["Blue", "Nova", "Polar", "Cedar", "Vertex", "Sunny", "Iron", "Silver", "Urban", "Prime", "Atlas"]
NAME_B = ["Pharmacy", "Bank", "Motors", "Travel", "Clinic", "Market", "Games", "Energy", "Academy", "Foods"]

PACKAGES = [
    (1, "Start USD", "USD", "49.00", {"sms": 1000, "chat_operator": 500}),
    (
        2,
        "Business USD",
        "USD",
        "199.00",
        {"sms": 5000, "whatsapp": 2000, "chat_operator": 3000, "chat_bot": 5000},
    ),
    (3, "Start EUR", "EUR", "45.00", {"sms": 800, "chat_operator": 500}),
    (4, "Business EUR", "EUR", "179.00", {"sms": 4000, "viber": 2000, "chat_bot": 4000}),
    (5, "Start GBP", "GBP", "39.00", {"sms": 700, "email": 10000}),
    (6, "Voice KZT", "KZT", "22000.00", {"call_outbound": 3000, "call_inbound": 1000}),
    (7, "Start KZT", "KZT", "19900.00", {"sms": 900, "chat_operator": 400}),
]
CORE_PACKAGES = {1: 2, 3: 3, 4: 5, 6: 6, 9: 5}
TYPE_MIX = {
    "client": {"notif": 1.0, "chat": 1.0, "widget": 1.0, "call": 0.3, "botapi": 0.6},
    "reseller": {"notif": 0.3, "chat": 0.3, "widget": 0.2, "call": 0.1, "botapi": 0.2},
    "calling_card": {"notif": 0.1, "chat": 0.05, "widget": 0.0, "call": 6.0, "botapi": 0.0},
    "call_shop": {"notif": 0.05, "chat": 0.0, "widget": 0.0, "call": 5.0, "botapi": 0.0},
}


def build_world(profile: str, start: date, months: int, seed: int) -> World:
    cfg = PROFILES[profile]
    rng = np.random.default_rng([seed, 1_000_003])
    end = add_months(start, months)
    days = [start + timedelta(days=i) for i in range(max(1, (end - start).days))]
    n_days = len(days)
    start_ms = day_ms(start)

    companies = [
        Company(cid, name, ctype, ccy, tz, ctry, parent, is_test, list(tags))
        for cid, name, ctype, ccy, tz, ctry, parent, is_test, tags in CORE_COMPANIES
    ]
    n_extra = max(0, cfg["companies"] - len(companies))
    resellers = [2]
    for i in range(n_extra):
        cid = 11 + i
        ccy, tz, ctry = EXTRA_GEO[int(rng.integers(len(EXTRA_GEO)))]
        ctype, parent = "client", None
        if i == 0:
            ctype = "reseller"
            resellers.append(cid)
        elif i == 1:
            parent = resellers[-1]  # the second reseller always has a client (reseller isolation is testable)
        else:
            u = rng.random()
            if u < 0.25:
                parent = 2
            elif u < 0.4:
                parent = resellers[-1]
            elif u < 0.45:
                ctype = "calling_card"
            elif u < 0.48:
                ctype = "call_shop"
        name = f"{NAME_A[i % len(NAME_A)]} {NAME_B[(i * 7 + 3) % len(NAME_B)]} {cid}"
        companies.append(Company(cid, name, ctype, ccy, tz, ctry, parent, False, ["smb"]))
    # Zipf weights: a few heavy companies and a long tail.
    order = [1, 6, 3, 9, 5, 4, 7, 10, 2, 8] + [c.company_id for c in companies[10:]]
    perm = list(order[:3]) + list(rng.permutation(order[3:]))
    rank = {cid: r for r, cid in enumerate(perm)}
    for c in companies:
        c.weight = 1.0 / (rank[c.company_id] + 1) ** 1.1
        if c.is_test:
            c.weight = 0.01
        c.mix = TYPE_MIX[c.client_type]
    # Company 10 joins during the horizon.
    companies[9].appear_day = min(35, n_days // 2)
    # Packages held.
    pkg_by_ccy = {}
    for pid, _n, ccy, _p, _u in PACKAGES:
        pkg_by_ccy.setdefault(ccy, []).append(pid)
    for c in companies:
        if c.company_id in CORE_PACKAGES:
            c.package_id = CORE_PACKAGES[c.company_id]
        elif c.company_id > 10 and not c.is_test and rng.random() < 0.4:
            opts = pkg_by_ccy[c.currency]
            c.package_id = opts[int(rng.integers(len(opts)))]

    reference: dict[str, list[tuple[int, dict]]] = {e: [] for e in ENTITIES if e not in ENTITIES_EVENTS}
    by_id = {c.company_id: c for c in companies}

    def company_row(c: Company, updated: str, created: str) -> dict:
        return {
            "company_id": c.company_id,
            "name": c.name,
            "parent_company_id": c.parent,
            "client_type": c.client_type,
            "currency": c.currency,
            "timezone": c.tz,
            "country": c.country,
            "is_test": c.is_test,
            "tags": list(c.tags),
            "created_at": created,
            "updated_at": updated,
        }

    def at(day_idx: int, hour: int, minute: int = 0, ms: int = 0) -> str:
        return ts_ms(start_ms + day_idx * DAY_MS + (hour * 60 + minute) * 60_000 + ms)

    created_of = {}
    for c in companies:
        if c.appear_day:
            created = at(c.appear_day, 9, 12, 345)
        else:
            created = ts_ms(start_ms - int(rng.integers(30, 900)) * DAY_MS + int(rng.integers(DAY_MS)))
        created_of[c.company_id] = created
        reference["companies"].append((c.appear_day, company_row(c, created, created)))
    # Company 9 renamed on day 10.
    if n_days > 10:
        c9 = by_id[9]
        c9.name = "Thames Insurance Group"
        c9.tags = ["insurance", "enterprise"]
        reference["companies"].append((10, company_row(c9, at(10, 14, 3, 211), created_of[9])))

    # Operators with groups.
    op_rows, oid, gid = [], 1, 1
    for c in companies:
        if c.mix["chat"] <= 0:
            continue
        n_ops = int(np.clip(round(2 + 30 * c.weight * (cfg["companies"] / 10) ** 0.5), 2, 40))
        groups = [(gid, "Support"), (gid + 1, "Sales")]
        gid += 2
        for k in range(n_ops):
            g = groups[k % 2] if k % 5 != 4 else (None, None)
            op_rows.append((oid, c.company_id, f"Operator {oid}", g[0], g[1], c.appear_day, 10**9))
            oid += 1
    ops = pd.DataFrame(
        op_rows, columns=["operator_id", "company_id", "name", "group_id", "group_name", "from", "until"]
    )
    # One operator of company 1 is deactivated on day 3; a new one is hired on day 20.
    if n_days > 20:
        ops.loc[len(ops)] = [oid, 1, f"Operator {oid}", 1, "Support", 20, 10**9]
    first_op_c1 = int(ops[ops.company_id == 1].operator_id.iloc[0])
    deactivate_day = 3 if n_days > 3 else None
    if deactivate_day:
        ops.loc[ops.operator_id == first_op_c1, "until"] = deactivate_day
    for r in ops.itertuples():
        row = {
            "operator_id": int(r.operator_id),
            "company_id": int(r.company_id),
            "name": r.name,
            "group_id": None if pd.isna(r.group_id) else int(r.group_id),
            "group_name": None if r.group_name is None or pd.isna(r.group_name) else r.group_name,
            "is_active": True,
            "updated_at": at(int(r._6), 10 if r._6 else 8, 0, int(r.operator_id) % 1000),
        }
        reference["operators"].append((int(r._6), row))
        if int(r.until) < n_days:
            reference["operators"].append(
                (int(r.until), {**row, "is_active": False, "updated_at": at(int(r.until), 17, 45, 500)})
            )

    # Chat configs (channels), some test channels.
    cc_rows, ccid = [], 1
    for c in companies:
        if c.mix["chat"] <= 0:
            continue
        n_cfg = 2 + int(rng.integers(0, 3))
        ms_pool = ["web", "telegram", "whatsapp", "viber", "vk", "facebook", "instagram", "alice"]
        picks = ["web"] + list(rng.choice(ms_pool[1:], size=n_cfg - 1, replace=False))
        if c.company_id in (1, 3):
            picks = picks + (["alice"] if "alice" not in picks else [])
        for m in picks:
            cc_rows.append((ccid, c.company_id, f"{c.name} {m}", m, c.is_test, c.appear_day))
            ccid += 1
        if c.company_id in (1, 9, 11):
            cc_rows.append((ccid, c.company_id, f"{c.name} dev sandbox", "telegram", True, c.appear_day))
            ccid += 1
    cfgs = pd.DataFrame(cc_rows, columns=["chat_config_id", "company_id", "name", "messenger", "is_test", "from"])
    for r in cfgs.itertuples():
        platform = "web" if r.messenger == "web" else r.messenger
        created = at(int(r._6), 10, 30) if r._6 else ts_ms(start_ms - 20 * DAY_MS - int(r.chat_config_id) * 3_600_000)
        row = {
            "chat_config_id": int(r.chat_config_id),
            "company_id": int(r.company_id),
            "name": r.name,
            "messenger": r.messenger,
            "platform": platform,
            "is_test": bool(r.is_test),
            "created_at": created,
            "updated_at": created,
        }
        reference["chat_configs"].append((int(r._6), row))
    if n_days > 25:  # a channel renamed
        r0 = dict(reference["chat_configs"][0][1])
        r0.update(name=r0["name"] + " (main site)", updated_at=at(25, 11, 0, 7))
        reference["chat_configs"].append((25, r0))

    # Bots.
    bot_rows, bid = [], 1
    for c in companies:
        if c.mix["botapi"] <= 0 and c.mix["chat"] <= 0:
            continue
        for _k in range(1 + int(rng.integers(0, 3))):
            bot_rows.append((bid, c.company_id, f"Script {bid}", c.appear_day))
            bid += 1
    if n_days > 12:
        bot_rows.append((bid, 1, f"Script {bid} (summer promo)", 12))
    bots = pd.DataFrame(bot_rows, columns=["bot_id", "company_id", "name", "from"])
    for r in bots.itertuples():
        reference["bots"].append(
            (
                int(r._4),
                {
                    "bot_id": int(r.bot_id),
                    "company_id": int(r.company_id),
                    "name": r.name,
                    "updated_at": at(int(r._4), 10 if r._4 else 7, 15, int(r.bot_id)),
                },
            )
        )

    packages = {}
    for pid, name, ccy, price, units in PACKAGES:
        row = {
            "package_id": pid,
            "name": name,
            "currency": ccy,
            "price": price,
            "included_units": units,
            "updated_at": "2025-01-01T00:00:00.000Z",
        }
        packages[pid] = row
        reference["packages"].append((0, row))

    # Tariffs.
    tid = [0]
    open_from = "2025-01-01T00:00:00.000Z"

    def tariff(owner, company, service, price, ccy, updated=open_from, vfrom=open_from, vto=None):
        tid[0] += 1
        rounding = (60 if service == "call_outbound" else 1) if service.startswith("call_") else None
        return {
            "tariff_id": tid[0],
            "owner_id": owner,
            "company_id": company,
            "service": service,
            "price": dec(price),
            "currency": ccy,
            "rounding_seconds": rounding,
            "valid_from": vfrom,
            "valid_to": vto,
            "updated_at": updated,
        }

    platform_default = {s: tariff(0, None, s, p, "USD") for s, p in PLATFORM_PRICES_USD.items()}
    rows = list(platform_default.values())
    rows.append(tariff(0, 1, "sms", 0.0380, "USD"))
    t6 = tariff(0, 6, "call_outbound", 0.0250, "USD")
    t6["rounding_seconds"] = 1
    rows.append(t6)
    rows.append(tariff(0, 9, "whatsapp", 0.0290, "EUR"))  # tariff currency != billing currency (GBP)
    reseller_default = {}
    for r in resellers:
        rc = by_id[r]
        for s, p in PLATFORM_PRICES_USD.items():
            t = tariff(r, None, s, p * 1.4 / (1 if rc.currency == "USD" else 1.08), rc.currency)
            if s == "call_inbound":
                t["rounding_seconds"] = 60
            rows.append(t)
            if r == 2:
                reseller_default[s] = t
        deps = [c for c in companies if c.parent == r]
        for dep, svc, p in zip(deps[:2], ("sms", "call_outbound"), (0.0450, 0.0400), strict=False):
            rows.append(tariff(r, dep.company_id, svc, p, dep.currency if r == 2 else rc.currency))
    for row in rows:
        reference["tariffs"].append((0, row))
    # Mid-month changes: the platform's default SMS price on the 15th, 12:00 UTC; the reseller's default
    # WhatsApp price on the 15th of the following month (when inside the horizon).
    changes = []
    d15 = next((i for i, d in enumerate(days) if d.day == 15 and i > 0), None)
    if d15 is not None:
        changes.append((d15, platform_default["sms"], 0.0440, 12))
        d15b = next((i for i, d in enumerate(days) if d.day == 15 and i > d15 + 20), None)
        if d15b is not None:
            changes.append((d15b, reseller_default["whatsapp"], 0.0510, 0))
    for di, old, new_price, hour in changes:
        instant = at(di, hour)
        announced = at(di - 1, 16, 20, 123)
        old_closed = {**old, "valid_to": instant, "updated_at": announced}
        new = tariff(old["owner_id"], None, old["service"], new_price, old["currency"], announced, instant, None)
        new["rounding_seconds"] = old["rounding_seconds"]
        reference["tariffs"].append((di - 1, old_closed))
        reference["tariffs"].append((di - 1, new))

    # Package activation / renewals.
    schedule = []
    for c in companies:
        if c.package_id is None:
            continue
        tz = ZoneInfo(c.tz)
        price = packages[c.package_id]["price"]
        first = c.appear_day
        act = datetime.combine(days[first], datetime.min.time(), tzinfo=UTC) + timedelta(
            hours=10 + int(rng.integers(0, 6)), minutes=int(rng.integers(0, 60))
        )
        if first:
            act = act + timedelta(hours=1)
        schedule.append((int(act.timestamp() * 1000), c.company_id, "package_activation", c.package_id, price))
        local = act.astimezone(tz)
        y, m = local.year, local.month
        while True:
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
            renew = datetime(y, m, 1, 0, 0, tzinfo=tz) + timedelta(seconds=int(rng.integers(5, 300)))
            ms = int(renew.timestamp() * 1000)
            if ms >= start_ms + n_days * DAY_MS:
                break
            schedule.append((ms, c.company_id, "package_renewal", c.package_id, price))

    # Exchange rates: a random walk per currency, one row per currency per day.
    level = {k: np.log(v) for k, v in RATE_START.items()}
    for i, d in enumerate(days):
        for ccy in CURRENCIES:
            if ccy != "USD":
                level[ccy] += rng.normal(0, 0.006 if ccy == "KZT" else 0.004)
            rate = 1.0 if ccy == "USD" else float(np.exp(level[ccy]))
            reference["exchange_rates"].append(
                (i, {"date": d.isoformat(), "currency": ccy, "units_per_usd": dec(rate, 6)})
            )

    second = next((i for i, d in enumerate(days) if d >= add_months(start, 1)), n_days)
    return World(start, days, companies, reference, ops, cfgs, bots, packages, schedule, second_month_day=second)


# --------------------------------------------------------------------------------------------- sampling
class DayContext:
    def __init__(self, world: World, di: int, cfg: dict):
        self.world, self.di, self.cfg = world, di, cfg
        self.day = world.days[di]
        self.day0 = day_ms(self.day)
        self.tag = self.day.strftime("%Y%m%d")
        comps = [c for c in world.companies if c.appear_day <= di]
        self.companies = comps
        self.cids = np.array([c.company_id for c in comps])
        self.weights = np.array([c.weight for c in comps])
        self.weights = self.weights / sum(c.weight for c in world.companies)
        # Per company, per UTC hour of this day: share of the day's activity (local diurnal + weekend).
        noon = datetime.combine(self.day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
        offs = np.array([ZoneInfo(c.tz).utcoffset(noon).total_seconds() / 3600 for c in comps])
        local = np.arange(24)[None, :] + offs[:, None]
        shift = np.floor(local / 24).astype(int)
        lh = np.floor(local - shift * 24).astype(int)
        wd = (self.day.weekday() + shift) % 7
        self.hour_share = DIURNAL[lh] * np.where(wd >= 5, WEEKEND_FACTOR, 1.0)
        # New company: no activity before its creation hour.
        for k, c in enumerate(comps):
            if c.appear_day == di and di > 0:
                self.hour_share[k, :11] = 0

    def sample(self, rng: np.random.Generator, daily: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Poisson arrivals: returns (company index into self.companies, epoch ms), sorted by time."""
        lam = daily[:, None] * self.hour_share
        counts = rng.poisson(lam)
        ci = np.repeat(np.repeat(np.arange(len(daily)), 24), counts.ravel())
        hours = np.repeat(np.tile(np.arange(24), len(daily)), counts.ravel())
        ms = self.day0 + hours * 3_600_000 + rng.integers(0, 3_600_000, size=len(ci))
        order = np.argsort(ms, kind="stable")
        return ci[order], ms[order]

    def mix(self, key: str) -> np.ndarray:
        return np.array([c.mix[key] for c in self.companies])


def gen_notifications(ctx: DayContext, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    per_day = ctx.cfg["events_per_day"] * 0.12
    ci, created = ctx.sample(rng, per_day * ctx.weights * ctx.mix("notif"))
    n = len(ci)
    ch = rng.choice(len(CHANNELS), size=n, p=CHANNEL_P)
    optional = rng.random(n) < 0.05
    scheduled = (~optional) & (rng.random(n) < 0.04)
    sched_ms = created + (rng.integers(10, 720, size=n) * 60_000)
    sched_ms = (sched_ms // 60_000) * 60_000
    prim = _notification_frame(ctx, rng, ci, created, ch, optional, scheduled, sched_ms, None, "")
    notif, events, final_status, final_ms = prim
    # Fallback chains: failed viber / whatsapp -> SMS.
    failed = np.isin(ch, [1, 2]) & np.isin(final_status, ["undelivered", "error"]) & (rng.random(n) < 0.7)
    idx = np.flatnonzero(failed)
    if len(idx):
        fb_created = final_ms[idx] + rng.integers(500, 5_000, size=len(idx))
        z = np.zeros(len(idx), dtype=bool)
        fb = _notification_frame(
            ctx,
            rng,
            ci[idx],
            fb_created,
            np.zeros(len(idx), dtype=int),
            z,
            z,
            fb_created,
            notif["message_id"].to_numpy()[idx],
            "f",
        )
        notif = pd.concat([notif, fb[0]], ignore_index=True)
        events = pd.concat([events, fb[1]], ignore_index=True)
    return notif, events


def _notification_frame(ctx, rng, ci, created, ch, optional, scheduled, sched_ms, fallback_of, sub):
    n = len(ci)
    cids = ctx.cids[ci]
    mid = seq_ids(f"n-{ctx.tag}-{sub}", n)
    segments = np.where(ch == 0, rng.choice([1, 2, 3], size=n, p=[0.7, 0.22, 0.08]), 1)
    recip = hex_ids(mix64(cids.astype(np.uint64) * np.uint64(1_000_003) + rng.zipf(1.3, n).astype(np.uint64), 7))
    notif = pd.DataFrame(
        {
            "message_id": mid,
            "company_id": cids,
            "channel": CHANNELS[ch].astype(object),
            "template_id": cids * 1000 + rng.integers(1, 12, size=n),
            "recipient_hash": recip,
            "fallback_of": fallback_of if fallback_of is not None else np.full(n, None, dtype=object),
            "is_optional": optional,
            "scheduled_for": nullable_obj(fmt_ts(sched_ms), scheduled),
            "sms_segments": segments,
            "created_at": fmt_ts(created),
            "_t": created,
        }
    )
    if ctx.di >= ctx.world.second_month_day and ctx.cfg.get("schema_drift"):
        camp = rng.integers(1, 60, size=n)
        notif.insert(9, "campaign_id", nullable_int(camp, rng.random(n) < 0.6))
    # Outcomes.
    u = rng.random(n)
    cum = CHANNEL_OUTCOME_P[ch].cumsum(axis=1)
    outcome = np.where(u < cum[:, 0], 0, np.where(u < cum[:, 1], 1, 2))  # delivered/undelivered/error
    omitted = optional & (rng.random(n) < 0.4)
    canceled = (~optional) & (rng.random(n) < np.where(scheduled, 0.15, 0.01))
    final = np.array(["delivered", "undelivered", "error"], dtype=object)[outcome]
    final[omitted] = "omitted_optional"
    final[canceled] = "canceled"
    sent = ~(omitted | canceled)
    base = np.where(scheduled, sched_ms, created)
    pending_ms = base + rng.integers(100, 5_000, size=n)
    deliver_delay = np.exp(rng.normal(np.log(8_000), 1.1, size=n)).astype(np.int64)
    undeliv_delay = rng.integers(30_000, 1_800_000, size=n)
    error_delay = rng.integers(500, 10_000, size=n)
    final_ms = pending_ms + np.choose(outcome, [deliver_delay, undeliv_delay, error_delay])
    cancel_ms = np.where(
        scheduled, created + ((sched_ms - created) * rng.random(n)).astype(np.int64) + 1, created + 1_000
    )
    final_ms = np.where(canceled, cancel_ms, final_ms)
    final_ms = np.where(omitted, created + rng.integers(1_000, 30_000, size=n), final_ms)
    err = ERROR_CODES[rng.integers(0, len(ERROR_CODES), size=n)].astype(object)

    parts = [
        (np.arange(n), np.where(optional, "created_optional", "created").astype(object), created),
        (np.flatnonzero(scheduled), np.full(scheduled.sum(), "delayed", dtype=object), None),
        (np.flatnonzero(sent), np.full(sent.sum(), "pending", dtype=object), None),
        (np.arange(n), final, None),
    ]
    idxs, sts, times = [], [], []
    for k, (ix, st, t) in enumerate(parts):
        idxs.append(ix)
        sts.append(st)
        if k == 0:
            times.append(t)
        elif k == 1:
            times.append(created[ix] + rng.integers(50, 500, size=len(ix)))
        elif k == 2:
            times.append(pending_ms[ix])
        else:
            times.append(final_ms)
    ix = np.concatenate(idxs)
    st = np.concatenate(sts)
    tm = np.concatenate(times)
    has_err = np.isin(st, ["undelivered", "error"])
    events = pd.DataFrame(
        {
            "event_id": seq_ids(f"ne-{ctx.tag}-{sub}", len(ix)),
            "message_id": mid[ix],
            "status": st,
            "error_code": nullable_obj(err[ix], has_err),
            "occurred_at": fmt_ts(tm),
            "_t": tm,
        }
    )
    return notif, events, final, final_ms


def _pick_per_company(rng, ci: np.ndarray, ctx: DayContext, table: pd.DataFrame, weights=None):
    """For each row with company index ci, pick a row of `table` of that company; -1 when none."""
    out = np.full(len(ci), -1, dtype=np.int64)
    for k in np.unique(ci):
        cand = np.flatnonzero(table["company_id"].to_numpy() == ctx.cids[k])
        if not len(cand):
            continue
        sel = ci == k
        p = None
        if weights is not None:
            p = weights[cand] / weights[cand].sum()
        out[sel] = cand[rng.choice(len(cand), size=int(sel.sum()), p=p)]
    return out


def gen_chats(ctx: DayContext, rng: np.random.Generator) -> pd.DataFrame:
    w = ctx.world
    msgs_per_chat = 5.0
    ci, start = ctx.sample(rng, ctx.cfg["events_per_day"] * 0.2 / msgs_per_chat * ctx.weights * ctx.mix("chat"))
    cfgs = w.chat_configs[w.chat_configs["from"] <= ctx.di].reset_index(drop=True)
    ops = w.operators[(w.operators["from"] <= ctx.di) & (w.operators["until"] > ctx.di)].reset_index(drop=True)
    bots = w.bots[w.bots["from"] <= ctx.di].reset_index(drop=True)
    cfg_w = np.where(cfgs["is_test"], 0.05, 1.0) * np.where(cfgs["messenger"] == "alice", 0.3, 1.0)
    cfg_w = cfg_w * (1 + (cfgs["chat_config_id"].to_numpy() % 3))
    cfg_i = _pick_per_company(rng, ci, ctx, cfgs, cfg_w)
    keep = cfg_i >= 0
    ci, start, cfg_i = ci[keep], start[keep], cfg_i[keep]
    op_i = _pick_per_company(rng, ci, ctx, ops)
    bot_i = _pick_per_company(rng, ci, ctx, bots)
    n = len(ci)
    messenger = cfgs["messenger"].to_numpy()[cfg_i].astype(object)
    alice = messenger == "alice"
    # Modes: 0 bot only, 1 operator only, 2 bot then operator, 3 no reply.
    mode = rng.choice(4, size=n, p=[0.35, 0.35, 0.2, 0.1])
    mode = np.where((op_i < 0) & np.isin(mode, [1, 2]), 0, mode)
    mode = np.where((bot_i < 0) & np.isin(mode, [0, 2]), np.where(op_i < 0, 3, 1), mode)
    mode = np.where(alice & (bot_i >= 0), 0, mode)
    proactive = (mode != 3) & ~alice & (rng.random(n) < 0.12)
    length = np.where(mode == 3, rng.integers(1, 3, size=n), 2 + np.minimum(rng.geometric(0.3, size=n) - 1, 28))
    handover = rng.integers(1, 4, size=n)
    chat = np.repeat(np.arange(n), length)
    pos = within_group_positions(length)
    responder_turn = np.where(proactive[chat], pos % 2 == 0, pos % 2 == 1) & (mode[chat] != 3)
    resp_k = pos // 2
    is_bot = responder_turn & ((mode[chat] == 0) | ((mode[chat] == 2) & (resp_k < handover[chat])))
    is_op = responder_turn & ~is_bot
    sender = np.where(is_bot, "bot", np.where(is_op, "operator", "user")).astype(object)
    m = len(chat)
    first_bot = np.zeros(m, dtype=bool)
    bot_rows = np.flatnonzero(is_bot)
    if len(bot_rows):
        _, first_idx = np.unique(chat[bot_rows], return_index=True)
        first_bot[bot_rows[first_idx]] = True
    first_op = np.zeros(m, dtype=bool)
    op_rows = np.flatnonzero(is_op)
    if len(op_rows):
        _, first_idx = np.unique(chat[op_rows], return_index=True)
        first_op[op_rows[first_idx]] = True
    gap = np.where(
        is_bot,
        rng.integers(300, 3_000, size=m),
        np.where(
            first_op,
            np.exp(rng.normal(np.log(90_000), 1.0, size=m)).astype(np.int64),
            np.where(is_op, rng.integers(10_000, 120_000, size=m), rng.integers(5_000, 300_000, size=m)),
        ),
    )
    gap[pos == 0] = 0
    sent = start[chat] + within_group_cumsum(gap, length)
    text_len = np.where(
        is_bot,
        rng.integers(20, 400, size=m),
        np.where(is_op, rng.integers(10, 300, size=m), np.exp(rng.normal(3.3, 0.9, size=m)).astype(int) + 1),
    )
    chat_ids = seq_ids(f"c-{ctx.tag}-", n)
    op_ids = ops["operator_id"].to_numpy()[np.maximum(op_i, 0)]
    bot_ids = bots["bot_id"].to_numpy()[np.maximum(bot_i, 0)]
    return pd.DataFrame(
        {
            "message_id": seq_ids(f"cm-{ctx.tag}-", m),
            "chat_id": chat_ids[chat],
            "company_id": ctx.cids[ci][chat],
            "chat_config_id": cfgs["chat_config_id"].to_numpy()[cfg_i][chat],
            "messenger": messenger[chat],
            "sender_type": sender,
            "operator_id": nullable_int(op_ids[chat], is_op),
            "bot_id": nullable_int(bot_ids[chat], is_bot),
            "is_first_bot_message": first_bot,
            "is_proactive": proactive[chat] & (pos == 0),
            "text_length": np.minimum(text_len, 4000),
            "sent_at": fmt_ts(sent),
            "_t": sent,
        }
    )


def gen_widget(ctx: DayContext, rng: np.random.Generator) -> pd.DataFrame:
    ev_per_session = 6.0
    ci, start = ctx.sample(rng, ctx.cfg["events_per_day"] * 0.2 / ev_per_session * ctx.weights * ctx.mix("widget"))
    n = len(ci)
    cids = ctx.cids[ci]
    pool = ctx.cfg["visitor_pool"] * (1 + ctx.di // 7)
    visitor = hex_ids(
        mix64(cids.astype(np.uint64) * np.uint64(10**9) + rng.integers(0, pool, size=n).astype(np.uint64), 11),
        12,
    )
    visitor = np.char.add("v-", visitor.astype(str)).astype(object)
    experience = cids * 10 + rng.integers(1, 4, size=n)
    device = np.where(rng.random(n) < 0.62, "mobile", "desktop").astype(object)
    bounce = rng.random(n) < 0.3
    length = np.where(bounce, rng.integers(1, 3, size=n), 3 + np.minimum(rng.geometric(0.15, size=n) - 1, 37))
    s = np.repeat(np.arange(n), length)
    pos = within_group_positions(length)
    m = len(s)
    et = WIDGET_TYPES[rng.choice(len(WIDGET_TYPES), size=m, p=WIDGET_P)].astype(object)
    et[bounce[s] & (pos == 1)] = "message_shown"
    et[pos == 0] = "chat_open"
    # Funnels inside a session: asked -> single opt-in -> double opt-in, PIN sent -> succeeded | failed.
    for prev, options, probs in WIDGET_FOLLOWUPS:
        i = np.flatnonzero(et[:-1] == prev) if m > 1 else np.zeros(0, dtype=np.int64)
        i = i[s[i + 1] == s[i]]
        pick = rng.choice(len(options), size=len(i), p=probs)
        et[i + 1] = np.array(options, dtype=object)[pick]
    # A follow-up whose predecessor is no longer its trigger (overwritten by another funnel) is just shown.
    need = {opt: prev for prev, options, _p in WIDGET_FOLLOWUPS for opt in options if opt != "message_shown"}
    same = np.concatenate([[False], s[1:] == s[:-1]]) if m else np.zeros(0, dtype=bool)
    for follow, trigger in need.items():  # in funnel order: a removed opt-in also removes its double opt-in
        prev_et = np.concatenate([[None], et[:-1]]) if m else et
        bad = (et == follow) & ~((prev_et == trigger) & same)
        et[bad] = "message_shown"
    gap = np.minimum(np.exp(rng.normal(np.log(15_000), 1.0, size=m)).astype(np.int64), 25 * 60_000)
    gap[pos == 0] = 0
    t = start[s] + within_group_cumsum(gap, length)
    is_mod = et == "module_visit"
    is_nps = et == "nps_rating"
    is_data = et == "data_entered"
    return pd.DataFrame(
        {
            "event_id": seq_ids(f"w-{ctx.tag}-", m),
            "company_id": cids[s],
            "experience_id": experience[s],
            "visitor_id": visitor[s],
            "event_type": et,
            "module_id": nullable_int(experience[s] * 100 + np.minimum(rng.zipf(1.6, size=m), 12), is_mod),
            "nps_score": nullable_int(rng.choice(np.arange(1, 11), size=m, p=NPS_P), is_nps),
            "data_field": nullable_obj(DATA_FIELDS[rng.integers(0, len(DATA_FIELDS), size=m)], is_data),
            "device": device[s],
            "occurred_at": fmt_ts(t),
            "_t": t,
        }
    )


def gen_calls(ctx: DayContext, rng: np.random.Generator) -> pd.DataFrame:
    ci, started = ctx.sample(rng, ctx.cfg["events_per_day"] * 0.05 * ctx.weights * ctx.mix("call"))
    n = len(ci)
    cids = ctx.cids[ci]
    types = np.array([c.client_type for c in ctx.companies])[ci]
    outbound = rng.random(n) < np.where(np.isin(types, ["calling_card", "call_shop"]), 0.9, 0.5)
    bots = ctx.world.bots[ctx.world.bots["from"] <= ctx.di].reset_index(drop=True)
    bot_i = _pick_per_company(rng, ci, ctx, bots)
    with_bot = (bot_i >= 0) & (rng.random(n) < 0.2)
    disp = rng.choice(
        np.array(["answered", "no_answer", "busy", "failed", "canceled"], dtype=object),
        size=n,
        p=[0.65, 0.18, 0.08, 0.05, 0.04],
    )
    answered = disp == "answered"
    ring = rng.integers(2_000, 30_000, size=n)
    dur = np.clip(np.exp(rng.normal(np.log(90_000), 1.2, size=n)), 1_000, 3_600_000).astype(np.int64)
    answered_at = started + ring
    ended = np.where(answered, answered_at + dur, started + rng.integers(0, 40_000, size=n))
    ids = cids.astype(np.uint64) * np.uint64(10**7)
    return pd.DataFrame(
        {
            "call_id": seq_ids(f"k-{ctx.tag}-", n),
            "company_id": cids,
            "direction": np.where(outbound, "outbound", "inbound").astype(object),
            "bot_id": nullable_int(bots["bot_id"].to_numpy()[np.maximum(bot_i, 0)], with_bot),
            "from_hash": hex_ids(mix64(ids + rng.zipf(1.4, n).astype(np.uint64), 3)),
            "to_hash": hex_ids(mix64(ids + rng.zipf(1.2, n).astype(np.uint64), 5)),
            "started_at": fmt_ts(started),
            "answered_at": nullable_obj(fmt_ts(answered_at), answered),
            "ended_at": fmt_ts(ended),
            "disposition": disp,
            "_t": started,
        }
    )


def gen_bot_api(ctx: DayContext, rng: np.random.Generator) -> pd.DataFrame:
    ci, sent = ctx.sample(rng, ctx.cfg["events_per_day"] * 0.05 * ctx.weights * ctx.mix("botapi"))
    bots = ctx.world.bots[ctx.world.bots["from"] <= ctx.di].reset_index(drop=True)
    bot_i = _pick_per_company(rng, ci, ctx, bots)
    keep = bot_i >= 0
    ci, sent, bot_i = ci[keep], sent[keep], bot_i[keep]
    n = len(ci)
    return pd.DataFrame(
        {
            "message_id": seq_ids(f"b-{ctx.tag}-", n),
            "company_id": ctx.cids[ci],
            "bot_id": bots["bot_id"].to_numpy()[bot_i],
            "is_billable": rng.random(n) < 0.95,
            "sent_at": fmt_ts(sent),
            "_t": sent,
        }
    )


def gen_balance(ctx: DayContext, rng: np.random.Generator) -> pd.DataFrame:
    comps = ctx.companies
    ccy = np.array([c.currency for c in comps], dtype=object)
    scale = np.array([CCY_SCALE[c.currency] for c in comps])
    size = ctx.weights / ctx.weights.max()
    heavy_calls = np.array([c.client_type in ("calling_card", "call_shop") for c in comps])
    refill_rate = np.where(heavy_calls, 0.8, 0.08 + 0.3 * size)
    ci_r, t_r = ctx.sample(rng, refill_rate)
    amt_r = rng.choice([20, 50, 100, 200, 500, 1000], size=len(ci_r)) * np.maximum(1, np.round(size[ci_r] * 10))
    amt_r = amt_r * scale[ci_r]
    ci_a, t_a = ctx.sample(rng, np.full(len(comps), 0.01))
    amt_a = np.round(rng.uniform(-20, 20, size=len(ci_a)), 2) * scale[ci_a]
    amt_a = np.where(amt_a == 0, 1.0, amt_a)
    ci_f, t_f = ctx.sample(rng, np.full(len(comps), 0.006))
    amt_f = np.round(rng.uniform(1, 50, size=len(ci_f)), 2) * scale[ci_f]
    # Package activations / renewals of this UTC day.
    lo, hi = ctx.day0, ctx.day0 + DAY_MS
    sched = [s for s in ctx.world.package_schedule if lo <= s[0] < hi]
    pos_of = {c.company_id: k for k, c in enumerate(comps)}
    ci_p = np.array([pos_of[s[1]] for s in sched], dtype=np.int64)
    t_p = np.array([s[0] for s in sched], dtype=np.int64)
    ci = np.concatenate([ci_r, ci_a, ci_f, ci_p])
    t = np.concatenate([t_r, t_a, t_f, t_p])
    kind = np.concatenate(
        [
            np.full(len(ci_r), "refill", dtype=object),
            np.full(len(ci_a), "adjustment", dtype=object),
            np.full(len(ci_f), "refund", dtype=object),
            np.array([s[2] for s in sched], dtype=object),
        ]
    )
    amount = np.concatenate(
        [
            money(amt_r),
            money(amt_a),
            money(amt_f),
            np.array(["-" + s[4] for s in sched], dtype=object),
        ]
    )
    pkg = np.array([s[3] for s in sched], dtype=np.int64)
    pkg_full = np.concatenate([np.zeros(len(ci) - len(sched), dtype=np.int64), pkg])
    order = np.argsort(t, kind="stable")
    ci, t, kind, amount, pkg_full = ci[order], t[order], kind[order], amount[order], pkg_full[order]
    n = len(ci)
    return pd.DataFrame(
        {
            "txn_id": seq_ids(f"t-{ctx.tag}-", n),
            "company_id": ctx.cids[ci] if n else np.zeros(0, dtype=np.int64),
            "kind": kind,
            "amount": amount,
            "currency": ccy[ci] if n else np.zeros(0, dtype=object),
            "package_id": nullable_int(pkg_full, pkg_full > 0),
            "occurred_at": fmt_ts(t),
            "_t": t,
        }
    )


# --------------------------------------------------------------------------------------------- writing
def _to_lines(df: pd.DataFrame) -> list[str]:
    if df.empty:
        return []
    text = df.to_json(orient="records", lines=True, date_format="iso")
    return text.rstrip("\n").split("\n")


def _ref_line(row: dict) -> str:
    return json.dumps(row, separators=(",", ":"), ensure_ascii=False)


class Exporter:
    """Buffers rows per entity and export day; applies dirt; writes one gzip file per entity per day."""

    def __init__(self, landing: Path, world: World, seed: int, dirty_rate: float):
        self.landing, self.world, self.seed, self.rate = landing, world, seed, dirty_rate
        self.n_days = len(world.days)
        self.buffer: dict[str, dict[int, list[tuple[list[str], bool]]]] = {e: {} for e in ENTITIES}
        self.manifest: dict[str, dict[str, dict[str, int]]] = {e: {} for e in ENTITIES}
        self.totals = {e: {"lines": 0, **{k: 0 for k in DIRT_KINDS}} for e in ENTITIES}

    def add_events(self, entity: str, df: pd.DataFrame, rng: np.random.Generator) -> None:
        if df.empty:
            return
        t = df["_t"].to_numpy()
        export_day = (t - day_ms(self.world.start)) // DAY_MS
        late = np.zeros(len(df), dtype=bool)
        if self.rate > 0:
            lag = rng.integers(1, 8, size=len(df))
            late = (rng.random(len(df)) < self.rate) & (export_day + lag < self.n_days)
            export_day = np.where(late, export_day + lag, export_day)
        body = df.drop(columns=["_t"])
        for d in np.unique(export_day):
            if d >= self.n_days:
                continue  # happened after the export horizon: not exported yet
            for is_late in (False, True):
                sel = (export_day == d) & (late == is_late)
                if sel.any():
                    self.buffer[entity].setdefault(int(d), []).append((_to_lines(body[sel]), is_late))

    def add_reference(self, entity: str, di: int, rows: list[dict]) -> None:
        if rows:
            self.buffer[entity].setdefault(di, []).append(([_ref_line(r) for r in rows], False))

    def flush(self, di: int) -> None:
        d = self.world.days[di]
        written: dict[str, dict[str, int]] = {}
        for ei, entity in enumerate(ENTITIES):
            chunks = self.buffer[entity].pop(di, [])
            clean = [line for lines, late in chunks if not late for line in lines]
            late_lines = [line for lines, late in chunks if late for line in lines]
            rng = np.random.default_rng([self.seed, 7_777, di, ei])
            counts = {k: 0 for k in DIRT_KINDS}
            counts["late"] = len(late_lines)
            lines = clean
            if self.rate > 0 and clean:
                lines, counts_d = self._dirty(entity, clean, rng)
                counts.update(counts_d)
            lines = lines + late_lines
            if late_lines and len(lines) > 1:
                lines = [lines[i] for i in rng.permutation(len(lines))]
            written[entity] = {self._write(entity, d, lines): len(lines)}
            counts["lines"] = len(lines)
            self.manifest[entity][d.isoformat()] = {"lines": len(lines), **{k: counts[k] for k in DIRT_KINDS}}
            for k in counts:
                self.totals[entity][k] += counts[k]
        write_day_manifest(self.landing, d, written)  # last: the day is complete

    def _dirty(self, entity: str, clean: list[str], rng: np.random.Generator):
        n = len(clean)
        is_event = entity in ENTITIES_EVENTS
        k_dup = int(rng.binomial(n, self.rate))
        k_inv = int(rng.binomial(n, self.rate / 2)) if is_event else 0
        k_mis = int(rng.binomial(n, self.rate / 2)) if is_event else 0
        k_enum = int(rng.binomial(n, self.rate / 2)) if entity in UNKNOWN_ENUMS else 0
        total = min(n, k_dup + k_inv + k_mis + k_enum)
        picks = rng.choice(n, size=total, replace=False)
        k_dup = min(k_dup, total)
        dup_idx = picks[:k_dup]
        inv_idx = picks[k_dup : k_dup + k_inv]
        mis_idx = picks[k_dup + k_inv : k_dup + k_inv + k_mis]
        enum_idx = picks[k_dup + k_inv + k_mis :]
        lines = list(clean)
        for i in inv_idx:
            s = lines[i]
            lines[i] = s[: int(rng.integers(5, max(6, len(s) - 1)))]
        for i in mis_idx:
            obj = json.loads(lines[i])
            keys = REQUIRED_KEYS[entity]
            obj.pop(keys[int(rng.integers(len(keys)))], None)
            lines[i] = json.dumps(obj, separators=(",", ":"))
        for i in enum_idx:
            obj = json.loads(lines[i])
            key, value = UNKNOWN_ENUMS[entity]
            obj[key] = value
            lines[i] = json.dumps(obj, separators=(",", ":"))
        dups = [lines[i] for i in dup_idx]
        # Duplicates land at random places in the file.
        if dups:
            lines = lines + dups
            lines = [lines[i] for i in rng.permutation(len(lines))]
        counts = {
            "duplicate": len(dup_idx),
            "invalid_json": len(inv_idx),
            "missing_required": len(mis_idx),
            "unknown_enum": len(enum_idx),
        }
        return lines, counts

    def _write(self, entity: str, d: date, lines: list[str]) -> str:
        folder = self.landing / entity / f"date={d.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        data = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
        name = f"{entity}-0001.jsonl.gz"
        (folder / name).write_bytes(gzip.compress(data, compresslevel=5, mtime=0))
        return name


class ForeignLandingFolder(Exception):
    """A non-empty landing folder the generator did not create: sample data never goes there."""


def _generated_here(landing: Path) -> bool:
    """The marker, or the summary manifest of a generator version that wrote no marker yet."""
    if (landing / SAMPLE_MARKER).is_file():
        return True
    try:
        return "generator_version" in json.loads((landing / "_manifest.json").read_text())
    except (OSError, ValueError, TypeError):
        return False


def claim_landing(landing: Path) -> None:
    """Refuse a non-empty folder without the generator's marker; mark an empty one as sample data."""
    landing = Path(landing)
    if landing.exists() and any(landing.iterdir()) and not _generated_here(landing):
        raise ForeignLandingFolder(
            f"{landing} is not empty and was not created by the sample generator (no {SAMPLE_MARKER}):"
            " refusing to write sample data over it. Point LANDING_PATH / --landing at an empty folder."
        )
    landing.mkdir(parents=True, exist_ok=True)
    (landing / SAMPLE_MARKER).write_text("sample export written by orchestration.generator\n")


# --------------------------------------------------------------------------------------------- main API
def generate(
    landing: Path,
    profile: str = "small",
    months: int = 3,
    start: date = DEFAULT_START,
    seed: int = 42,
    dirty_rate: float = 0.005,
    progress: bool = False,
) -> dict:
    """Write the daily export for `months` months from `start` into `landing`; return the manifest."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {sorted(PROFILES)}")
    if not 0 <= dirty_rate < 0.5:
        raise ValueError("dirty_rate must be in [0, 0.5)")
    landing = Path(landing)
    claim_landing(landing)
    for folder in (*ENTITIES, MANIFEST_FOLDER):  # a fresh export: re-running never duplicates
        if (landing / folder).exists():
            shutil.rmtree(landing / folder)
    cfg = {**PROFILES[profile], "schema_drift": dirty_rate > 0}
    world = build_world(profile, start, months, seed)
    exporter = Exporter(landing, world, seed, dirty_rate)
    ref_by_day: dict[str, dict[int, list[dict]]] = {}
    for entity, rows in world.reference.items():
        for di, row in rows:
            ref_by_day.setdefault(entity, {}).setdefault(di, []).append(row)

    days = range(len(world.days))
    if progress:
        from tqdm import tqdm

        days = tqdm(days, desc=f"generating {profile}", unit="day")
    generators = [
        ("notifications", gen_notifications),
        ("chat_messages", gen_chats),
        ("widget_events", gen_widget),
        ("calls", gen_calls),
        ("bot_api_messages", gen_bot_api),
        ("balance_transactions", gen_balance),
    ]
    for di in days:
        for entity, rows_by_day in ref_by_day.items():
            exporter.add_reference(entity, di, rows_by_day.get(di, []))
        ctx = DayContext(world, di, cfg)
        for gi, (entity, fn) in enumerate(generators):
            rng = np.random.default_rng([seed, di, gi])
            out = fn(ctx, rng)
            late_rng = np.random.default_rng([seed, di, gi, 99])
            if entity == "notifications":
                exporter.add_events("notifications", out[0], late_rng)
                exporter.add_events("notification_events", out[1], late_rng)
            else:
                exporter.add_events(entity, out, late_rng)
        exporter.flush(di)

    manifest = {
        "generator_version": GENERATOR_VERSION,
        "contract_version": 1,
        "seed": seed,
        "profile": profile,
        "start": start.isoformat(),
        "months": months,
        "end": world.days[-1].isoformat(),
        "dirty_rate": dirty_rate,
        "dirt_kinds": list(DIRT_KINDS),
        "schema_additions": (
            {"notifications": {"campaign_id": world.days[world.second_month_day].isoformat()}}
            if cfg["schema_drift"] and world.second_month_day < len(world.days)
            else {}
        ),
        "unknown_enum_values": {e: {k: v} for e, (k, v) in UNKNOWN_ENUMS.items()},
        "semantics": {
            "amount_sign": "refill>0, refund>0, package_activation<0, package_renewal<0, adjustment +/-",
            "quarantine": "invalid_json and missing_required lines replace the original record",
            "duplicate": "an extra exact copy of a valid line in the same file",
            "late": "an event written 1-7 days after its UTC date; its time fields keep the true time",
        },
        "totals": exporter.totals,
        "entities": exporter.manifest,
    }
    (landing / "_manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=False) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m orchestration.generator",
        description="Write the platform's daily export (EXPORT_CONTRACT.md) into a landing folder.",
    )
    p.add_argument("--landing", type=Path, default=LANDING_PATH, help=f"landing folder (default {LANDING_PATH})")
    p.add_argument("--profile", choices=sorted(PROFILES), default="small")
    p.add_argument("--months", type=int, default=3)
    p.add_argument("--start", type=date.fromisoformat, default=DEFAULT_START, help="first day, YYYY-MM-DD")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--dirty-rate", type=float, default=0.005)
    p.add_argument("--no-progress", action="store_true")
    a = p.parse_args(argv)
    t0 = time.perf_counter()
    try:
        m = generate(a.landing, a.profile, a.months, a.start, a.seed, a.dirty_rate, progress=not a.no_progress)
    except ForeignLandingFolder as error:
        print(error, file=sys.stderr)
        return 2
    secs = time.perf_counter() - t0
    print(f"export written to {a.landing} ({m['start']} .. {m['end']}, profile {a.profile}, seed {a.seed})")
    width = max(map(len, ENTITIES))
    total = 0
    for e in ENTITIES:
        tot = m["totals"][e]
        total += tot["lines"]
        dirt = ", ".join(f"{k} {tot[k]}" for k in DIRT_KINDS if tot[k])
        print(f"  {e:<{width}} {tot['lines']:>12,d} lines{'  (' + dirt + ')' if dirt else ''}")
    print(f"  {'total':<{width}} {total:>12,d} lines in {secs:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
