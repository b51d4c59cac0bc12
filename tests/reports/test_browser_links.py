"""A reseller in a real browser (Debian chromium) downloads through the dashboards' link columns."""

from __future__ import annotations

import re

import pytest

from tests.bi.test_browser import ARGS, CHROMIUM
from tests.reports.conftest import reseller_password

LINKS_JS = "els => els.map(e => [e.getAttribute('href'), e.textContent])"


@pytest.fixture(scope="module")
def reseller_page(superset_url, superset_home):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1600, "height": 1100}).new_page()
        html = page.request.get(f"{superset_url}/login/").text()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
            r'"csrf_token":\s*"([^"]+)"', html
        )
        form = {"username": "reseller_1", "password": reseller_password(superset_home, 1), "csrf_token": token.group(1)}
        assert page.request.post(f"{superset_url}/login/", form=form).ok
        yield page
        browser.close()


def _links(page, url: str, prefix: str) -> dict[str, str]:
    page.goto(url)
    page.locator(f'a[href^="{prefix}"]').first.wait_for(timeout=180_000)
    return dict(page.eval_on_selector_all(f'a[href^="{prefix}"]', LINKS_JS))


def test_invoice_links_on_the_dashboard_download(reseller_page, superset_url, documents):
    links = _links(reseller_page, f"{superset_url}/superset/dashboard/invoices/?standalone=true", "/cpaas/documents/")
    # row-level security: reseller 1 sees its two invoices (one final, one draft), not reseller 4's
    assert links == {
        "/cpaas/documents/invoice/INV-2024-01-000002": "PDF",
        "/cpaas/documents/invoice/INV-2024-01-000003": "PDF (draft)",
        "/cpaas/documents/monthly/INV-2024-01-000002": "Excel 2024-01",
        "/cpaas/documents/monthly/INV-2024-01-000003": "Excel 2024-01",
    }
    for href in links:
        resp = reseller_page.request.get(superset_url + href)
        assert resp.status == 200, href
        assert resp.body()[:4] in (b"%PDF", b"PK\x03\x04")
    # a company name with markup is shown, never run, although the table renders HTML for its links
    assert reseller_page.evaluate("() => window.__xss") is None


def test_report_links_on_the_reports_dashboard_download(reseller_page, superset_url):
    links = _links(reseller_page, f"{superset_url}/superset/dashboard/reports/?standalone=true", "/cpaas/reports/")
    assert links and set(links.values()) == {"Download"}
    for href in links:
        resp = reseller_page.request.get(superset_url + href)
        assert resp.status == 200 and resp.body()[:4] == b"PK\x03\x04", href
