"""Bootstrap dashboards from a compact spec (used once per new dashboard, then the export is the truth).

`python -m orchestration.bi scaffold --warehouse FILE` introspects the marts in FILE, writes a raw
bundle (datasets with their real columns, charts with params AND a saved query_context so that
`/api/v1/chart/{id}/data/` works, dashboards with a grid layout and native filters) into a folder.
The CLI then imports it and exports it back into `dashboards/`, which normalises it. After that,
BI users edit in the UI and `export`; this module is only a starting point for new areas.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from orchestration.bi.bundle import URI_PLACEHOLDER, dump_yaml

NAMESPACE = uuid.UUID("6f1b1a3e-2c53-4e51-9d6a-1c0ffee0b1a1")
DATABASE_NAME = "CPaaS warehouse"
DATABASE_UUID = str(uuid.uuid5(NAMESPACE, "database:warehouse"))
TEMPORAL_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS", "TIMESTAMP_MS")
NUMERIC_PREFIXES = ("INT", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "DOUBLE", "FLOAT", "DECIMAL", "UBIGINT")


def _uuid(kind: str, name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{name}"))


@dataclass
class Dataset:
    schema: str
    table: str
    dttm: str | None
    metrics: dict[str, str]  # metric_name -> SQL expression
    formats: dict[str, str] = field(default_factory=dict)  # metric_name -> d3 format

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def uuid(self) -> str:
        return _uuid("dataset", self.key)


@dataclass
class Chart:
    name: str
    viz: str  # big_number_total, line, bar, pie, table, heatmap, funnel, pivot
    dataset: Dataset
    metrics: list[str]
    groupby: list[str] = field(default_factory=list)
    x: str | None = None  # time column for line/bar, x column for heatmap
    width: int = 4
    height: int = 50
    extra: dict[str, Any] = field(default_factory=dict)
    grain: str = "P1D"
    columns: list[str] = field(default_factory=list)  # raw table: the columns shown, in order
    order_by: list[tuple[str, bool]] = field(default_factory=list)  # raw table: (column, ascending)

    @property
    def uuid(self) -> str:
        return _uuid("chart", f"{self.dataset.key}:{self.name}")


@dataclass
class Filter:
    name: str
    kind: str  # time, grain, select
    column: str | None = None
    dataset: Dataset | None = None
    default: list[Any] | None = None  # default selection (select filters)
    multi: bool = True
    required: bool = False
    exclude: tuple[str, ...] = ()  # chart names out of the filter's scope


@dataclass
class Dashboard:
    title: str
    slug: str
    rows: list[list[Chart]]
    filters: list[Filter]

    @property
    def uuid(self) -> str:
        return _uuid("dashboard", self.slug)


# --- datasets ---------------------------------------------------------------------------------


def _columns(con: duckdb.DuckDBPyConnection, ds: Dataset) -> list[dict]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [ds.schema, ds.table],
    ).fetchall()
    if not rows:
        raise LookupError(f"{ds.key} not found in the warehouse")
    cols = []
    for name, dtype in rows:
        is_dttm = dtype.upper() in TEMPORAL_TYPES or dtype.upper().startswith("TIMESTAMP")
        numeric = dtype.upper().startswith(NUMERIC_PREFIXES)
        cols.append(
            {
                "column_name": name,
                "type": dtype,
                "is_dttm": is_dttm,
                "groupby": not numeric or name.endswith("_id") or name == "hour_of_day",
                "filterable": True,
                "is_active": True,
                "verbose_name": None,
                "description": None,
                "expression": None,
                "python_date_format": None,
                "extra": {},
            }
        )
    return cols


def dataset_yaml(con: duckdb.DuckDBPyConnection, ds: Dataset) -> dict:
    return {
        "table_name": ds.table,
        "schema": ds.schema,
        "catalog": None,
        "uuid": ds.uuid,
        "database_uuid": DATABASE_UUID,
        "main_dttm_col": ds.dttm,
        "sql": None,
        "description": f"Mart {ds.key} (documented in models/marts).",
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        "extra": None,
        "normalize_columns": False,
        "always_filter_main_dttm": False,
        "template_params": None,
        "version": "1.0.0",
        "columns": _columns(con, ds),
        "metrics": [
            {
                "metric_name": name,
                "expression": expr,
                "verbose_name": name.replace("_", " ").capitalize(),
                "metric_type": None,
                "description": None,
                "d3format": ds.formats.get(name),
                "currency": None,
                "warning_text": None,
                "extra": {},
            }
            for name, expr in ds.metrics.items()
        ],
    }


# --- charts -----------------------------------------------------------------------------------

VIZ = {
    "big_number": "big_number_total",
    "line": "echarts_timeseries_line",
    "bar": "echarts_timeseries_bar",
    "pie": "pie",
    "table": "table",
    "heatmap": "heatmap_v2",
    "funnel": "funnel",
    "pivot": "pivot_table_v2",
    "cat_bar": "echarts_timeseries_bar",
    "raw": "table",
}


def _time_filter(ds: Dataset) -> list[dict]:
    if not ds.dttm:
        return []
    return [
        {
            "clause": "WHERE",
            "comparator": "No filter",
            "expressionType": "SIMPLE",
            "operator": "TEMPORAL_RANGE",
            "subject": ds.dttm,
        }
    ]


def chart_params(c: Chart) -> dict:
    viz = VIZ[c.viz]
    p: dict[str, Any] = {
        "viz_type": viz,
        "datasource": "0__table",
        "adhoc_filters": _time_filter(c.dataset),
        "extra_form_data": {},
        "row_limit": 10000,
        "color_scheme": "supersetColors",
    }
    if c.viz == "big_number":
        p.update(
            metric=c.metrics[0],
            y_axis_format="SMART_NUMBER",
            header_font_size=0.4,
            subheader_font_size=0.15,
            time_format="smart_date",
        )
    elif c.viz in ("line", "bar"):
        p.update(
            x_axis=c.x or c.dataset.dttm,
            time_grain_sqla=c.grain,
            metrics=c.metrics,
            groupby=c.groupby,
            order_desc=True,
            show_legend=True,
            legendType="scroll",
            legendOrientation="top",
            rich_tooltip=True,
            x_axis_time_format="smart_date",
            y_axis_format="SMART_NUMBER",
            truncate_metric=True,
            show_empty_columns=True,
            comparison_type="values",
            x_axis_sort_asc=True,
            x_axis_sort_series="name",
            x_axis_sort_series_ascending=True,
            only_total=True,
            stack=c.viz == "bar" and bool(c.groupby) and None or None,
        )
        if c.viz == "bar" and c.groupby:
            p["stack"] = "Stack"
        if c.viz == "line":
            p["seriesType"] = "line"
    elif c.viz == "cat_bar":
        p.update(
            x_axis=c.x,
            metrics=c.metrics,
            groupby=c.groupby,
            order_desc=True,
            show_legend=True,
            y_axis_format="SMART_NUMBER",
            x_axis_sort_asc=True,
            x_axis_sort_series="name",
            x_axis_sort_series_ascending=True,
            only_total=True,
        )
    elif c.viz in ("pie", "funnel"):
        p.update(
            metric=c.metrics[0],
            groupby=c.groupby,
            show_legend=True,
            show_labels=True,
            sort_by_metric=True,
            number_format="SMART_NUMBER",
        )
        if c.viz == "pie":
            p.update(label_type="key_percent", donut=True, innerRadius=40, outerRadius=70)
        else:
            p.update(percent_calculation_type="first_step", tooltip_label_type=5, row_limit=20)
    elif c.viz == "heatmap":
        p.update(
            x_axis=c.x,
            groupby=c.groupby[0],
            metric=c.metrics[0],
            linear_color_scheme="blue_white_yellow",
            normalize_across="heatmap",
            show_legend=True,
            show_values=True,
            sort_x_axis="alpha_asc",
            sort_y_axis="alpha_asc",
            legend_type="continuous",
            xscale_interval=-1,
            yscale_interval=-1,
            y_axis_format="SMART_NUMBER",
            value_bounds=[None, None],
            left_margin="auto",
            bottom_margin="auto",
        )
        if c.x and c.x == c.dataset.dttm:
            p["time_grain_sqla"] = c.grain
    elif c.viz == "table":
        p.update(
            query_mode="aggregate",
            groupby=c.groupby,
            metrics=c.metrics,
            all_columns=[],
            percent_metrics=[],
            order_desc=True,
            table_timestamp_format="smart_date",
            server_pagination=False,
            page_length=25,
            include_search=True,
            show_cell_bars=False,
            allow_render_html=False,
            temporal_columns_lookup={c.dataset.dttm: True} if c.dataset.dttm else {},
        )
        if c.metrics:
            p["timeseries_limit_metric"] = c.metrics[0]
    elif c.viz == "raw":
        p.update(
            query_mode="raw",
            all_columns=c.columns,
            order_by_cols=[json.dumps([col, asc]) for col, asc in c.order_by],
            groupby=[],
            metrics=[],
            percent_metrics=[],
            order_desc=True,
            table_timestamp_format="smart_date",
            server_pagination=False,
            page_length=25,
            include_search=True,
            show_cell_bars=False,
            allow_render_html=False,
            temporal_columns_lookup={c.dataset.dttm: True} if c.dataset.dttm else {},
        )
    elif c.viz == "pivot":
        p.update(
            groupbyRows=c.groupby,
            groupbyColumns=[c.x] if c.x else [],
            metrics=c.metrics,
            metricsLayout="COLUMNS",
            aggregateFunction="Sum",
            rowTotals=True,
            colTotals=True,
            valueFormat="SMART_NUMBER",
            order_desc=True,
            time_grain_sqla=c.grain,
        )
    p = {k: v for k, v in p.items() if v is not None}
    p.update(c.extra)
    return p


def query_context(c: Chart, params: dict, defaults: list[dict] | None = None) -> str:
    """What the frontend's buildQuery would save for this chart (enough for the data endpoint).

    `defaults` are the default selections of the dashboard's required native filters (period grain,
    active duration): the saved query answers what the dashboard shows when opened.
    """
    ds = c.dataset
    columns: list[Any] = []
    orderby: list[Any] = []
    metrics = list(c.metrics)
    if c.viz in ("line", "bar"):
        x = c.x or ds.dttm
        columns = [
            {"columnType": "BASE_AXIS", "expressionType": "SQL", "label": x, "sqlExpression": x, "timeGrain": c.grain},
            *c.groupby,
        ]
        orderby = [[metrics[0], False]]
    elif c.viz == "cat_bar":
        columns = [{"columnType": "BASE_AXIS", "expressionType": "SQL", "label": c.x, "sqlExpression": c.x}, *c.groupby]
    elif c.viz in ("pie", "funnel", "table"):
        columns = list(c.groupby)
        orderby = [[metrics[0], False]] if metrics else []
    elif c.viz == "heatmap":
        x: Any = c.x
        if c.x == ds.dttm:
            x = {
                "columnType": "BASE_AXIS",
                "expressionType": "SQL",
                "label": c.x,
                "sqlExpression": c.x,
                "timeGrain": c.grain,
            }
        columns = [x, c.groupby[0]]
    elif c.viz == "raw":
        columns = list(c.columns)
        metrics = []
        orderby = [[col, asc] for col, asc in c.order_by]
    elif c.viz == "pivot":
        columns = [*c.groupby, *([c.x] if c.x else [])]
        orderby = [[metrics[0], False]]
    query = {
        "filters": ([{"col": ds.dttm, "op": "TEMPORAL_RANGE", "val": "No filter"}] if ds.dttm else [])
        + list(defaults or []),
        "extras": {"having": "", "where": "", **({"time_grain_sqla": c.grain} if ds.dttm else {})},
        "applied_time_extras": {},
        "columns": columns,
        "metrics": metrics,
        "orderby": orderby,
        "annotation_layers": [],
        "row_limit": params.get("row_limit", 10000),
        "series_limit": 0,
        "order_desc": True,
        "url_params": {},
        "custom_params": {},
        "custom_form_data": {},
        "post_processing": [],
    }
    qc = {
        "datasource": {"id": 0, "type": "table"},
        "force": False,
        "queries": [query],
        "form_data": params,
        "result_format": "json",
        "result_type": "full",
    }
    return json.dumps(qc, indent=2, sort_keys=True)


def chart_yaml(c: Chart, defaults: list[dict] | None = None) -> dict:
    params = chart_params(c)
    return {
        "slice_name": c.name,
        "description": None,
        "certified_by": None,
        "certification_details": None,
        "viz_type": params["viz_type"],
        "params": params,
        "query_context": query_context(c, params, defaults),
        "cache_timeout": None,
        "uuid": c.uuid,
        "dataset_uuid": c.dataset.uuid,
        "version": "1.0.0",
    }


# --- dashboards -------------------------------------------------------------------------------


def in_scope(f: Filter, c: Chart, columns: dict[str, set]) -> bool:
    if c.name in f.exclude:
        return False
    if f.kind == "select":
        return f.column in columns[c.dataset.key]
    if f.kind in ("time", "grain"):
        return bool(c.dataset.dttm)
    return True


def default_filters(d: Dashboard, c: Chart, columns: dict[str, set]) -> list[dict]:
    """The default selections of the dashboard's filters that apply to the chart."""
    return [
        {"col": f.column, "op": "IN", "val": list(f.default)}
        for f in d.filters
        if f.kind == "select" and f.default and in_scope(f, c, columns)
    ]


