"""`python -m orchestration.bi export`: find edits made in the Superset UI and say where they belong.

The specs (orchestration/bi/specs/) are the one truth of the dashboards; dashboards/ is generated
from them. An export therefore never writes dashboards/: it compares the running Superset with
what the specs generate and, for each object that differs, names the spec module to edit. A UI
edit kept only in YAML would be reverted by the next `generate`.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import yaml

from orchestration import settings
from orchestration.bi.bundle import BUNDLE_DIR, read_bundle
from orchestration.bi.generate import bundle_diff, generate_bundle

MAX_DIFF_LINES = 400


def spec_owners() -> dict[str, list[str]]:
    """uuid of every dashboard, chart and dataset -> the spec modules that define or use it."""
    from orchestration.bi.specs import MODULES

    owners: dict[str, list[str]] = {}
    for module in MODULES:
        path = Path(module.__file__).relative_to(settings.PROJECT_DIR).as_posix()
        d = module.DASHBOARD
        datasets = {c.dataset.uuid for c in d.charts} | {f.dataset.uuid for f in d.filters if f.dataset}
        for uuid in {d.uuid, *(c.uuid for c in d.charts), *datasets}:
            owners.setdefault(uuid, []).append(path)
    return owners


def _where(rel: str, text: str | None, owners: dict[str, list[str]]) -> str:
    uuid = (yaml.safe_load(text) or {}).get("uuid") if text else None
    return ", ".join(owners.get(uuid, [])) or "a new object: add it to a module of orchestration/bi/specs/"


def report(specs: dict[str, str], exported: dict[str, str], out: TextIO | None = None) -> int:
    """Print what the UI changed against the specs and where to move it; 1 if anything differs."""
    out = out or sys.stdout
    changed = sorted(rel for rel in set(specs) | set(exported) if specs.get(rel) != exported.get(rel))
    if not changed:
        print("Superset equals orchestration/bi/specs/: no UI edit to move.", file=out)
        return 0
    owners = spec_owners()
    print(
        "Superset differs from orchestration/bi/specs/, the one truth of the dashboards; dashboards/ is\n"
        "left as it is. Move each edit into the spec named, then run `python -m orchestration.bi generate`\n"
        "and `python -m orchestration.bi import`:",
        file=out,
    )
    for rel in changed:
        state = "added in the UI" if rel not in specs else "deleted in the UI" if rel not in exported else "changed"
        print(f"  {rel} ({state}): {_where(rel, specs.get(rel) or exported.get(rel), owners)}", file=out)
    diff = bundle_diff(specs, exported)
    print("\n".join(diff[:MAX_DIFF_LINES]), file=out)
    if len(diff) > MAX_DIFF_LINES:
        print(f"... {len(diff) - MAX_DIFF_LINES} more diff lines (see the export written with --into)", file=out)
    return 1


def export_and_report(export: Callable[[Path], object], into: Path | None = None, out: TextIO | None = None) -> int:
    """Export (export(folder) writes the normalised export there) and report; never into dashboards/."""
    out = out or sys.stdout
    if into is not None and Path(into).resolve() == BUNDLE_DIR.resolve():
        print(f"refused: {into} is generated from orchestration/bi/specs/; export into another folder", file=out)
        return 2
    from orchestration.bi.specs import DASHBOARDS

    specs = generate_bundle(DASHBOARDS)
    if into is not None:
        export(Path(into))
        return report(specs, read_bundle(into), out)
    with tempfile.TemporaryDirectory() as tmp:
        export(Path(tmp))
        return report(specs, read_bundle(tmp), out)
