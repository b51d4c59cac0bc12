"""Calls: outbound (the legacy service) and inbound (the new one), some handled by a bot; dispositions and talk time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from orchestration.contract import ENUMS
from orchestration.generator.day import DayContext, pick_per_company
from orchestration.generator.values import fmt_ts, hex_ids, mix64, nullable_int, nullable_obj, seq_ids

_DISPOSITION_SHARE = {"answered": 0.65, "no_answer": 0.18, "busy": 0.08, "failed": 0.05, "canceled": 0.04}
DISPOSITIONS = np.array(ENUMS[("calls", "disposition")], dtype=object)
DISPOSITION_P = [_DISPOSITION_SHARE[d] for d in DISPOSITIONS]


def gen_calls(ctx: DayContext, rng: np.random.Generator) -> pd.DataFrame:
    ci, started = ctx.sample(rng, ctx.cfg["events_per_day"] * 0.05 * ctx.weights * ctx.mix("call"))
    n = len(ci)
    cids = ctx.cids[ci]
    types = np.array([c.client_type for c in ctx.companies])[ci]
    outbound = rng.random(n) < np.where(np.isin(types, ["calling_card", "call_shop"]), 0.9, 0.5)
    bots = ctx.world.bots[ctx.world.bots["from"] <= ctx.di].reset_index(drop=True)
    bot_i = pick_per_company(rng, ci, ctx, bots)
    with_bot = (bot_i >= 0) & (rng.random(n) < 0.2)
    disp = rng.choice(DISPOSITIONS, size=n, p=DISPOSITION_P)
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
