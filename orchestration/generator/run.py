"""One generator run: the world, then every export day in order (reference rows, events, dirt), then the summary
manifest ``<landing>/_manifest.json`` (lines written and dirt injected per entity and export day; no wall-clock
time, so a seed gives the same bytes).
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import numpy as np

from orchestration.contract import CONTRACT_VERSION, ENTITIES, MANIFEST_FOLDER
from orchestration.generator import balance, bot_api, calls, chats, notifications, widget
from orchestration.generator.day import DayContext
from orchestration.generator.dirt import DIRT_KINDS, UNKNOWN_ENUMS
from orchestration.generator.export import Exporter, claim_landing
from orchestration.generator.profiles import PROFILES
from orchestration.generator.world import World, build_world
from orchestration.settings import EXPORT_START

GENERATOR_VERSION = "1.0.0"
# Event entities in the order they are drawn each day (each from its own seeded RNG).
EVENT_GENERATORS = [
    ("notifications", notifications.gen_notifications),
    ("chat_messages", chats.gen_chats),
    ("widget_events", widget.gen_widget),
    ("calls", calls.gen_calls),
    ("bot_api_messages", bot_api.gen_bot_api),
    ("balance_transactions", balance.gen_balance),
]


def generate(
    landing: Path,
    profile: str = "small",
    months: int = 3,
    start: date = EXPORT_START,
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
    _export_days(world, exporter, cfg, seed, progress=progress, label=f"generating {profile}")
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "contract_version": CONTRACT_VERSION,
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


def _export_days(world: World, exporter: Exporter, cfg: dict, seed: int, progress: bool, label: str) -> None:
    """Every export day in order: its reference rows, then each event entity, then the day's files."""
    ref_by_day: dict[str, dict[int, list[dict]]] = {}
    for entity, rows in world.reference.items():
        for di, row in rows:
            ref_by_day.setdefault(entity, {}).setdefault(di, []).append(row)
    days = range(len(world.days))
    if progress:
        from tqdm import tqdm

        days = tqdm(days, desc=label, unit="day")
    for di in days:
        for entity, rows_by_day in ref_by_day.items():
            exporter.add_reference(entity, di, rows_by_day.get(di, []))
        ctx = DayContext(world, di, cfg)
        for gi, (entity, fn) in enumerate(EVENT_GENERATORS):
            rng = np.random.default_rng([seed, di, gi])
            out = fn(ctx, rng)
            late_rng = np.random.default_rng([seed, di, gi, 99])
            if entity == "notifications":
                exporter.add_events("notifications", out[0], late_rng)
                exporter.add_events("notification_events", out[1], late_rng)
            else:
                exporter.add_events(entity, out, late_rng)
        exporter.flush(di)
