"""Top-up invoices: a company (or an operator on its behalf) asks for an invoice of a chosen amount to
top up its prepaid balance.

`python -m orchestration.billing topup --company N --amount X --currency C` (or the Dagster job
`topup_invoice_job` with the same config) checks the request against the warehouse, numbers the
invoice, renders its PDF and appends one row to the ledger file (BILLING_LEDGER_PATH, table
`topup_invoices`, never updated or deleted). dbt's `billing.fct_topup_invoices` shows them and marks one
paid when a matching refill arrives in the export (docs/billing.md, "Top-up invoices").

Document layout under DOCUMENTS_PATH (beside invoices/ and reports/):
    topups/YYYY-MM/TOP-000123-0001.pdf    (month of creation, UTC; company id, the company's n-th top-up)
"""

from __future__ import annotations

import contextlib
import getpass
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from orchestration import contract, settings
from orchestration.billing.documents import _atomic_write, _money, _para_text

# The largest top-up accepted, in US dollars (converted at the latest rate): a typo guard, not a policy.
MAX_TOPUP_USD = Decimal(os.environ.get("TOPUP_MAX_USD", "1000000"))

# Written by this module and created identically by the pre-hook of fct_topup_invoices
# (macro billing_topup_ledger_create), so a fresh build reads an empty table.
LEDGER_DDL = """
create table if not exists topup_invoices (
    topup_invoice_id varchar primary key,
    company_id bigint not null,
    invoice_number integer not null,
    company_name varchar not null,
    company_country varchar,
    issuer_company_id bigint not null,
    issuer_name varchar not null,
    amount decimal(18, 4) not null,
    currency varchar not null,
    created_at timestamp not null,
    created_by varchar not null,
    document_path varchar not null,
    recorded_at timestamp not null
)
"""


class TopupError(ValueError):
    """A request that cannot become an invoice; nothing was written."""


@dataclass(frozen=True)
class TopupInvoice:
    topup_invoice_id: str
    company_id: int
    invoice_number: int
    company_name: str
    company_country: str | None
    issuer_company_id: int
    issuer_name: str
    amount: Decimal
    currency: str
    created_at: datetime
    created_by: str
    document_path: str


def checked_amount(amount: str | Decimal | float, currency: str, units_per_usd: Decimal | None) -> Decimal:
    """A positive amount with at most the currency's minor digits and below the limit."""
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation:
        raise TopupError(f"amount must be a number, got {amount!r}") from None
    if not value.is_finite():
        raise TopupError(f"amount must be a finite number, got {amount!r}")
    if value <= 0:
        raise TopupError(f"amount must be positive, got {amount!r}")
    limit = MAX_TOPUP_USD * (units_per_usd or Decimal(1))
    if value > limit:
        raise TopupError(
            f"amount {value:f} {currency} is above the top-up limit ({MAX_TOPUP_USD:,} USD = {limit:,.0f} {currency});"
            " split it or raise TOPUP_MAX_USD"
        )
    places = contract.MINOR_UNITS[currency]
    exact = Decimal(1).scaleb(-places)
    if value != value.quantize(exact):
        raise TopupError(f"amount {amount!r} has more decimals than {currency} allows ({places})")
    # fixed notation (5E+1 becomes 50.00): DuckDB reads a Decimal in exponent notation wrongly
    return value.quantize(exact)


def _company(warehouse: Path, company_id: int) -> tuple[dict, Decimal | None]:
    """The company, its issuer (its reseller, else the platform) and the latest rate of its currency."""
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise TopupError(f"cannot read the warehouse {warehouse}: {exc}") from None
    try:
        row = con.execute(
            """
            select c.company_id, c.company_name, c.country, c.currency,
                coalesce(c.parent_company_id, 0) as issuer_company_id, coalesce(p.company_name, 'Platform') as issuer
            from staging.stg_platform__companies as c
            left join staging.stg_platform__companies as p on c.parent_company_id = p.company_id
            where c.company_id = ?
            """,
            [company_id],
        ).fetchone()
        if row is None:
            raise TopupError(f"unknown company {company_id}: not in the warehouse's companies")
        company = dict(zip(["company_id", "name", "country", "currency", "issuer_id", "issuer"], row, strict=True))
        rate = con.execute(
            "select units_per_usd from staging.stg_platform__exchange_rates where currency = ?"
            " order by rate_date desc limit 1",
            [company["currency"]],
        ).fetchone()
    finally:
        con.close()
    return company, (Decimal(str(rate[0])) if rate else None)


