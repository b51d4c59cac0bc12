"""Dirt: the irregularities the contract tells consumers to expect, injected at `dirty_rate` (0 = none at all).

Event entities get every kind; reference entities only exact duplicates. Kinds never overlap on one line:
duplicate (an extra exact copy of a valid line, at a random place in the file), invalid_json (the line cut
short; replaces the record), missing_required (a required field removed; replaces the record),
unknown_enum (one enum field set to a value outside the contract; otherwise valid), late (an event
exported 1-7 days after its UTC date, true time kept).
"""

from __future__ import annotations

import json

import numpy as np

from orchestration.contract import ENTITIES_EVENTS, LINE_IRREGULARITIES

DIRT_KINDS = tuple(LINE_IRREGULARITIES)
MAX_LATE_DAYS = 7
# The required fields a missing_required line may lack, per event entity (tests: all required by the contract).
DROPPABLE_FIELDS = {
    "notifications": ["message_id", "company_id", "channel", "created_at"],
    "notification_events": ["event_id", "message_id", "status", "occurred_at"],
    "chat_messages": ["message_id", "chat_id", "company_id", "sender_type", "sent_at"],
    "widget_events": ["event_id", "company_id", "event_type", "occurred_at"],
    "calls": ["call_id", "company_id", "direction", "started_at"],
    "bot_api_messages": ["message_id", "company_id", "bot_id", "sent_at"],
    "balance_transactions": ["txn_id", "company_id", "kind", "amount", "occurred_at"],
}
# The enum field an unknown_enum line changes, and the value outside the contract it gets.
UNKNOWN_ENUMS = {
    "notifications": ("channel", "rcs"),
    "notification_events": ("status", "read"),
    "chat_messages": ("messenger", "line"),
    "widget_events": ("event_type", "video_play"),
    "calls": ("disposition", "voicemail"),
    "balance_transactions": ("kind", "chargeback"),
}


def delay_some(
    export_day: np.ndarray, n_days: int, rate: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Move a share `rate` of events 1-7 export days later (inside the horizon); returns (export day, late)."""
    late = np.zeros(len(export_day), dtype=bool)
    if rate > 0:
        lag = rng.integers(1, MAX_LATE_DAYS + 1, size=len(export_day))
        late = (rng.random(len(export_day)) < rate) & (export_day + lag < n_days)
        export_day = np.where(late, export_day + lag, export_day)
    return export_day, late


def make_dirty(entity: str, clean: list[str], rate: float, rng: np.random.Generator) -> tuple[list[str], dict]:
    """The lines of one file with dirt injected, and how many lines of each kind it got."""
    n = len(clean)
    is_event = entity in ENTITIES_EVENTS
    k_dup = int(rng.binomial(n, rate))
    k_inv = int(rng.binomial(n, rate / 2)) if is_event else 0
    k_mis = int(rng.binomial(n, rate / 2)) if is_event else 0
    k_enum = int(rng.binomial(n, rate / 2)) if entity in UNKNOWN_ENUMS else 0
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
        keys = DROPPABLE_FIELDS[entity]
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
