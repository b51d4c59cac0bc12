"""A real browser (Debian chromium, headless) opens every dashboard; screenshots are test artifacts."""

from __future__ import annotations

import re
import shutil
import time

import pytest
import yaml

from orchestration import settings
from orchestration.bi import bundle, server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = settings.PROJECT_DIR / "test-artifacts" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# chart bodies that actually drew something (not only the chart frame with its header)
# (visible ones only: the charts of the open tab)
RENDERED_JS = """() => Array.from(document.querySelectorAll('[data-test="slice-container"]'))
    .filter(c => c.offsetParent !== null && c.querySelector('canvas, svg, table, .header-line')).length"""


def _dashboards() -> list[dict]:
    return [yaml.safe_load(text) for rel, text in bundle.read_bundle().items() if rel.startswith("dashboards/")]


def _chart_groups(dashboard: dict) -> list[tuple[str | None, int]]:
    """(tab title, number of charts) per tab in order; (None, all charts) for a dashboard without tabs.
    Superset draws only the charts of the open tab."""
    position = dashboard["position"]

    def count(node_id: str) -> int:
        node = position[node_id]
        return (node["type"] == "CHART") + sum(count(child) for child in node.get("children", []))

    tabs = [n for n in position.values() if isinstance(n, dict) and n.get("type") == "TAB"]
    if not tabs:
        return [(None, count("GRID_ID"))]
    return [(t["meta"]["text"], count(t["id"])) for t in tabs]


@pytest.fixture(scope="module")
def page(superset_url):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium") and not __import__("os").path.exists(CHROMIUM):
        pytest.skip("chromium not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1600, "height": 1100})
        page = context.new_page()
        html = page.request.get(f"{superset_url}/login/").text()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
            r'"csrf_token":\s*"([^"]+)"', html
        )
        assert token, "no csrf token on the login page"
        user, password = server.admin_credentials()
        resp = page.request.post(
            f"{superset_url}/login/",
            form={"username": user, "password": password, "csrf_token": token.group(1)},
        )
        assert resp.ok
        yield page
        browser.close()


@pytest.mark.parametrize("dashboard", _dashboards(), ids=lambda d: d["slug"])
def test_dashboard_renders(page, superset_url, dashboard):
    n_charts = sum(1 for n in dashboard["position"].values() if isinstance(n, dict) and n.get("type") == "CHART")
    failures: list[str] = []
    answered: list[int] = []

    def on_response(response):
        if "/api/v1/chart/data" not in response.url:
            return
        answered.append(response.status)
        if response.status >= 400:
            failures.append(f"{response.status} {response.text()[:300]}")
            return
        try:
            for result in response.json().get("result", []):
                if result.get("error") or result.get("status") == "failed":
                    failures.append(str(result.get("error")))
        except Exception:  # noqa: BLE001 - CSV/binary answers
            pass

    page.on("response", on_response)
    rendered_total = 0
    try:
        page.goto(f"{superset_url}/superset/dashboard/{dashboard['slug']}/?standalone=true")
        page.wait_for_selector('[data-test="grid-container"], .grid-container', timeout=60_000)
        expected_answers = 0
        for number, (tab, n_tab) in enumerate(_chart_groups(dashboard)):
            if tab is not None:
                page.get_by_role("tab", name=tab).click()
            expected_answers += n_tab
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                loading = page.locator('[data-test="loading-indicator"], .loading').count()
                rendered = page.evaluate(RENDERED_JS)
                if len(answered) >= expected_answers and loading == 0 and rendered >= n_tab:
                    break
                page.wait_for_timeout(500)
            page.wait_for_timeout(1500)  # let echarts finish its animation for the screenshot
            rendered_total += page.evaluate(RENDERED_JS)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = dashboard["slug"] if number == 0 else f"{dashboard['slug']}-{number + 1}"
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        errors = page.locator(".ant-alert-error, [role='alert'].alert-danger").all_inner_texts()
    finally:
        page.remove_listener("response", on_response)
    assert not failures, failures
    assert not errors, errors
    assert len(answered) >= n_charts, f"{len(answered)} of {n_charts} charts queried"
    assert rendered_total >= n_charts, f"{rendered_total} of {n_charts} charts drawn (blank dashboard?)"