def _filter_config(f: Filter, d: Dashboard, chart_ids: dict[str, int], columns: dict[str, set]) -> dict:
    fid = "NATIVE_FILTER-" + _uuid("filter", f"{d.slug}:{f.name}")[:12]
    charts = [c for row in d.rows for c in row]
    excluded = sorted(chart_ids[c.uuid] for c in charts if not in_scope(f, c, columns))
    base = {
        "id": fid,
        "name": f.name,
        "type": "NATIVE_FILTER",
        "description": "",
        "cascadeParentIds": [],
        "scope": {"rootPath": ["ROOT_ID"], "excluded": excluded},
        "chartsInScope": sorted(v for v in chart_ids.values() if v not in excluded),
        "tabsInScope": [],
        "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}},
    }
    if f.default:
        base["defaultDataMask"] = {
            "extraFormData": {"filters": [{"col": f.column, "op": "IN", "val": list(f.default)}]},
            "filterState": {"label": ", ".join(str(v) for v in f.default), "value": list(f.default)},
            "ownState": {},
        }
    if f.kind == "time":
        base.update(filterType="filter_time", targets=[{}], controlValues={"enableEmptyFilter": False})
    elif f.kind == "grain":
        base.update(
            filterType="filter_timegrain",
            targets=[{"datasetUuid": f.dataset.uuid}],
            controlValues={"enableEmptyFilter": False},
        )
    else:
        base.update(
            filterType="filter_select",
            targets=[{"datasetUuid": f.dataset.uuid, "column": {"name": f.column}}],
            controlValues={
                "enableEmptyFilter": f.required,
                "defaultToFirstItem": False,
                "multiSelect": f.multi,
                "searchAllOptions": False,
                "inverseSelection": False,
            },
        )
    return base


