"""A dashboard spec as Superset dashboard YAML: the grid of rows (`position`) and the native filters.

Charts belong to a dashboard only through CHART nodes of `position` whose `meta.uuid` is the
chart's uuid. Chart ids here are local (1..n in reading order); the bundle normalisation renumbers
them by uuid across the whole bundle, as it does for an export.
"""

from __future__ import annotations

from typing import Any

from orchestration.bi.specs.base import Chart, Dashboard, Filter, stable_uuid

# columns of each dataset, by dataset key (schema.table): decides which charts a filter reaches
Columns = dict[str, set[str]]


def in_scope(f: Filter, c: Chart, columns: Columns) -> bool:
    if c.name in f.exclude:
        return False
    if f.kind in ("select", "range"):
        return f.column in columns[c.dataset.key]
    if f.kind in ("time", "grain"):
        return bool(c.dataset.dttm)
    return True


def _selections(f: Filter) -> list[dict]:
    """The query filters of a filter's default (as the filter plugin emits them)."""
    if f.kind == "range":
        low, high = f.default
        return [{"col": f.column, "op": ">=", "val": low}, {"col": f.column, "op": "<=", "val": high}]
    return [{"col": f.column, "op": "IN", "val": list(f.default)}]


def default_filters(d: Dashboard, c: Chart, columns: Columns) -> list[dict]:
    """The default selections of the dashboard's filters that apply to the chart."""
    return [
        selection
        for f in d.filters
        if f.kind in ("select", "range") and f.default and in_scope(f, c, columns)
        for selection in _selections(f)
    ]


def _tabs_in_scope(f: Filter, d: Dashboard, columns: Columns) -> list[str]:
    """The tabs holding a chart the filter reaches (Superset shows the filter as out of scope elsewhere)."""
    return [_tab_id(d, t.title) for t in d.tabs if any(in_scope(f, c, columns) for row in t.rows for c in row)]


def _filter_config(f: Filter, d: Dashboard, chart_ids: dict[str, int], columns: Columns) -> dict:
    excluded = sorted(chart_ids[c.uuid] for c in d.charts if not in_scope(f, c, columns))
    config: dict[str, Any] = {
        "id": "NATIVE_FILTER-" + stable_uuid("filter", f"{d.slug}:{f.name}")[:12],
        "name": f.name,
        "type": "NATIVE_FILTER",
        "description": f.description,
        "cascadeParentIds": [],
        "scope": {"rootPath": ["ROOT_ID"], "excluded": excluded},
        "tabsInScope": _tabs_in_scope(f, d, columns),
        "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}},
        "controlValues": {"enableEmptyFilter": f.required},
    }
    if f.default:
        config["defaultDataMask"] = {
            "extraFormData": {"filters": _selections(f)},
            "filterState": {"label": ", ".join(str(v) for v in f.default), "value": list(f.default)},
            "ownState": {},
        }
    if f.kind == "time":
        config.update(filterType="filter_time", targets=[{}])
        if f.time_range:
            config["defaultDataMask"] = {
                "extraFormData": {"time_range": f.time_range},
                "filterState": {"value": f.time_range},
                "ownState": {},
            }
    elif f.kind == "grain":
        config.update(filterType="filter_timegrain", targets=[{"datasetUuid": f.dataset.uuid}])
    elif f.kind == "range":
        config.update(
            filterType="filter_range",
            targets=[{"datasetUuid": f.dataset.uuid, "column": {"name": f.column}}],
        )
    else:
        config.update(
            filterType="filter_select",
            targets=[{"datasetUuid": f.dataset.uuid, "column": {"name": f.column}}],
        )
        config["controlValues"].update(
            defaultToFirstItem=False, multiSelect=f.multi, searchAllOptions=False, inverseSelection=False
        )
    return config


def _tab_id(d: Dashboard, title: str) -> str:
    return f"TAB-{stable_uuid('tab', f'{d.slug}:{title}')[:10]}"


def _position(d: Dashboard) -> tuple[dict[str, Any], dict[str, int]]:
    """The grid (one ROW node per spec row, one CHART node per chart; tabs as one TABS node with a TAB
    node per tab, holding its rows) and the local chart ids."""
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"children": ["GRID_ID"], "id": "ROOT_ID", "type": "ROOT"},
        "GRID_ID": {"children": [], "id": "GRID_ID", "parents": ["ROOT_ID"], "type": "GRID"},
        "HEADER_ID": {"id": "HEADER_ID", "meta": {"text": d.title}, "type": "HEADER"},
    }
    chart_ids: dict[str, int] = {}
    row_count = 0

    def add_rows(rows: list[list[Chart]], parent: str, parents: list[str]) -> None:
        nonlocal row_count
        for row in rows:
            row_id = f"ROW-{d.slug}-{row_count}"
            row_count += 1
            position[parent]["children"].append(row_id)
            position[row_id] = {
                "children": [],
                "id": row_id,
                "meta": {"background": "BACKGROUND_TRANSPARENT"},
                "parents": [*parents, parent],
                "type": "ROW",
            }
            for c in row:
                chart_ids[c.uuid] = len(chart_ids) + 1
                node_id = f"CHART-{c.uuid[:10]}"
                position[row_id]["children"].append(node_id)
                position[node_id] = {
                    "children": [],
                    "id": node_id,
                    "parents": [*parents, parent, row_id],
                    "type": "CHART",
                    "meta": {
                        "chartId": chart_ids[c.uuid],
                        "height": c.height,
                        "width": c.width,
                        "sliceName": c.name,
                        "uuid": c.uuid,
                    },
                }

    add_rows(d.rows, "GRID_ID", ["ROOT_ID"])
    if d.tabs:
        tabs_id = f"TABS-{d.slug}"
        position["GRID_ID"]["children"].append(tabs_id)
        position[tabs_id] = {"children": [], "id": tabs_id, "parents": ["ROOT_ID", "GRID_ID"], "type": "TABS"}
        for tab in d.tabs:
            tab_id = _tab_id(d, tab.title)
            position[tabs_id]["children"].append(tab_id)
            position[tab_id] = {
                "children": [],
                "id": tab_id,
                "meta": {"defaultText": "Tab title", "placeholder": "Tab title", "text": tab.title},
                "parents": ["ROOT_ID", "GRID_ID", tabs_id],
                "type": "TAB",
            }
            add_rows(tab.rows, tab_id, ["ROOT_ID", "GRID_ID", tabs_id])
    return position, chart_ids


def dashboard_yaml(d: Dashboard, columns: Columns) -> dict:
    position, chart_ids = _position(d)
    metadata = {
        "color_scheme": "supersetColors",
        "cross_filters_enabled": False,
        "refresh_frequency": 0,
        "expanded_slices": {},
        "label_colors": {},
        "shared_label_colors": [],
        "map_label_colors": {},
        "color_scheme_domain": [],
        "timed_refresh_immune_slices": [],
        "chart_configuration": {},
        "global_chart_configuration": {"scope": {"rootPath": ["ROOT_ID"], "excluded": []}},
        "native_filter_configuration": [_filter_config(f, d, chart_ids, columns) for f in d.filters],
    }
    return {
        "dashboard_title": d.title,
        "description": None,
        "css": "",
        "slug": d.slug,
        "certified_by": "",
        "certification_details": "",
        "published": True,
        "theme_uuid": None,
        "uuid": d.uuid,
        "position": position,
        "metadata": metadata,
        "version": "1.0.0",
    }
