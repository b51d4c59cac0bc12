"""python -m orchestration.reports generate|retry|delete|monthly|list (see docs/reports.md)."""

from __future__ import annotations

import argparse
import json
import sys

from orchestration.reports import service, store

REPORT_ID_COMMANDS = ("retry", "delete")


def _report_id_as_positional(argv: list[str]) -> list[str]:
    """Report ids are URL-safe tokens: one in 64 begins with '-', which argparse would take for an option."""
    if len(argv) == 2 and argv[0] in REPORT_ID_COMMANDS and argv[1] not in ("-h", "--help", "--"):
        return [argv[0], "--", argv[1]]
    return argv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.reports")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="one report of a company, month and kind")
    gen.add_argument("company_id", type=int)
    gen.add_argument("period", help="YYYY-MM")
    gen.add_argument("kind", choices=["calls", "chats", "notifications"])
    sub.add_parser("monthly", help="every kind for every active company of a month").add_argument("period")
    sub.add_parser("retry", help="generate a failed report again").add_argument("report_id")
    sub.add_parser("delete", help="delete a report (row and file)").add_argument("report_id")
    sub.add_parser("list", help="the registry as JSON lines")
    args = parser.parse_args(_report_id_as_positional(sys.argv[1:] if argv is None else argv))
    if args.command == "generate":
        out = [service.generate(args.company_id, args.period, args.kind)]
    elif args.command == "monthly":
        out = service.monthly(args.period)
    elif args.command == "retry":
        out = [service.retry(args.report_id)]
    elif args.command == "delete":
        out = [service.delete(args.report_id)]
    else:
        out = list(store.state().values())
    for row in out:
        print(json.dumps(row, default=str, sort_keys=True))
    return 1 if any(row.get("status") == "failed" for row in out if args.command != "list") else 0


if __name__ == "__main__":
    sys.exit(main())
