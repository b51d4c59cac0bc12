"""Invoice PDFs and monthly Excel reports downloaded from Superset under the dashboards' access rules."""

from __future__ import annotations

import requests

from tests.reports.conftest import browser_login

PDF = "/cpaas/documents/invoice/"
EXCEL = "/cpaas/documents/monthly/"


def _get(session: requests.Session, url: str) -> requests.Response:
    return session.get(url, timeout=60, allow_redirects=False)


def test_admin_downloads_every_invoice_and_report(superset_url, documents, as_admin):
    final = _get(as_admin, f"{superset_url}{PDF}INV-2024-01-000005")
    assert final.status_code == 200, final.text[:300]
    assert final.content.startswith(b"%PDF")
    assert "INV-2024-01-000005.pdf" in final.headers["Content-Disposition"]
    draft = _get(as_admin, f"{superset_url}{PDF}INV-2024-01-000003")
    assert draft.status_code == 200
    assert "INV-2024-01-000003-DRAFT.pdf" in draft.headers["Content-Disposition"]  # drafts are marked
    excel = _get(as_admin, f"{superset_url}{EXCEL}INV-2024-01-000002")
    assert excel.status_code == 200
    assert excel.content.startswith(b"PK")  # an xlsx is a zip
    assert (documents / "reports" / "2024-01" / "company-000002-2024-01.xlsx").read_bytes() == excel.content


def test_reseller_downloads_only_its_own(superset_url, documents, as_reseller):
    alpha = as_reseller(1)
    assert _get(alpha, f"{superset_url}{PDF}INV-2024-01-000002").status_code == 200
    assert _get(alpha, f"{superset_url}{EXCEL}INV-2024-01-000003").status_code == 200
    assert _get(alpha, f"{superset_url}{PDF}INV-2024-01-000005").status_code == 403  # Beta's invoice
    assert _get(alpha, f"{superset_url}{EXCEL}INV-2024-01-000005").status_code == 403
    beta = as_reseller(4)
    assert _get(beta, f"{superset_url}{PDF}INV-2024-01-000005").status_code == 200
    assert _get(beta, f"{superset_url}{PDF}INV-2024-01-000002").status_code == 403


def test_anonymous_downloads_nothing(superset_url, documents):
    anonymous = requests.Session()
    for path in (f"{PDF}INV-2024-01-000002", f"{EXCEL}INV-2024-01-000002"):
        assert _get(anonymous, superset_url + path).status_code == 401


def test_path_traversal_is_refused(superset_url, documents, as_admin):
    (documents / "secret.pdf").write_bytes(b"%PDF not an invoice")
    for path in (
        f"{PDF}..%2Fsecret",
        f"{PDF}..%2F..%2Fsecret",
        f"{PDF}INV-2024-01-000002%2F..%2F..%2F..%2Fsecret",
        f"{PDF}%2E%2E",
        f"{EXCEL}INV-2024-01-000002.xlsx",
        "/cpaas/reports/..%2F..%2Fregistry.jsonl",
    ):
        resp = _get(as_admin, superset_url + path)
        assert resp.status_code == 404, (path, resp.status_code)
        assert b"not an invoice" not in resp.content


def test_unknown_invoice_is_not_found(superset_url, documents, as_admin):
    assert _get(as_admin, f"{superset_url}{PDF}INV-2024-01-999999").status_code == 404


def test_a_user_without_a_reseller_role_downloads_nothing(superset_url, documents, admin):
    roles = admin.get_json("/api/v1/security/roles/", params={"q": "(page_size:100)"})["result"]
    gamma = next(r["id"] for r in roles if r["name"] == "Gamma")
    user = {
        "first_name": "Plain",
        "last_name": "Viewer",
        "username": "plain_viewer",
        "email": "plain_viewer@localhost",
        "active": True,
        "password": "Plain-viewer-password-1",
        "roles": [gamma],
    }
    created = admin.post("/api/v1/security/users/", json=user)
    assert created.status_code == 201, created.text[:300]
    viewer = browser_login(superset_url, "plain_viewer", "Plain-viewer-password-1")
    assert _get(viewer, f"{superset_url}{PDF}INV-2024-01-000002").status_code == 403
