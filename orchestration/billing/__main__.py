"""`python -m orchestration.billing topup --company N --amount X --currency C`: a top-up invoice."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from orchestration.billing.topup import TopupError, create_topup_invoice


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.billing", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("topup", help="create a numbered top-up invoice (PDF + ledger row) for a company")
    p.add_argument("--company", required=True, help="company id")
    p.add_argument("--amount", required=True, help="amount in the company's billing currency, e.g. 250.00")
    p.add_argument("--currency", required=True, help="the company's billing currency (ISO 4217)")
    p.add_argument("--created-by", default=None, help="who asked for it (default: the operator's login)")
    p.add_argument("--as-of", default=None, help="creation time for replays (UTC, not in the future)")
    p.add_argument("--warehouse", type=Path, default=None)
    p.add_argument("--ledger", type=Path, default=None)
    p.add_argument("--documents", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        invoice = create_topup_invoice(
            args.company,
            args.amount,
            args.currency,
            created_by=args.created_by,
            as_of=args.as_of,
            warehouse=args.warehouse,
            ledger=args.ledger,
            documents=args.documents,
        )
    except TopupError as exc:
        print(f"top-up refused: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"topup_invoice_id": invoice.topup_invoice_id, "document_path": invoice.document_path}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
