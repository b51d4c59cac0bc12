"""Balance transactions: refills, adjustments, refunds, and the package activations and renewals of the world.

Amount signs: refill > 0, refund > 0 (money credited back to the balance), package_activation /
package_renewal < 0 (minus the package price, package currency = company currency), adjustment either sign.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orchestration.generator.catalog import CCY_SCALE
from orchestration.generator.day import DayContext
from orchestration.generator.values import DAY_MS, fmt_ts, money, nullable_int, seq_ids


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
