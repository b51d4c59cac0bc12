"""The landing folder's layout (docs/landing-layout.md): part files, day manifests and what is wrong.

The names of files and folders are the export contract's (orchestration/contract.py).

A day is complete when its manifest `<landing>/_days/<YYYY-MM-DD>.json` exists: the exporter writes
it last, listing every part file of every entity with its line count. The loader loads only complete
days and checks the counts, so a day still arriving is never loaded half.

    python -m orchestration.landing write-manifest --landing data/landing --date 2026-07-01
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from orchestration import settings
from orchestration.contract import (
    CONTRACT_VERSION,
    DAY_FOLDER,
    ENTITY_FIELDS,
    MANIFEST_FOLDER,
    PART_GLOB,
    PART_NAME,
    day_folder_name,
)


class ExportDayError(Exception):
    """An export day that is not loaded; the warehouse keeps that day as it was."""


class MissingExportDay(ExportDayError):
    """The landing folder holds no export at all for a day."""


class IncompleteExportDay(ExportDayError):
    """A day without its manifest (still arriving), or whose files do not match it."""


class UnsafeExportPath(ExportDayError):
    """A symlink that leads out of the landing folder."""


@dataclass
class DayParts:
    """The part files of one entity on one export day, checked against the day's manifest."""

    entity: str
    files: list[Path] = field(default_factory=list)
    expected_lines: dict[str, int] = field(default_factory=dict)  # file name -> lines, from the manifest


def manifest_path(landing: Path, day: date) -> Path:
    return landing / MANIFEST_FOLDER / f"{day.isoformat()}.json"


def count_lines(data: bytes) -> int:
    """Lines of a decompressed part: newline-ended lines, plus a last line without its newline."""
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def write_day_manifest(landing: Path, day: date, lines: dict[str, dict[str, int]] | None = None) -> Path:
    """Write the manifest of a day (last, after its files): `lines` is entity -> file name -> lines,
    counted from the files on disk when not given."""
    landing = Path(landing)
    if lines is None:
        lines = {}
        for entity in ENTITY_FIELDS:
            folder = landing / entity / day_folder_name(day)
            parts = sorted(p for p in folder.glob(f"{entity}-{PART_GLOB}") if PART_NAME.fullmatch(p.name))
            if parts:
                lines[entity] = {p.name: count_lines(gzip.decompress(p.read_bytes())) for p in parts}
    document = {
        "export_date": day.isoformat(),
        "contract_version": CONTRACT_VERSION,
        "entities": {
            entity: {"lines": sum(files.values()), "files": dict(sorted(files.items()))}
            for entity, files in sorted(lines.items())
        },
    }
    path = manifest_path(landing, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(document, indent=1) + "\n")
    temporary.replace(path)  # a reader sees no manifest or a whole one
    return path


def _inside(landing: Path, path: Path) -> bool:
    return path.resolve().is_relative_to(landing.resolve())


def landing_problems(landing: Path) -> list[str]:
    """What in the landing folder the loader cannot use: unknown entity folders, day folders whose name
    is not a date, symlinks out of the folder. Reported with every load, never silently skipped."""
    landing = Path(landing)
    problems = []
    if not landing.is_dir():
        return [f"landing folder {landing} does not exist"]
    for entry in sorted(landing.iterdir()):
        if entry.name.startswith((".", "_")) or not entry.is_dir():
            continue  # reserved names: manifests, the generator's marker
        if not _inside(landing, entry):
            problems.append(f"symlink out of the landing folder refused: {entry.name}")
        elif entry.name not in ENTITY_FIELDS:
            problems.append(f"unknown entity folder: {entry.name}")
    for entity in ENTITY_FIELDS:
        folder = landing / entity
        if not folder.is_dir() or not _inside(landing, folder):
            continue
        for entry in sorted(folder.iterdir()):
            match = DAY_FOLDER.fullmatch(entry.name)
            if not match or not _is_date(match["day"]):
                problems.append(f"folder name is not date=YYYY-MM-DD: {entity}/{entry.name}")
            elif not _inside(landing, entry):
                problems.append(f"symlink out of the landing folder refused: {entity}/{entry.name}")
    return problems


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def available_days(landing: Path) -> list[date]:
    """Days with a manifest or any entity's day folder (a day without a manifest is then reported)."""
    landing = Path(landing)
    days = set()
    for path in (landing / MANIFEST_FOLDER).glob("*.json"):
        if _is_date(path.stem):
            days.add(date.fromisoformat(path.stem))
    for entity in ENTITY_FIELDS:
        for folder in (landing / entity).glob("date=*"):
            match = DAY_FOLDER.fullmatch(folder.name)
            if match and _is_date(match["day"]):
                days.add(date.fromisoformat(match["day"]))
    return sorted(days)


def day_parts(landing: Path, day: date) -> tuple[dict[str, DayParts], list[str]]:
    """The files to load for a day, per entity, checked against its manifest; and the day's notices
    (files in a day folder that the manifest does not list: not loaded). Raises ExportDayError."""
    landing = Path(landing)
    folders = {entity: landing / entity / day_folder_name(day) for entity in ENTITY_FIELDS}
    manifest_file = manifest_path(landing, day)
    if not manifest_file.exists() and not any(folder.is_dir() for folder in folders.values()):
        raise MissingExportDay(f"no export for {day.isoformat()} in {landing}: no manifest and no day folder")
    if not manifest_file.exists():
        raise IncompleteExportDay(
            f"export day {day.isoformat()} has no manifest ({manifest_file.relative_to(landing)}): "
            "still arriving, or written without one; not loaded"
        )
    try:
        manifest = json.loads(manifest_file.read_text())
        listed = {entity: dict(spec["files"]) for entity, spec in manifest["entities"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise IncompleteExportDay(f"manifest of {day.isoformat()} is unreadable: {error}") from error
    unknown = sorted(set(listed) - set(ENTITY_FIELDS))
    if unknown:
        raise IncompleteExportDay(f"manifest of {day.isoformat()} lists unknown entities {unknown}")
    parts, notices = {}, []
    for entity, folder in folders.items():
        expected = listed.get(entity, {})
        parts[entity] = DayParts(entity, expected_lines=expected)
        if folder.exists() and not _inside(landing, folder):
            raise UnsafeExportPath(f"{entity}/{folder.name} is a symlink out of the landing folder: refused")
        try:
            present = {path.name: path for path in folder.iterdir()} if folder.is_dir() else {}
        except OSError as error:
            raise IncompleteExportDay(f"{entity}/{folder.name} cannot be listed: {error}") from error
        for name in sorted(set(present) - set(expected)):
            notices.append(f"{entity}/{folder.name}/{name}: not in the day's manifest, not loaded")
        for name in sorted(expected):
            path = folder / name
            if name not in present or not PART_NAME.fullmatch(name):
                raise IncompleteExportDay(
                    f"{entity}/{folder.name}/{name} is listed in the manifest of {day.isoformat()} but missing"
                )
            if not _inside(landing, path):
                raise UnsafeExportPath(f"{entity}/{folder.name}/{name} is a symlink out of the landing folder: refused")
            parts[entity].files.append(path)
    return parts, notices


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.landing", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    write = commands.add_parser(
        "write-manifest", help="declare a day complete: write its manifest from the files present"
    )
    write.add_argument("--landing", type=Path, default=settings.LANDING_PATH)
    write.add_argument("--date", type=date.fromisoformat, required=True)
    args = parser.parse_args(argv)
    print(write_day_manifest(args.landing, args.date))
    return 0


if __name__ == "__main__":
    sys.exit(main())
