"""`python -m orchestration.generator`: write a sample export and print what it wrote."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from orchestration.contract import ENTITIES
from orchestration.generator.dirt import DIRT_KINDS
from orchestration.generator.export import ForeignLandingFolder
from orchestration.generator.profiles import PROFILES
from orchestration.generator.run import generate
from orchestration.settings import EXPORT_START, LANDING_PATH


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m orchestration.generator",
        description="Write the platform's daily export (docs/export-format.md) into a landing folder.",
    )
    p.add_argument("--landing", type=Path, default=LANDING_PATH, help=f"landing folder (default {LANDING_PATH})")
    p.add_argument("--profile", choices=sorted(PROFILES), default="small")
    p.add_argument("--months", type=int, default=3)
    p.add_argument("--start", type=date.fromisoformat, default=EXPORT_START, help="first day, YYYY-MM-DD")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--dirty-rate", type=float, default=0.005)
    p.add_argument("--no-progress", action="store_true")
    a = p.parse_args(argv)
    t0 = time.perf_counter()
    try:
        m = generate(a.landing, a.profile, a.months, a.start, a.seed, a.dirty_rate, progress=not a.no_progress)
    except ForeignLandingFolder as error:
        print(error, file=sys.stderr)
        return 2
    secs = time.perf_counter() - t0
    print(f"export written to {a.landing} ({m['start']} .. {m['end']}, profile {a.profile}, seed {a.seed})")
    width = max(map(len, ENTITIES))
    total = 0
    for e in ENTITIES:
        tot = m["totals"][e]
        total += tot["lines"]
        dirt = ", ".join(f"{k} {tot[k]}" for k in DIRT_KINDS if tot[k])
        print(f"  {e:<{width}} {tot['lines']:>12,d} lines{'  (' + dirt + ')' if dirt else ''}")
    print(f"  {'total':<{width}} {total:>12,d} lines in {secs:.1f} s")
    return 0
