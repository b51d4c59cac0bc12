"""Money on invoice documents is shown at the currency's minor unit, exactly as stored (docs/billing.md)."""

import zipfile
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook
from reportlab import rl_config

from orchestration.billing.documents import _money, render_company_excel, render_invoice_pdf


def test_money_uses_the_currency_minor_unit():
    # 3-decimal currencies: the invoice line is rounded to 0.019 KWD, the PDF must not show 0.02
    assert _money(Decimal("0.0190"), "KWD") == "0.019 KWD"
    assert _money(Decimal("1234.5670"), "BHD") == "1,234.567 BHD"
    # 0-decimal currencies (seeds/currencies.csv)
    assert _money(Decimal("101.0000"), "JPY") == "101 JPY"
    assert _money(Decimal("5000.0000"), "VND") == "5,000 VND"
    assert _money(Decimal("0.1300"), "USD") == "0.13 USD"
    assert _money(Decimal("-2.5000"), "EUR") == "-2.50 EUR"


def test_money_without_a_value_is_zero():
    assert _money(None, "JPY") == "0 JPY"
    assert _money(None, "USD") == "0.00 USD"


# A company name as a hostile or careless export might carry it: reportlab markup (a link, an image that
# does not exist), an Excel formula, and control characters openpyxl refuses.
HOSTILE_NAME = (
    '=HYPERLINK("http://evil.example/x","pay")<a href="http://evil.example">link</a><img src="/nope.png"/>\x07\x1b'
)


def _invoice(name: str) -> tuple[dict, list[dict]]:
    invoice = {
        "invoice_id": "INV-2026-07-1234567",
        "invoice_status": "final",
        "issuer_name": "<b>Reseller</b> & Co",
        "company_name": name,
        "company_id": 1234567,
        "period_start": date(2026, 7, 1),
        "period_end": date(2026, 7, 31),
        "timezone": "Europe/Berlin",
        "issued_at": datetime(2026, 8, 5, 6),
        "finalisation_due_at": datetime(2026, 8, 3, 22),
        "currency": "EUR",
        "usage_amount": Decimal("1.5000"),
        "wholesale_amount": Decimal("0"),
        "adjustment_amount": Decimal("0"),
        "total_amount": Decimal("1.5000"),
    }
    line = {
        "line_number": 1,
        "description": f"{name} (#7): SMS (delivered, per segment)",
        "period_month": date(2026, 7, 1),
        "is_adjustment": False,
        "line_kind": "wholesale",
        "service": "sms",
        "quantity": Decimal("3"),
        "unit": "segment",
        "unit_price": Decimal("0.5"),
        "price_currency": "EUR",
        "amount": Decimal("1.5000"),
        "currency": "EUR",
    }
    return invoice, [line]


def test_company_names_never_become_pdf_markup(tmp_path, monkeypatch):
    # uncompressed page streams, so the test can read the text that was drawn
    monkeypatch.setattr(rl_config, "pageCompression", 0)
    invoice, lines = _invoice(HOSTILE_NAME)
    path = tmp_path / "invoice.pdf"
    render_invoice_pdf(path, invoice, lines)  # an <img> of a missing file used to abort the run
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"/URI" not in pdf and b"/Link" not in pdf  # no clickable link
    assert b"evil.example" in pdf  # the name is printed as text
    assert b"\x07" not in pdf and b"\x1b" not in pdf


def test_company_names_never_become_excel_formulas(tmp_path):
    invoice, lines = _invoice(HOSTILE_NAME)
    path = tmp_path / "report.xlsx"
    usage = [
        {
            "service": "sms",
            **dict.fromkeys(
                (
                    "usage_count",
                    "delivered_count",
                    "usage_quantity",
                    "talk_seconds",
                    "billable_base_quantity",
                    "package_covered_base_quantity",
                    "paid_base_quantity",
                    "unpriced_count",
                ),
                3,
            ),
            "company_amount_exact": Decimal("1.5"),
            "company_currency": "@SUM(A1)",
        }
    ]
    render_company_excel(path, invoice, lines, usage, {"company_id": 1234567, "company_name": HOSTILE_NAME}, "2026-07")
    with zipfile.ZipFile(path) as xlsx:
        sheets = [xlsx.read(name) for name in xlsx.namelist() if name.startswith("xl/worksheets/")]
    assert sheets and not any(b"<f>" in sheet or b"<f " in sheet for sheet in sheets)  # no formula cell
    workbook = load_workbook(path)
    title = workbook["Summary"]["B1"]
    assert title.value.startswith("=HYPERLINK(") and title.data_type == "s" and title.quotePrefix
    assert "\x07" not in title.value
    description = workbook["Invoice lines"]["B2"]
    assert description.data_type == "s" and description.quotePrefix
    assert workbook["Usage by service"]["K2"].value == "@SUM(A1)" and workbook["Usage by service"]["K2"].quotePrefix
