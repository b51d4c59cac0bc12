"""Superset YAML bundles as code: zip `dashboards/` for the import API, normalise exports back.

The committed bundle is Superset's own export format, unzipped, with three normalisations so that
export -> import -> export gives the same files on any machine and any metadata database:

* the database URI is the placeholder ``duckdb:///${SERVING_WAREHOUSE_PATH}``, rendered at import time;
* numeric ids (chart ids, dataset ids in ``datasource``) are replaced by stable ones (charts are
  numbered by uuid order; the importer rewrites every id anyway);
* file names are derived from titles/uuids, keys are sorted, volatile fields (export timestamp)
  are dropped, and ``query_context`` is stored as indented JSON so that diffs stay readable.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import yaml

from orchestration import settings

BUNDLE_DIR = settings.PROJECT_DIR / "dashboards"
URI_PLACEHOLDER = "${SERVING_WAREHOUSE_PATH}"
# The report registry, Superset's second database (docs/reports.md): its own path placeholder.
REPORTS_DATABASE_NAME = "CPaaS reports"
REGISTRY_PLACEHOLDER = "${REPORTS_REGISTRY_PATH}"
ASSET_DIRS = ("databases", "datasets", "charts", "dashboards", "themes")


# --- YAML -------------------------------------------------------------------------------------


# libyaml when present: the same text (checked on every committed file), several times faster
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Dumper(_SafeDumper):
    pass


def _str_presenter(dumper: yaml.BaseDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        data = "\n".join(line.rstrip() for line in data.splitlines())
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_presenter)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=True, allow_unicode=True, width=100)


# --- import side ------------------------------------------------------------------------------


def render_database_uri(text: str, serving_path: Path | str) -> str:
    if REGISTRY_PLACEHOLDER in text:
        from orchestration.reports.store import ensure_registry

        text = text.replace(REGISTRY_PLACEHOLDER, str(ensure_registry().resolve()))
    return text.replace(URI_PLACEHOLDER, str(Path(serving_path).resolve()))


def zip_bundle(bundle_dir: Path | str = BUNDLE_DIR, serving_path: Path | str | None = None) -> bytes:
    """Zip the unzipped bundle under one root folder (required by the v1 importer), URI rendered."""
    bundle_dir = Path(bundle_dir)
    serving_path = serving_path or settings.SERVING_WAREHOUSE_PATH
    if not (bundle_dir / "metadata.yaml").exists():
        raise FileNotFoundError(f"{bundle_dir}/metadata.yaml missing: not a Superset bundle")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(bundle_dir.rglob("*.yaml")):
            rel = path.relative_to(bundle_dir).as_posix()
            text = path.read_text()
            if rel.startswith("databases/"):
                text = render_database_uri(text, serving_path)
            zf.writestr(f"bundle/{rel}", text)
    return buf.getvalue()


def bundle_uuids(bundle_dir: Path | str = BUNDLE_DIR, kind: str = "dashboards") -> list[str]:
    return [yaml.safe_load(p.read_text())["uuid"] for p in sorted((Path(bundle_dir) / kind).glob("*.yaml"))]


# --- export side ------------------------------------------------------------------------------


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "untitled"


def _read_zip(content: bytes) -> dict[str, dict]:
    """{relative path without the root folder: parsed YAML}."""
    out: dict[str, dict] = {}
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for name in zf.namelist():
            if not name.endswith(".yaml"):
                continue
            rel = name.split("/", 1)[1] if "/" in name else name
            out[rel] = yaml.load(zf.read(name), Loader=_SafeLoader)
    return out


def _normalise_query_context(text: str | None) -> str | None:
    if not text:
        return None
    try:
        qc = json.loads(text)
    except json.JSONDecodeError:
        return None
    qc["datasource"] = {"id": 0, "type": qc.get("datasource", {}).get("type", "table")}
    for query in qc.get("queries", []):
        if "datasource" in query:
            query["datasource"] = qc["datasource"]
    form_data = qc.get("form_data") or {}
    if "datasource" in form_data:
        form_data["datasource"] = "0__table"
    for key in ("slice_id", "dashboardId", "dashboards"):
        form_data.pop(key, None)
    return json.dumps(qc, indent=2, sort_keys=True)


def _remap_chart_ids(obj: Any, id_map: dict[int, int]) -> Any:
    """Replace chart ids in the dashboard metadata keys known to hold them."""
    list_keys = {"excluded", "chartsInScope", "immune", "timed_refresh_immune_slices"}
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            new_key = key
            if isinstance(key, str) and key.isdigit() and int(key) in id_map:
                new_key = str(id_map[int(key)])
            if key in list_keys and isinstance(value, list):
                # ids of charts that are not on this dashboard are stale (the importer does not
                # remap chartsInScope): drop them, the frontend recomputes scopes on load
                value = sorted(id_map[v] for v in value if isinstance(v, int) and v in id_map)
            elif key in ("id", "chartId") and isinstance(value, int) and value in id_map:
                value = id_map[value]
            else:
                value = _remap_chart_ids(value, id_map)
            out[new_key] = value
        return out
    if isinstance(obj, list):
        return [_remap_chart_ids(v, id_map) for v in obj]
    return obj


def normalise_export(content: bytes) -> dict[str, str]:
    """Turn an export ZIP into {relative path: YAML text} in the committed, stable form."""
    files = _read_zip(content)
    out: dict[str, str] = {}
    db_names: dict[str, str] = {}
    for rel, data in files.items():
        if rel.startswith("databases/"):
            registry = data["database_name"] == REPORTS_DATABASE_NAME
            data["sqlalchemy_uri"] = "duckdb:///" + (REGISTRY_PLACEHOLDER if registry else URI_PLACEHOLDER)
            db_names[data["uuid"]] = slugify(data["database_name"])
            out[f"databases/{slugify(data['database_name'])}.yaml"] = dump_yaml(data)
    chart_uuids = sorted(d["uuid"] for rel, d in files.items() if rel.startswith("charts/"))
    chart_number = {u: i + 1 for i, u in enumerate(chart_uuids)}
    for rel, data in files.items():
        if rel == "metadata.yaml":
            out[rel] = dump_yaml({"type": "assets", "version": data.get("version", "1.0.0")})
        elif rel.startswith("datasets/"):
            for key in ("columns", "metrics"):
                name_key = "column_name" if key == "columns" else "metric_name"
                data[key] = sorted(data.get(key) or [], key=lambda c, k=name_key: c[k])
            db = db_names.get(data["database_uuid"], "database")
            schema = data.get("schema") or "main"
            out[f"datasets/{db}/{schema}.{data['table_name']}.yaml"] = dump_yaml(data)
        elif rel.startswith("charts/"):
            params = data.get("params") or {}
            params.pop("dashboards", None)
            params.pop("slice_id", None)
            if "datasource" in params:
                params["datasource"] = "0__table"
            data["params"] = params
            data["query_context"] = _normalise_query_context(data.get("query_context"))
            name = f"charts/{slugify(data['slice_name'])}_{data['uuid'][:8]}.yaml"
            out[name] = dump_yaml(data)
        elif rel.startswith("dashboards/"):
            position = data.get("position") or {}
            id_map: dict[int, int] = {}
            for node in position.values():
                if isinstance(node, dict) and node.get("type") == "CHART":
                    meta = node["meta"]
                    if meta.get("uuid") in chart_number and isinstance(meta.get("chartId"), int):
                        id_map[meta["chartId"]] = chart_number[meta["uuid"]]
            data["position"] = _remap_chart_ids(position, id_map)
            metadata = _remap_chart_ids(data.get("metadata") or {}, id_map)
            # chartsInScope is derived data the importer does not remap: drop it, the frontend
            # recomputes it from scope.rootPath/excluded when the dashboard loads
            for config in [
                *metadata.get("native_filter_configuration", []),
                metadata.get("global_chart_configuration") or {},
                *(metadata.get("chart_configuration") or {}).values(),
            ]:
                config.pop("chartsInScope", None)
                (config.get("crossFilters") or {}).pop("chartsInScope", None)
            # colours the frontend writes back when a dashboard is opened (derived from the scheme and
            # the data it showed): not an edit, so not part of the dashboard's definition
            metadata["color_scheme_domain"] = []
            metadata["shared_label_colors"] = []
            data["metadata"] = metadata
            key = data.get("slug") or slugify(data["dashboard_title"])
            out[f"dashboards/{key}.yaml"] = dump_yaml(data)
        elif rel.startswith("themes/"):
            out[f"themes/{slugify(data.get('theme_name', 'theme'))}_{data['uuid'][:8]}.yaml"] = dump_yaml(data)
    return out


def write_bundle(files: dict[str, str], bundle_dir: Path | str = BUNDLE_DIR) -> None:
    """Replace the asset folders of bundle_dir by `files` (removed charts disappear)."""
    bundle_dir = Path(bundle_dir)
    bundle_dir.mkdir(parents=True, exist_ok=True)
    for sub in ASSET_DIRS:
        shutil.rmtree(bundle_dir / sub, ignore_errors=True)
    for rel, text in sorted(files.items()):
        path = bundle_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def read_bundle(bundle_dir: Path | str = BUNDLE_DIR) -> dict[str, str]:
    bundle_dir = Path(bundle_dir)
    return {
        p.relative_to(bundle_dir).as_posix(): p.read_text()
        for p in sorted(bundle_dir.rglob("*.yaml"))
        if p.relative_to(bundle_dir).parts[0] in (*ASSET_DIRS, "metadata.yaml")
    }
