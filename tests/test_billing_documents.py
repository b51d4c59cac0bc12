"""Money on invoice documents is shown at the currency's minor unit, exactly as stored (docs/billing.md)."""

from decimal import Decimal

from orchestration.billing.documents import _money


def test_money_uses_the_currency_minor_unit():
    # 3-decimal currencies: the invoice line is rounded to 0.019 KWD, the PDF must not show 0.02
    assert _money(Decimal("0.0190"), "KWD") == "0.019 KWD"
    assert _money(Decimal("1234.5670"), "BHD") == "1,234.567 BHD"
    # 0-decimal currencies (same list as macro billing_minor_units)
    assert _money(Decimal("101.0000"), "JPY") == "101 JPY"
    assert _money(Decimal("5000.0000"), "VND") == "5,000 VND"
    assert _money(Decimal("0.1300"), "USD") == "0.13 USD"
    assert _money(Decimal("-2.5000"), "EUR") == "-2.50 EUR"


def test_money_without_a_value_is_zero():
    assert _money(None, "JPY") == "0 JPY"
    assert _money(None, "USD") == "0.00 USD"
