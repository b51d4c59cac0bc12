"""Charts are code, against a real Superset: an export never writes dashboards/, a UI edit is named
with the spec module to move it into, and the generated bundle round-trips through import/export."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

from orchestration.bi import bundle, cli


def _export(superset_url: str, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(["--url", superset_url, "export", *args])
    return code, out.getvalue()


def test_export_of_the_imported_specs_finds_no_ui_edit(superset_url):
    code, text = _export(superset_url)
    assert code == 0, text
    assert "no UI edit" in text


def test_export_refuses_to_write_dashboards(superset_url):
    before = bundle.read_bundle()
    code, text = _export(superset_url, "--into", str(bundle.BUNDLE_DIR))
    assert code == 2 and "refused" in text
    assert bundle.read_bundle() == before


def test_ui_edit_is_named_with_its_spec_and_not_written(superset_url, admin, serving_path, tmp_path):
    before = bundle.read_bundle()
    chart = next(c for c in admin.list_all("chart", ["id", "slice_name"]) if c["slice_name"] == "Calls by direction")
    params = json.loads(admin.get_json(f"/api/v1/chart/{chart['id']}")["result"]["params"])
    params["donut"] = False
    resp = admin.session.put(f"{admin.url}/api/v1/chart/{chart['id']}", json={"params": json.dumps(params)})
    assert resp.status_code == 200, resp.text
    try:
        code, text = _export(superset_url, "--into", str(tmp_path))
        assert code == 1, text
        assert "(changed): orchestration/bi/specs/telephony.py" in text
        assert "-  donut: true\n+  donut: false" in text
        assert bundle.read_bundle() == before  # dashboards/ untouched
        exported = bundle.read_bundle(tmp_path)  # the export is kept where asked, for reading
        assert any("donut: false" in t for rel, t in exported.items() if rel.startswith("charts/calls_by_direction"))
    finally:
        cli.import_bundle(superset_url, bundle.BUNDLE_DIR, serving_path)  # overwrite: the UI edit is gone
    assert _export(superset_url)[0] == 0