def dashboard_yaml(d: Dashboard, columns: dict[str, set]) -> dict:
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"children": ["GRID_ID"], "id": "ROOT_ID", "type": "ROOT"},
        "GRID_ID": {"children": [], "id": "GRID_ID", "parents": ["ROOT_ID"], "type": "GRID"},
        "HEADER_ID": {"id": "HEADER_ID", "meta": {"text": d.title}, "type": "HEADER"},
    }
    chart_ids: dict[str, int] = {}
    n = 0
    for r, row in enumerate(d.rows):
        row_id = f"ROW-{d.slug}-{r}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {
            "children": [],
            "id": row_id,
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
            "parents": ["ROOT_ID", "GRID_ID"],
            "type": "ROW",
        }
        for c in row:
            n += 1
            chart_ids[c.uuid] = n
            cid = f"CHART-{c.uuid[:10]}"
            position[row_id]["children"].append(cid)
            position[cid] = {
                "children": [],
                "id": cid,
                "parents": ["ROOT_ID", "GRID_ID", row_id],
                "type": "CHART",
                "meta": {"chartId": n, "height": c.height, "width": c.width, "sliceName": c.name, "uuid": c.uuid},
            }
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
        "default_filters": "{}",
        "chart_configuration": {},
        "global_chart_configuration": {
            "scope": {"rootPath": ["ROOT_ID"], "excluded": []},
            "chartsInScope": sorted(chart_ids.values()),
        },
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
        "uuid": d.uuid,
        "position": position,
        "metadata": metadata,
        "version": "1.0.0",
    }