def _created_at(as_of: str | None) -> datetime:
    if not as_of:
        return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    from orchestration.billing.definitions import checked_as_of  # the billing run's rule: ISO, UTC, not future

    try:
        return datetime.fromisoformat(checked_as_of(as_of))
    except ValueError as exc:
        raise TopupError(str(exc)) from None


def render_topup_pdf(path: Path, invoice: TopupInvoice) -> None:
    styles = getSampleStyleSheet()
    title = f"Top-up invoice {invoice.topup_invoice_id}"
    amount = _money(invoice.amount, invoice.currency)
    details = [
        ["Invoice number", invoice.topup_invoice_id],
        ["Issuer", Paragraph(_para_text(invoice.issuer_name), styles["BodyText"])],
        [
            "Bill to",
            Paragraph(f"{_para_text(invoice.company_name)} (company #{invoice.company_id})", styles["BodyText"]),
        ],
        ["Country", _para_text(invoice.company_country or "-")],
        ["Created", f"{invoice.created_at:%Y-%m-%d %H:%M} UTC by {_para_text(invoice.created_by)}"],
        ["Description", "Top-up of the prepaid balance"],
        ["Amount due", amount],
    ]
    table = Table(details, colWidths=[40 * mm, 120 * mm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [
        Paragraph(_para_text(title), styles["Title"]),
        table,
        Spacer(1, 6 * mm),
        Paragraph(
            f"Pay by refilling the balance of company #{invoice.company_id} with exactly {amount}: the first such "
            "refill after this invoice's creation marks it paid. The amount is credited to the prepaid balance.",
            styles["Italic"],
        ),
    ]
    _atomic_write(path, lambda tmp: SimpleDocTemplate(tmp, pagesize=A4, title=title).build(story))


def create_topup_invoice(
    company_id: int,
    amount: str | Decimal | float,
    currency: str,
    created_by: str | None = None,
    as_of: str | None = None,
    warehouse: Path | None = None,
    ledger: Path | None = None,
    documents: Path | None = None,
) -> TopupInvoice:
    """Check, number, render and record one top-up invoice; on any error nothing is written."""
    warehouse = Path(warehouse or settings.WAREHOUSE_PATH)
    ledger = Path(ledger or settings.BILLING_LEDGER_PATH)
    documents = Path(documents or settings.DOCUMENTS_PATH)
    try:
        company_id = int(company_id)
    except (TypeError, ValueError):
        raise TopupError(f"company must be a company id (integer), got {company_id!r}") from None
    currency = str(currency).strip().upper()
    if currency not in contract.MINOR_UNITS:
        raise TopupError(f"unknown currency {currency!r}: not one of seeds/currencies.csv")
    created_by = (created_by or getpass.getuser()).strip() or "operator"
    created_at = _created_at(as_of)
    company, units_per_usd = _company(warehouse, company_id)
    if currency != company["currency"]:
        raise TopupError(
            f"currency {currency} is not company {company_id}'s billing currency ({company['currency']}):"
            " a top-up is invoiced in the currency of the balance"
        )
    value = checked_amount(amount, currency, units_per_usd)

    try:
        con = duckdb.connect(str(ledger))
    except duckdb.Error as exc:
        raise TopupError(f"cannot open the billing ledger {ledger} (a billing run holding it?): {exc}") from None
    pdf: Path | None = None
    try:
        con.execute(LEDGER_DDL)
        con.execute("begin transaction")
        number = con.execute(
            "select coalesce(max(invoice_number), 0) + 1 from topup_invoices where company_id = ?", [company_id]
        ).fetchone()[0]
        # never truncated: a 7-digit company id or a 10,000th top-up keeps every digit
        invoice_id = f"TOP-{company_id:06d}-{number:04d}"
        relative = f"topups/{created_at:%Y-%m}/{invoice_id}.pdf"
        invoice = TopupInvoice(
            invoice_id,
            company_id,
            number,
            company["name"],
            company["country"],
            company["issuer_id"],
            company["issuer"],
            value,
            currency,
            created_at,
            created_by,
            relative,
        )
        pdf = documents / relative
        render_topup_pdf(pdf, invoice)
        columns = list(asdict(invoice))
        con.execute(
            f"insert into topup_invoices ({', '.join(columns)}, recorded_at)"
            f" values ({', '.join('?' for _ in columns)}, ?)",
            # amounts as fixed-point text: DuckDB reads a Decimal in exponent notation (5E+1) wrongly
            [*(format(v, "f") if isinstance(v, Decimal) else v for v in asdict(invoice).values())]
            + [datetime.now(UTC).replace(tzinfo=None)],
        )
        con.execute("commit")
        pdf = None
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        raise
    finally:
        if pdf is not None:
            pdf.unlink(missing_ok=True)  # the row was not recorded: no orphan document
        con.close()
    return invoice
