"""One export day's sampling context: which companies are active and how their activity spreads over the hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from orchestration.generator.profiles import DIURNAL, WEEKEND_FACTOR
from orchestration.generator.values import day_ms
from orchestration.generator.world import World


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


def pick_per_company(rng, ci: np.ndarray, ctx: DayContext, table: pd.DataFrame, weights=None):
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
