"""Prices in the sample world: packages, tariffs (with mid-month changes), package renewals, exchange rates."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np

from orchestration.generator.catalog import CURRENCIES, PACKAGES, PLATFORM_PRICES_USD, RATE_START
from orchestration.generator.values import DAY_MS, dec

if TYPE_CHECKING:
    from orchestration.generator.world import Company, Horizon, ReferenceRows

OPEN_FROM = "2025-01-01T00:00:00.000Z"  # when the price lists in force at the start were set


def package_rows() -> list[dict]:
    return [
        {
            "package_id": pid,
            "name": name,
            "currency": ccy,
            "price": price,
            "included_units": units,
            "updated_at": OPEN_FROM,
        }
        for pid, name, ccy, price, units in PACKAGES
    ]


class _Tariffs:
    """Numbers tariff rows in the order they are made."""

    def __init__(self) -> None:
        self.ids = itertools.count(1)

    def row(self, owner, company, service, price, ccy, updated=OPEN_FROM, vfrom=OPEN_FROM, vto=None) -> dict:
        rounding = (60 if service == "call_outbound" else 1) if service.startswith("call_") else None
        return {
            "tariff_id": next(self.ids),
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


def tariff_rows(companies: list[Company], resellers: list[int], horizon: Horizon) -> ReferenceRows:
    """The platform's price list, company prices, the resellers' price lists, and two mid-month changes."""
    tariffs = _Tariffs()
    by_id = {c.company_id: c for c in companies}
    platform_default = {s: tariffs.row(0, None, s, p, "USD") for s, p in PLATFORM_PRICES_USD.items()}
    rows = list(platform_default.values())
    rows.append(tariffs.row(0, 1, "sms", 0.0380, "USD"))
    t6 = tariffs.row(0, 6, "call_outbound", 0.0250, "USD")
    t6["rounding_seconds"] = 1
    rows.append(t6)
    rows.append(tariffs.row(0, 9, "whatsapp", 0.0290, "EUR"))  # tariff currency != billing currency (GBP)
    reseller_default = {}
    for r in resellers:
        rc = by_id[r]
        for s, p in PLATFORM_PRICES_USD.items():
            t = tariffs.row(r, None, s, p * 1.4 / (1 if rc.currency == "USD" else 1.08), rc.currency)
            if s == "call_inbound":
                t["rounding_seconds"] = 60
            rows.append(t)
            if r == 2:
                reseller_default[s] = t
        deps = [c for c in companies if c.parent == r]
        for dep, svc, p in zip(deps[:2], ("sms", "call_outbound"), (0.0450, 0.0400), strict=False):
            rows.append(tariffs.row(r, dep.company_id, svc, p, dep.currency if r == 2 else rc.currency))
    reference = [(0, row) for row in rows]
    # Mid-month changes: the platform's default SMS price on the 15th, 12:00 UTC; the reseller's default
    # WhatsApp price on the 15th of the following month (when inside the horizon).
    days = horizon.days
    changes = []
    d15 = next((i for i, d in enumerate(days) if d.day == 15 and i > 0), None)
    if d15 is not None:
        changes.append((d15, platform_default["sms"], 0.0440, 12))
        d15b = next((i for i, d in enumerate(days) if d.day == 15 and i > d15 + 20), None)
        if d15b is not None:
            changes.append((d15b, reseller_default["whatsapp"], 0.0510, 0))
    for di, old, new_price, hour in changes:
        instant = horizon.at(di, hour)
        announced = horizon.at(di - 1, 16, 20, 123)
        old_closed = {**old, "valid_to": instant, "updated_at": announced}
        new = tariffs.row(old["owner_id"], None, old["service"], new_price, old["currency"], announced, instant, None)
        new["rounding_seconds"] = old["rounding_seconds"]
        reference.append((di - 1, old_closed))
        reference.append((di - 1, new))
    return reference


def package_schedule(
    companies: list[Company], packages: dict[int, dict], horizon: Horizon, rng: np.random.Generator
) -> list[tuple[int, int, str, int, str]]:
    """(epoch ms, company, kind, package id, price) of every package activation and renewal: renewals at
    local midnight (+ up to 5 minutes) on the 1st of each local month."""
    schedule = []
    end_ms = horizon.start_ms + horizon.n_days * DAY_MS
    for c in companies:
        if c.package_id is None:
            continue
        tz = ZoneInfo(c.tz)
        price = packages[c.package_id]["price"]
        first = c.appear_day
        act = datetime.combine(horizon.days[first], datetime.min.time(), tzinfo=UTC) + timedelta(
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
            if ms >= end_ms:
                break
            schedule.append((ms, c.company_id, "package_renewal", c.package_id, price))
    return schedule


def exchange_rate_rows(horizon: Horizon, rng: np.random.Generator) -> ReferenceRows:
    """A random walk per currency, one row per currency per day."""
    rows = []
    level = {k: np.log(v) for k, v in RATE_START.items()}
    for i, d in enumerate(horizon.days):
        for ccy in CURRENCIES:
            if ccy != "USD":
                level[ccy] += rng.normal(0, 0.006 if ccy == "KZT" else 0.004)
            rate = 1.0 if ccy == "USD" else float(np.exp(level[ccy]))
            rows.append((i, {"date": d.isoformat(), "currency": ccy, "units_per_usd": dec(rate, 6)}))
    return rows
