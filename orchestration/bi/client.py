"""A small REST client for Superset: JWT login + CSRF token, as every POST needs both."""

from __future__ import annotations

import time
from typing import Any

import requests


class SupersetError(RuntimeError):
    pass


class SupersetClient:
    def __init__(self, url: str, username: str, password: str, timeout: float = 120.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._login = (username, password)
        self._log_in()

    def _log_in(self) -> None:
        username, password = self._login
        timeout = self.timeout
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", "Referer": self.url + "/"})
        deadline = time.monotonic() + 120
        while True:
            resp = self.session.post(
                f"{self.url}/api/v1/security/login",
                json={"username": username, "password": password, "provider": "db", "refresh": False},
                timeout=timeout,
            )
            # the login is rate limited per client address: wait for the window like any polite client
            if resp.status_code != 429 or time.monotonic() > deadline:
                break
            retry_after = resp.headers.get("Retry-After", "")
            time.sleep(min(float(retry_after), 60) if retry_after.isdigit() else 10)
        if resp.status_code != 200:
            raise SupersetError(f"login as {username!r} failed: HTTP {resp.status_code} {resp.text[:300]}")
        self.session.headers["Authorization"] = f"Bearer {resp.json()['access_token']}"
        csrf = self.session.get(f"{self.url}/api/v1/security/csrf_token/", timeout=timeout)
        self._check(csrf, "csrf token")
        self.session.headers["X-CSRFToken"] = csrf.json()["result"]

    @staticmethod
    def _check(resp: requests.Response, what: str) -> requests.Response:
        if resp.status_code >= 400:
            raise SupersetError(f"{what}: HTTP {resp.status_code} {resp.text[:1000]}")
        return resp

    def _request(self, method: str, path: str, **kw: Any) -> requests.Response:
        resp = self.session.request(method, f"{self.url}{path}", timeout=self.timeout, **kw)
        if resp.status_code == 401 and "expired" in resp.text.lower():  # access tokens live 15 minutes
            self._log_in()
            resp = self.session.request(method, f"{self.url}{path}", timeout=self.timeout, **kw)
        return resp

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self._request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self._request("POST", path, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self._request("DELETE", path, **kw)

    def get_json(self, path: str, **kw: Any) -> Any:
        return self._check(self.get(path, **kw), f"GET {path}").json()

    def list_all(self, resource: str, columns: list[str] | None = None) -> list[dict]:
        """Every row of /api/v1/<resource>/ (paged)."""
        rows: list[dict] = []
        page = 0
        while True:
            q: dict[str, Any] = {"page": page, "page_size": 100}
            if columns:
                q["columns"] = columns
            data = self.get_json(f"/api/v1/{resource}/", params={"q": _rison(q)})
            rows.extend(data["result"])
            if len(rows) >= data["count"] or not data["result"]:
                return rows
            page += 1

    def import_assets(self, bundle_zip: bytes, passwords: dict[str, str] | None = None) -> None:
        import json

        data = {"overwrite": "true"}
        if passwords:
            data["passwords"] = json.dumps(passwords)
        resp = self.post(
            "/api/v1/assets/import/",
            files={"bundle": ("bundle.zip", bundle_zip, "application/zip")},
            data=data,
        )
        self._check(resp, "assets import")

    def export_dashboards(self, ids: list[int]) -> bytes:
        resp = self.get("/api/v1/dashboard/export/", params={"q": _rison(ids)})
        self._check(resp, "dashboard export")
        return resp.content

    def chart_data(self, chart_id: int) -> dict:
        return self._check(self.get(f"/api/v1/chart/{chart_id}/data/"), f"chart {chart_id} data").json()


def _rison(value: Any) -> str:
    """Minimal rison encoder (lists, dicts, ints, strings) for Superset's `q` parameter."""
    if isinstance(value, bool):
        return "!t" if value else "!f"
    if value is None:
        return "!n"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        if value and all(c.isalnum() or c in "-_./~" for c in value) and not value[0].isdigit():
            return value
        return "'" + value.replace("!", "!!").replace("'", "!'") + "'"
    if isinstance(value, list | tuple):
        return "!(" + ",".join(_rison(v) for v in value) + ")"
    if isinstance(value, dict):
        return "(" + ",".join(f"{_rison(k)}:{_rison(v)}" for k, v in value.items()) + ")"
    raise TypeError(f"cannot rison-encode {type(value)}")
