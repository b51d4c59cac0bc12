"""Invoice PDFs (reportlab) and monthly Excel reports per company (openpyxl), read from the billing marts.

A final invoice's PDF is written once and never rewritten (the invoice is immutable); a draft is
rendered as `<invoice id>-DRAFT.pdf` and replaced on every run until the invoice is final.
Layout under the documents folder:
    invoices/YYYY-MM/INV-YYYY-MM-000123.pdf       (final)
    invoices/YYYY-MM/INV-YYYY-MM-000123-DRAFT.pdf (draft, removed once final)
    reports/YYYY-MM/company-000123-YYYY-MM.xlsx   (monthly report: summary, invoice lines, usage by service)
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from orchestration import contract, settings


@dataclass
class DocumentsResult:
    month: str
    invoices: int = 0
    final_invoices: int = 0
    draft_invoices: int = 0
    pdf_written: list[str] = field(default_factory=list)
    pdf_kept: list[str] = field(default_factory=list)
    excel_written: list[str] = field(default_factory=list)
    unpriced_events: dict[str, int] = field(default_factory=dict)


def _money(value: Decimal | None, currency: str) -> str:
    """An amount as stored (already rounded to the currency's minor unit), shown with that many decimals."""
    places = contract.MINOR_UNITS.get(currency, 2)
    return f"{(value or Decimal(0)):,.{places}f} {currency}"


# C0/C1 control characters (tab and newline included): openpyxl refuses most of them and reportlab
# would print them as boxes; a company name never needs them.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# A text cell starting with one of these is a formula (or DDE) to Excel and LibreOffice.
_FORMULA_PREFIXES = ("=", "+", "-", "@")


def _plain(value: object) -> str:
    """Export text (company names, descriptions) without control characters."""
    return _CONTROL_CHARACTERS.sub(" ", str(value))


def _para_text(value: object) -> str:
    """Export text as literal Paragraph content: reportlab's markup (<a>, <img>, <font>, &...) is escaped."""
    return escape(_plain(value))


def _atomic_write(path: Path, writer) -> None:
    """Write through a temporary file in the same folder, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=path.suffix + ".tmp")
    os.close(fd)
    try:
        writer(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def render_invoice_pdf(path: Path, invoice: dict, lines: list[dict]) -> None:
    styles = getSampleStyleSheet()
    draft = invoice["invoice_status"] != "final"
    title = f"Invoice {_plain(invoice['invoice_id'])}" + (" (DRAFT)" if draft else "")
    # every value from the export goes through _para_text: Paragraph parses markup
    story = [
        Paragraph(escape(title), styles["Title"]),
        Paragraph(f"Issuer: {_para_text(invoice['issuer_name'])}", styles["Normal"]),
        Paragraph(
            f"Bill to: {_para_text(invoice['company_name'])} (company #{invoice['company_id']})", styles["Normal"]
        ),
        Paragraph(
            f"Period: {invoice['period_start']:%Y-%m-%d} to {invoice['period_end']:%Y-%m-%d} "
            f"({_para_text(invoice['timezone'])})",
            styles["Normal"],
        ),
        Paragraph(
            "Issued: "
            + (
                f"{invoice['issued_at']:%Y-%m-%d %H:%M} UTC"
                if invoice["issued_at"]
                else f"not yet (draft until {invoice['finalisation_due_at']:%Y-%m-%d %H:%M} UTC)"
            ),
            styles["Normal"],
        ),
        Spacer(1, 6 * mm),
    ]
    header = ["#", "Description", "Period", "Quantity", "Unit", "Unit price", "Amount"]
    data = [header]
    for line in lines:
        data.append(
            [
                str(line["line_number"]),
                Paragraph(_para_text(line["description"]), styles["BodyText"]),
                f"{line['period_month']:%Y-%m}",
                f"{line['quantity']:,.2f}" if line["unit"] == "minute" else f"{line['quantity']:,.0f}",
                line["unit"],
                f"{line['unit_price']:.6f} {line['price_currency']}".rstrip("0").rstrip(".")
                if line["unit_price"]
                else "0",
                _money(line["amount"], line["currency"]),
            ]
        )
    data.append(["", "Total", "", "", "", "", _money(invoice["total_amount"], invoice["currency"])])
    table = Table(data, colWidths=[8 * mm, 70 * mm, 16 * mm, 20 * mm, 15 * mm, 26 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("ALIGN", (3, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.whitesmoke]),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 6 * mm),
        Paragraph(
            "Amounts in the billing currency; a price in another currency is converted at the rate of each "
            "event's UTC date. Line amounts are rounded half away from zero to the currency's minor unit. "
            "Adjustment lines bill usage of an earlier period that arrived after its invoice was issued.",
            styles["Italic"],
        ),
    ]
    _atomic_write(path, lambda tmp: SimpleDocTemplate(tmp, pagesize=A4, title=title).build(story))


def _cell_value(value: object) -> object:
    """A value for an Excel cell: exact decimals as numbers, text without control characters."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return _plain(value)
    return value


def _append_row(sheet, values: list) -> None:
    """Append a row; text that Excel would read as a formula stays text (string cell, quote prefix)."""
    sheet.append([_cell_value(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_PREFIXES):
            cell.data_type = "s"
            cell.quotePrefix = True


def render_company_excel(
    path: Path, invoice: dict | list[dict] | None, lines: list[dict], usage: list[dict], company: dict, month: str
) -> None:
    """One workbook per company and month; a company has one invoice per currency of the month."""
    wb = Workbook()
    bold = Font(bold=True)
    summary = wb.active
    summary.title = "Summary"
    _append_row(summary, ["Monthly report", f"{company['company_name']} (#{company['company_id']})"])
    _append_row(summary, ["Billing month", month])
    invoices = invoice if isinstance(invoice, list) else [invoice] if invoice else []
    for invoice in invoices:
        for key in (
            "invoice_id",
            "invoice_status",
            "currency",
            "usage_amount",
            "wholesale_amount",
            "adjustment_amount",
            "total_amount",
            "issued_at",
        ):
            _append_row(summary, [key, invoice[key]])
    if not invoices:
        _append_row(summary, ["invoice_id", "no invoice this month"])
    for row in summary.iter_rows(min_col=1, max_col=1):
        row[0].font = bold

    sheet = wb.create_sheet("Invoice lines")
    cols = [
        "line_number",
        "description",
        "period_month",
        "is_adjustment",
        "line_kind",
        "service",
        "quantity",
        "unit",
        "unit_price",
        "price_currency",
        "amount",
        "currency",
    ]
    sheet.append(cols)
    for line in lines:
        _append_row(sheet, [line[c] for c in cols])
    usage_sheet = wb.create_sheet("Usage by service")
    ucols = [
        "service",
        "usage_count",
        "delivered_count",
        "usage_quantity",
        "talk_seconds",
        "billable_base_quantity",
        "package_covered_base_quantity",
        "paid_base_quantity",
        "unpriced_count",
        "company_amount_exact",
        "company_currency",
    ]
    usage_sheet.append(ucols)
    for row in usage:
        _append_row(usage_sheet, [row[c] for c in ucols])
    for ws in (sheet, usage_sheet):
        for cell in ws[1]:
            cell.font = bold
        ws.freeze_panes = "A2"
    _atomic_write(path, wb.save)


def render_month_documents(
    month: str | date, warehouse: Path | None = None, documents: Path | None = None
) -> DocumentsResult:
    """Render every invoice of a billing month (PDF) and each company's monthly Excel report."""
    month_date = date.fromisoformat(str(month)[:10]).replace(day=1)
    warehouse = Path(warehouse or settings.WAREHOUSE_PATH)
    documents = Path(documents or settings.DOCUMENTS_PATH)
    tag = f"{month_date:%Y-%m}"
    result = DocumentsResult(month=tag)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        invoices = _rows(
            con, "select * from billing.fct_invoices where invoice_month = ? order by invoice_id", [month_date]
        )
        lines = _rows(
            con,
            "select * from billing.fct_invoice_lines where invoice_month = ? order by invoice_id, line_number",
            [month_date],
        )
        usage = _rows(
            con,
            "select * from intermediate.int_billing_usage_monthly where billing_month = ? order by company_id, service",
            [month_date],
        )
        companies = _rows(con, "select company_id, company_name from staging.stg_platform__companies", [])
        result.unpriced_events = dict(
            con.execute(
                "select rating_issue, count(*) from billing.fct_unpriced_usage where billing_month = ? group by 1",
                [month_date],
            ).fetchall()
        )
    finally:
        con.close()

    by_invoice: dict[str, list[dict]] = {}
    for line in lines:
        by_invoice.setdefault(line["invoice_id"], []).append(line)
    invoice_dir = documents / "invoices" / tag
    for invoice in invoices:
        result.invoices += 1
        final_path = invoice_dir / f"{invoice['invoice_id']}.pdf"
        draft_path = invoice_dir / f"{invoice['invoice_id']}-DRAFT.pdf"
        if invoice["invoice_status"] == "final":
            result.final_invoices += 1
            if final_path.exists():
                result.pdf_kept.append(str(final_path))  # issued documents are never rewritten
            else:
                render_invoice_pdf(final_path, invoice, by_invoice.get(invoice["invoice_id"], []))
                result.pdf_written.append(str(final_path))
            draft_path.unlink(missing_ok=True)
        else:
            result.draft_invoices += 1
            render_invoice_pdf(draft_path, invoice, by_invoice.get(invoice["invoice_id"], []))
            result.pdf_written.append(str(draft_path))

    invoices_by_company: dict[int, list[dict]] = {}
    for invoice in invoices:
        invoices_by_company.setdefault(invoice["company_id"], []).append(invoice)
    usage_by_company: dict[int, list[dict]] = {}
    for row in usage:
        usage_by_company.setdefault(row["company_id"], []).append(row)
    names = {c["company_id"]: c["company_name"] for c in companies}
    for company_id in sorted(set(invoices_by_company) | set(usage_by_company)):
        company_invoices = invoices_by_company.get(company_id, [])
        path = documents / "reports" / tag / f"company-{company_id:06d}-{tag}.xlsx"
        render_company_excel(
            path,
            company_invoices,
            [line for invoice in company_invoices for line in by_invoice.get(invoice["invoice_id"], [])],
            usage_by_company.get(company_id, []),
            {"company_id": company_id, "company_name": names.get(company_id, "?")},
            tag,
        )
        result.excel_written.append(str(path))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Render a billing month's invoice PDFs and Excel reports.")
    parser.add_argument("month", help="billing month, YYYY-MM-01")
    parser.add_argument("--warehouse", type=Path, default=None)
    parser.add_argument("--documents", type=Path, default=None)
    args = parser.parse_args()
    result = render_month_documents(args.month, args.warehouse, args.documents)
    print(
        f"{result.month}: {result.invoices} invoices ({result.final_invoices} final, {result.draft_invoices} "
        f"draft), {len(result.pdf_written)} PDFs written, {len(result.excel_written)} Excel reports; "
        f"unpriced events: {result.unpriced_events or 0}"
    )


if __name__ == "__main__":
    main()