def write_raw_bundle(dashboards: list[Dashboard], warehouse: Path, out_dir: Path) -> None:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "metadata.yaml").write_text(dump_yaml({"type": "assets", "version": "1.0.0"}))
    db = {
        "database_name": DATABASE_NAME,
        "sqlalchemy_uri": "duckdb:///" + URI_PLACEHOLDER,
        "uuid": DATABASE_UUID,
        "version": "1.0.0",
        "cache_timeout": None,
        "expose_in_sqllab": True,
        "allow_run_async": False,
        "allow_ctas": False,
        "allow_cvas": False,
        "allow_dml": False,
        "allow_file_upload": False,
        "extra": {"engine_params": {"connect_args": {"read_only": True}}, "allows_virtual_table_explore": True},
    }
    (out_dir / "databases").mkdir(exist_ok=True)
    (out_dir / "databases" / "warehouse.yaml").write_text(dump_yaml(db))
    datasets = {c.dataset.key: c.dataset for d in dashboards for row in d.rows for c in row}
    datasets.update({f.dataset.key: f.dataset for d in dashboards for f in d.filters if f.dataset})
    columns: dict[str, set] = {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for key, ds in sorted(datasets.items()):
            y = dataset_yaml(con, ds)
            columns[key] = {c["column_name"] for c in y["columns"]}
            path = out_dir / "datasets" / "warehouse" / f"{key}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(dump_yaml(y))
    finally:
        con.close()
    (out_dir / "charts").mkdir(exist_ok=True)
    (out_dir / "dashboards").mkdir(exist_ok=True)
    for d in dashboards:
        for row in d.rows:
            for c in row:
                y = chart_yaml(c, default_filters(d, c, columns))
                (out_dir / "charts" / f"{c.uuid}.yaml").write_text(dump_yaml(y))
        (out_dir / "dashboards" / f"{d.slug}.yaml").write_text(dump_yaml(dashboard_yaml(d, columns)))
