"""docs/export-format.md, rendered from the contract: `python -m orchestration.contract docs [--check]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orchestration import contract as c
from orchestration.settings import EXPORT_START, PROJECT_DIR

DOC_PATH = PROJECT_DIR / "docs" / "export-format.md"
COMMAND = "python -m orchestration.contract docs"


def _code(values) -> str:
    return ", ".join(f"`{value}`" for value in values)


def _fields_table(entity: c.Entity) -> list[str]:
    rows = ["| field | type | required | meaning |", "| --- | --- | --- | --- |"]
    for f in entity.fields:
        meaning = f.meaning
        values = c.ENUMS.get((entity.name, f.name))
        if values:
            meaning = "; ".join(part for part in (meaning, "one of " + _code(values)) if part)
        if entity.time_field == f.name:
            meaning = "; ".join(part for part in (meaning, "when it happened: its UTC date is its export day") if part)
        required = "yes" if f.required else "no (null or absent)"
        rows.append(f"| `{f.name}` | {f.kind} | {required} | {meaning} |")
    return rows


def _entity_section(entity: c.Entity) -> list[str]:
    if entity.is_event:
        how = f"Event, append-only; time field `{entity.time_field}`."
    else:
        how = "Reference, upserted: per key the row with the latest `updated_at` wins."
        if "updated_at" not in {f.name for f in entity.fields}:
            how = "Reference, one row per key."
    return [
        f"### {entity.name}",
        "",
        f"{entity.meaning[0].upper()}{entity.meaning[1:]}. {how} Key: {_code(entity.keys)}.",
        "",
        *_fields_table(entity),
        "",
    ]


def _layout() -> list[str]:
    entity = c.ENTITIES_EVENTS[0]
    day = EXPORT_START
    example = f"{entity}/{c.day_folder_name(day)}/{c.part_name(entity, 1)}"
    return [
        "## Files",
        "",
        "- Layout: `<landing>/<entity>/date=YYYY-MM-DD/<entity>-NNNN.jsonl.gz`, one folder per export day (UTC),"
        f" one or more numbered parts per day (e.g. `{example}`).",
        "- Format: gzip-compressed JSON Lines, UTF-8, one object per line; every entity below has its own folder.",
        f"- A day is complete when its manifest `{c.MANIFEST_FOLDER}/YYYY-MM-DD.json` exists, written last: it lists"
        " every part with its line count ([landing-layout.md](landing-layout.md): manifest format, what the loader"
        " does with an incomplete day).",
        "- A day's folder holds what the platform recorded or changed that day, plus whatever arrived late: an event"
        " may appear in a file several days after it happened; its time field tells when it happened.",
        "- Reference entities are upserts (the latest `updated_at` wins per key); events are append-only facts. The"
        " keys are unique per entity apart from exact duplicate lines.",
        "",
    ]


def _kinds() -> list[str]:
    rows = ["## Value types", "", "| type | in the export | warehouse column |", "| --- | --- | --- |"]
    rows += [f"| {name} | {kind.json_form} | `{kind.duckdb_type}` |" for name, kind in c.KINDS.items()]
    forward = _code(f"{e}.{f}" for e, f in sorted(c.FORWARD_LOOKING))
    return [
        *rows,
        "",
        "Beyond its type, a value the loader sets aside (see below) is:",
        "",
        f"- money with more than {c.MONEY_DECIMALS} decimals (never rounded silently);",
        f"- a negative {_code(f'{e}.{f}' for e, f in sorted(c.NON_NEGATIVE))}, a zero or negative"
        f" {_code(f'{e}.{f}' for e, f in sorted(c.POSITIVE))};",
        "- an integer outside the 64-bit range;",
        f"- a {_code(f'{e}.{f}' for e, f in sorted(c.TIME_ZONE_FIELDS))} that is not an IANA time zone name;",
        f"- a timestamp or date before {c.EARLIEST_TIME}, or later than the end of its export day"
        f" + {c.FUTURE_MARGIN_DAYS} days ({forward} may point ahead, up to {c.LATEST_FORWARD_TIME}).",
        "",
    ]


def _irregularities() -> list[str]:
    rows = [
        "## What to expect: irregular lines",
        "",
        "Consumers must expect, at a small rate, the following; the warehouse never drops a line silently.",
        "",
        "| kind | what | what the warehouse does |",
        "| --- | --- | --- |",
    ]
    rows += [f"| {kind} | {what} | {done} |" for kind, (what, done) in c.LINE_IRREGULARITIES.items()]
    rows += [f"| new field | {c.NEW_FIELDS[0]} | {c.NEW_FIELDS[1]} |", ""]
    return rows


def _services() -> list[str]:
    rows = [
        "## Services and what is billable",
        "",
        "The values of `tariffs.service` and the keys of `packages.included_units` (the dbt seed"
        " [seeds/services.csv](../seeds/services.csv)); how the warehouse implements billing:"
        " [billing.md](billing.md).",
        "",
        "| service | what | counted from | billable unit |",
        "| --- | --- | --- | --- |",
    ]
    for row in c.seed_rows("services"):
        counted_from, unit = c.BILLABLE_UNITS[row["service"]]
        rows.append(f"| `{row['service']}` | {row['service_label']} | {counted_from} | {unit} |")
    currencies = "[seeds/currencies.csv](../seeds/currencies.csv)"
    return [
        *rows,
        "",
        *[line for rule in c.BILLING_RULES for line in (rule, "")],
        f"Currencies are ISO 4217 codes; the warehouse knows the minor units of those in {currencies}.",
        "",
    ]


def render() -> str:
    lines = [
        f"# The export format (contract version {c.CONTRACT_VERSION})",
        "",
        "What the communications platform hands the warehouse every day. The loader reads exactly this and the"
        " sample generator writes exactly this; files written by anyone else who follows this page load too.",
        "",
        f"Generated from `orchestration/contract.py` by `{COMMAND}`: edit the contract, not this page.",
        "",
        *_layout(),
        *_kinds(),
        *_irregularities(),
        "## Entities",
        "",
        *[line for entity in c.ENTITY.values() for line in _entity_section(entity)],
        *_services(),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.contract", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    docs = commands.add_parser("docs", help=f"write {DOC_PATH.relative_to(PROJECT_DIR)} from the contract")
    docs.add_argument("--check", action="store_true", help="only check that the committed page is current")
    docs.add_argument("--output", type=Path, default=DOC_PATH)
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not args.output.exists() or args.output.read_text() != text:
            print(f"{args.output} is not what the contract says: run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text)
    print(args.output)
    return 0
