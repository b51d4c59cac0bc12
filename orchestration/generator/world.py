"""The world a sample export describes: companies, operators, channels and bots, plus prices (pricing.py).

Built once per run from one seeded RNG; the draws happen in a fixed order, so a seed gives the same world.
Reference rows are kept as (export day index, row): the day a row is exported on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from orchestration.contract import ENTITIES_REFERENCE, ENUMS
from orchestration.generator.catalog import CORE_COMPANIES, CORE_PACKAGES, EXTRA_GEO, NAME_A, NAME_B, PACKAGES
from orchestration.generator.pricing import exchange_rate_rows, package_rows, package_schedule, tariff_rows
from orchestration.generator.profiles import PROFILES, TYPE_MIX
from orchestration.generator.values import DAY_MS, add_months, day_ms, ts_ms

ReferenceRows = list[tuple[int, dict]]  # (export day index, row)


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
class Horizon:
    """The export days of the run."""

    start: date
    days: list[date]

    @property
    def n_days(self) -> int:
        return len(self.days)

    @property
    def start_ms(self) -> int:
        return day_ms(self.start)

    def at(self, day_idx: int, hour: int, minute: int = 0, ms: int = 0) -> str:
        """A timestamp on export day `day_idx` (UTC)."""
        return ts_ms(self.start_ms + day_idx * DAY_MS + (hour * 60 + minute) * 60_000 + ms)


@dataclass
class World:
    start: date
    days: list[date]
    companies: list[Company]
    reference: dict[str, ReferenceRows]  # entity -> (export day index, row)
    operators: pd.DataFrame  # operator_id, company_id, active_from, active_until
    chat_configs: pd.DataFrame  # chat_config_id, company_id, messenger, is_test, appear_day
    bots: pd.DataFrame  # bot_id, company_id, appear_day
    packages: dict[int, dict]
    package_schedule: list[tuple[int, int, str, int, str]]  # ms, company, kind, package_id, amount
    second_month_day: int


def build_world(profile: str, start: date, months: int, seed: int) -> World:
    cfg = PROFILES[profile]
    rng = np.random.default_rng([seed, 1_000_003])
    end = add_months(start, months)
    horizon = Horizon(start, [start + timedelta(days=i) for i in range(max(1, (end - start).days))])
    companies, resellers = _companies(cfg, horizon, rng)
    reference: dict[str, ReferenceRows] = {e: [] for e in ENTITIES_REFERENCE}
    reference["companies"] = _company_rows(companies, horizon, rng)
    operators, reference["operators"] = _operators(companies, cfg, horizon)
    chat_configs, reference["chat_configs"] = _chat_configs(companies, horizon, rng)
    bots, reference["bots"] = _bots(companies, horizon, rng)
    packages = {row["package_id"]: row for row in package_rows()}
    reference["packages"] = [(0, row) for row in packages.values()]
    reference["tariffs"] = tariff_rows(companies, resellers, horizon)
    schedule = package_schedule(companies, packages, horizon, rng)
    reference["exchange_rates"] = exchange_rate_rows(horizon, rng)
    days = horizon.days
    second = next((i for i, d in enumerate(days) if d >= add_months(start, 1)), len(days))
    return World(start, days, companies, reference, operators, chat_configs, bots, packages, schedule, second)


def _companies(cfg: dict, horizon: Horizon, rng: np.random.Generator) -> tuple[list[Company], list[int]]:
    """The core companies plus the profile's extra ones, their weights and packages; and the resellers."""
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
    companies[9].appear_day = min(35, horizon.n_days // 2)
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
    return companies, resellers


def _company_row(c: Company, updated: str, created: str) -> dict:
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


def _company_rows(companies: list[Company], horizon: Horizon, rng: np.random.Generator) -> ReferenceRows:
    rows, created_of = [], {}
    for c in companies:
        if c.appear_day:
            created = horizon.at(c.appear_day, 9, 12, 345)
        else:
            created = ts_ms(horizon.start_ms - int(rng.integers(30, 900)) * DAY_MS + int(rng.integers(DAY_MS)))
        created_of[c.company_id] = created
        rows.append((c.appear_day, _company_row(c, created, created)))
    # Company 9 renamed on day 10 (its channels, named after it, are named after the rename).
    if horizon.n_days > 10:
        c9 = next(c for c in companies if c.company_id == 9)
        c9.name = "Thames Insurance Group"
        c9.tags = ["insurance", "enterprise"]
        rows.append((10, _company_row(c9, horizon.at(10, 14, 3, 211), created_of[9])))
    return rows


def _operators(companies: list[Company], cfg: dict, horizon: Horizon) -> tuple[pd.DataFrame, ReferenceRows]:
    """Operators with groups; one of company 1 leaves on day 3, a new one is hired on day 20."""
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
    if horizon.n_days > 20:
        ops.loc[len(ops)] = [oid, 1, f"Operator {oid}", 1, "Support", 20, 10**9]
    first_op_c1 = int(ops[ops.company_id == 1].operator_id.iloc[0])
    if horizon.n_days > 3:
        ops.loc[ops.operator_id == first_op_c1, "until"] = 3
    rows = []
    for r in ops.itertuples():
        row = {
            "operator_id": int(r.operator_id),
            "company_id": int(r.company_id),
            "name": r.name,
            "group_id": None if pd.isna(r.group_id) else int(r.group_id),
            "group_name": None if r.group_name is None or pd.isna(r.group_name) else r.group_name,
            "is_active": True,
            "updated_at": horizon.at(int(r._6), 10 if r._6 else 8, 0, int(r.operator_id) % 1000),
        }
        rows.append((int(r._6), row))
        if int(r.until) < horizon.n_days:
            rows.append(
                (int(r.until), {**row, "is_active": False, "updated_at": horizon.at(int(r.until), 17, 45, 500)})
            )
    return ops, rows


def _chat_configs(
    companies: list[Company], horizon: Horizon, rng: np.random.Generator
) -> tuple[pd.DataFrame, ReferenceRows]:
    """Chat configs (channels): web plus some messengers per company, some test channels, one renamed."""
    ms_pool = ["web", *(m for m in ENUMS[("chat_configs", "messenger")] if m != "web")]
    cc_rows, ccid = [], 1
    for c in companies:
        if c.mix["chat"] <= 0:
            continue
        n_cfg = 2 + int(rng.integers(0, 3))
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
    rows = []
    for r in cfgs.itertuples():
        created = (
            horizon.at(int(r._6), 10, 30)
            if r._6
            else ts_ms(horizon.start_ms - 20 * DAY_MS - int(r.chat_config_id) * 3_600_000)
        )
        row = {
            "chat_config_id": int(r.chat_config_id),
            "company_id": int(r.company_id),
            "name": r.name,
            "messenger": r.messenger,
            "platform": r.messenger,  # the social network, `web` for the website
            "is_test": bool(r.is_test),
            "created_at": created,
            "updated_at": created,
        }
        rows.append((int(r._6), row))
    if horizon.n_days > 25:  # a channel renamed
        r0 = dict(rows[0][1])
        r0.update(name=r0["name"] + " (main site)", updated_at=horizon.at(25, 11, 0, 7))
        rows.append((25, r0))
    return cfgs, rows


def _bots(companies: list[Company], horizon: Horizon, rng: np.random.Generator) -> tuple[pd.DataFrame, ReferenceRows]:
    """One to three bot scripts per company that chats or uses the bot API; a promo bot from day 12."""
    bot_rows, bid = [], 1
    for c in companies:
        if c.mix["botapi"] <= 0 and c.mix["chat"] <= 0:
            continue
        for _k in range(1 + int(rng.integers(0, 3))):
            bot_rows.append((bid, c.company_id, f"Script {bid}", c.appear_day))
            bid += 1
    if horizon.n_days > 12:
        bot_rows.append((bid, 1, f"Script {bid} (summer promo)", 12))
    bots = pd.DataFrame(bot_rows, columns=["bot_id", "company_id", "name", "from"])
    rows = [
        (
            int(r._4),
            {
                "bot_id": int(r.bot_id),
                "company_id": int(r.company_id),
                "name": r.name,
                "updated_at": horizon.at(int(r._4), 10 if r._4 else 7, 15, int(r.bot_id)),
            },
        )
        for r in bots.itertuples()
    ]
    return bots, rows
