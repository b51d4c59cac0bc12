"""Notifications and their status events: outcomes per channel, delayed and optional sends, SMS fallbacks.

Status sequences: created -> pending -> delivered | undelivered | error; created -> canceled; delayed sends:
created -> delayed -> pending -> ... (or created -> delayed -> canceled); optional messages:
created_optional -> omitted_optional, or created_optional -> pending -> final. A viber/whatsapp message
ending undelivered/error is often followed by an SMS whose ``fallback_of`` is the failed message_id,
created seconds after the failure (normal SMS sequence). From the second month on, notifications carry a
field outside the contract, ``campaign_id`` (only when the run injects dirt: consumers must expect new fields).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orchestration.contract import ENUMS
from orchestration.generator.day import DayContext
from orchestration.generator.values import fmt_ts, hex_ids, mix64, nullable_int, nullable_obj, seq_ids

CHANNELS = np.array(ENUMS[("notifications", "channel")])
_SHARE = {"sms": 0.45, "viber": 0.15, "whatsapp": 0.15, "email": 0.15, "push": 0.10}
CHANNEL_P = np.array([_SHARE[channel] for channel in CHANNELS])
# delivered, undelivered, error per channel
_OUTCOMES = {
    "sms": [0.93, 0.05, 0.02],
    "viber": [0.80, 0.15, 0.05],
    "whatsapp": [0.88, 0.09, 0.03],
    "email": [0.96, 0.03, 0.01],
    "push": [0.85, 0.12, 0.03],
}
CHANNEL_OUTCOME_P = np.array([_OUTCOMES[channel] for channel in CHANNELS])
SMS = int(np.flatnonzero(CHANNELS == "sms")[0])
FALLS_BACK_TO_SMS = np.flatnonzero(np.isin(CHANNELS, ["viber", "whatsapp"]))
ERROR_CODES = np.array(["E_UNREACHABLE", "E_BLOCKED", "E_INVALID_RECIPIENT", "E_TIMEOUT", "E_PROVIDER"])


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
    failed = np.isin(ch, FALLS_BACK_TO_SMS) & np.isin(final_status, ["undelivered", "error"]) & (rng.random(n) < 0.7)
    idx = np.flatnonzero(failed)
    if len(idx):
        fb_created = final_ms[idx] + rng.integers(500, 5_000, size=len(idx))
        z = np.zeros(len(idx), dtype=bool)
        fb = _notification_frame(
            ctx,
            rng,
            ci[idx],
            fb_created,
            np.full(len(idx), SMS),
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
    segments = np.where(ch == SMS, rng.choice([1, 2, 3], size=n, p=[0.7, 0.22, 0.08]), 1)
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
