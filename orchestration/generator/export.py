"""Writing the export: one gzip JSON Lines part per entity and day, the day's manifest last, dirt applied.

Deterministic: every day and entity draws its dirt from its own seeded RNG and gzip headers carry mtime=0.
It writes only into an empty folder or one it created (marked by SAMPLE_MARKER): never over someone's export.
"""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.contract import ENTITIES, day_folder_name, part_name
from orchestration.generator.dirt import DIRT_KINDS, delay_some, make_dirty
from orchestration.generator.values import DAY_MS, day_ms
from orchestration.generator.world import World
from orchestration.landing import write_day_manifest

# Written first into a landing folder the generator creates: the only non-empty folder it writes over.
SAMPLE_MARKER = ".cpaas-sample-export"


def _to_lines(df: pd.DataFrame) -> list[str]:
    if df.empty:
        return []
    text = df.to_json(orient="records", lines=True, date_format="iso")
    return text.rstrip("\n").split("\n")


def _ref_line(row: dict) -> str:
    return json.dumps(row, separators=(",", ":"), ensure_ascii=False)


class Exporter:
    """Buffers rows per entity and export day; applies dirt; writes one gzip file per entity per day."""

    def __init__(self, landing: Path, world: World, seed: int, dirty_rate: float):
        self.landing, self.world, self.seed, self.rate = landing, world, seed, dirty_rate
        self.n_days = len(world.days)
        self.buffer: dict[str, dict[int, list[tuple[list[str], bool]]]] = {e: {} for e in ENTITIES}
        self.manifest: dict[str, dict[str, dict[str, int]]] = {e: {} for e in ENTITIES}
        self.totals = {e: {"lines": 0, **{k: 0 for k in DIRT_KINDS}} for e in ENTITIES}

    def add_events(self, entity: str, df: pd.DataFrame, rng: np.random.Generator) -> None:
        if df.empty:
            return
        t = df["_t"].to_numpy()
        export_day, late = delay_some((t - day_ms(self.world.start)) // DAY_MS, self.n_days, self.rate, rng)
        body = df.drop(columns=["_t"])
        for d in np.unique(export_day):
            if d >= self.n_days:
                continue  # happened after the export horizon: not exported yet
            for is_late in (False, True):
                sel = (export_day == d) & (late == is_late)
                if sel.any():
                    self.buffer[entity].setdefault(int(d), []).append((_to_lines(body[sel]), is_late))

    def add_reference(self, entity: str, di: int, rows: list[dict]) -> None:
        if rows:
            self.buffer[entity].setdefault(di, []).append(([_ref_line(r) for r in rows], False))

    def flush(self, di: int) -> None:
        d = self.world.days[di]
        written: dict[str, dict[str, int]] = {}
        for ei, entity in enumerate(ENTITIES):
            chunks = self.buffer[entity].pop(di, [])
            clean = [line for lines, late in chunks if not late for line in lines]
            late_lines = [line for lines, late in chunks if late for line in lines]
            rng = np.random.default_rng([self.seed, 7_777, di, ei])
            counts = {k: 0 for k in DIRT_KINDS}
            counts["late"] = len(late_lines)
            lines = clean
            if self.rate > 0 and clean:
                lines, counts_d = make_dirty(entity, clean, self.rate, rng)
                counts.update(counts_d)
            lines = lines + late_lines
            if late_lines and len(lines) > 1:
                lines = [lines[i] for i in rng.permutation(len(lines))]
            written[entity] = {self._write(entity, d, lines): len(lines)}
            counts["lines"] = len(lines)
            self.manifest[entity][d.isoformat()] = {"lines": len(lines), **{k: counts[k] for k in DIRT_KINDS}}
            for k in counts:
                self.totals[entity][k] += counts[k]
        write_day_manifest(self.landing, d, written)  # last: the day is complete

    def _write(self, entity: str, d: date, lines: list[str]) -> str:
        folder = self.landing / entity / day_folder_name(d)
        folder.mkdir(parents=True, exist_ok=True)
        data = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
        name = part_name(entity, 1)
        (folder / name).write_bytes(gzip.compress(data, compresslevel=5, mtime=0))
        return name


class ForeignLandingFolder(Exception):
    """A non-empty landing folder the generator did not create: sample data never goes there."""


def _generated_here(landing: Path) -> bool:
    """The marker, or the summary manifest of a generator version that wrote no marker yet."""
    if (landing / SAMPLE_MARKER).is_file():
        return True
    try:
        return "generator_version" in json.loads((landing / "_manifest.json").read_text())
    except (OSError, ValueError, TypeError):
        return False


def claim_landing(landing: Path) -> None:
    """Refuse a non-empty folder without the generator's marker; mark an empty one as sample data."""
    landing = Path(landing)
    if landing.exists() and any(landing.iterdir()) and not _generated_here(landing):
        raise ForeignLandingFolder(
            f"{landing} is not empty and was not created by the sample generator (no {SAMPLE_MARKER}):"
            " refusing to write sample data over it. Point LANDING_PATH / --landing at an empty folder."
        )
    landing.mkdir(parents=True, exist_ok=True)
    (landing / SAMPLE_MARKER).write_text("sample export written by orchestration.generator\n")
