"""Widget events: sessions of chatbot experiences on websites, opened by chat_open, with opt-in and PIN funnels."""

from __future__ import annotations

import numpy as np
import pandas as pd

from orchestration.contract import ENUMS
from orchestration.generator.day import DayContext
from orchestration.generator.values import (
    fmt_ts,
    hex_ids,
    mix64,
    nullable_int,
    nullable_obj,
    seq_ids,
    within_group_cumsum,
    within_group_positions,
)

SESSION_START = "chat_open"  # every session's first event, never drawn
# (event, what the next event of the same session becomes, probabilities); "message_shown" = no follow-up.
WIDGET_FOLLOWUPS = [
    ("web_push_asked", ("web_push_soi", "message_shown"), (0.45, 0.55)),
    ("web_push_soi", ("web_push_doi", "message_shown"), (0.6, 0.4)),
    ("reminder_soi", ("reminder_doi", "message_shown"), (0.55, 0.45)),
    ("pin_sent", ("pin_succeeded", "pin_failed", "message_shown"), (0.75, 0.15, 0.10)),
]
_ONLY_AFTER_TRIGGER = ("web_push_doi", "reminder_doi", "pin_succeeded", "pin_failed")  # never drawn
# Relative frequency of every other event type of the contract.
_WEIGHT = {
    "message_shown": 20,
    "user_input": 18,
    "button_click": 22,
    "module_visit": 14,
    "signup": 2,
    "web_push_asked": 2.5,
    "web_push_soi": 1.5,
    "reminder_soi": 1.2,
    "share_facebook": 0.5,
    "share_email": 0.4,
    "share_native": 0.6,
    "share_twitter": 0.2,
    "share_whatsapp": 0.4,
    "nps_rating": 1.5,
    "participation": 2,
    "advent_door_opened": 1,
    "pin_sent": 1.2,
    "customer_deleted": 0.1,
    "data_entered": 3,
}
WIDGET_TYPES = np.array([t for t in ENUMS[("widget_events", "event_type")] if t != SESSION_START])
WIDGET_P = np.array([0.0 if t in _ONLY_AFTER_TRIGGER else _WEIGHT[t] for t in WIDGET_TYPES])
WIDGET_P = WIDGET_P / WIDGET_P.sum()
DATA_FIELDS = np.array(["email", "phone", "first_name", "birthday", "zip_code"])
NPS_P = np.array([2, 1, 1.5, 1.5, 3, 4, 8, 14, 22, 43], dtype=float)
NPS_P = NPS_P / NPS_P.sum()


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
    et[pos == 0] = SESSION_START
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
