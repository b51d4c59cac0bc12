"""Bot API messages: sent by a company's bots, most of them billable."""

from __future__ import annotations

import numpy as np
import pandas as pd

from orchestration.generator.day import DayContext, pick_per_company
from orchestration.generator.values import fmt_ts, seq_ids


def gen_bot_api(ctx: DayContext, rng: np.random.Generator) -> pd.DataFrame:
    ci, sent = ctx.sample(rng, ctx.cfg["events_per_day"] * 0.05 * ctx.weights * ctx.mix("botapi"))
    bots = ctx.world.bots[ctx.world.bots["from"] <= ctx.di].reset_index(drop=True)
    bot_i = pick_per_company(rng, ci, ctx, bots)
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
