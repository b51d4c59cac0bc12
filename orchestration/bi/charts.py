"""A chart spec as Superset chart YAML: `params` (the form data) and the saved `query_context`.

The query context is what the frontend's buildQuery saves for the chart; with it stored,
`/api/v1/chart/{id}/data/` answers without a browser (the tests compare those numbers with the marts).
"""

from __future__ import annotations

import json
from typing import Any

from orchestration.bi.specs.base import Chart, Dataset

VIZ = {
    "big_number": "big_number_total",
    "line": "echarts_timeseries_line",
    "bar": "echarts_timeseries_bar",
    "cat_bar": "echarts_timeseries_bar",
    "pie": "pie",
    "funnel": "funnel",
    "table": "table",
    "raw": "table",
    "heatmap": "heatmap_v2",
    "pivot": "pivot_table_v2",
}
ROW_LIMIT = 10000

_SORTED_X_AXIS = {
    "order_desc": True,
    "show_legend": True,
    "y_axis_format": "SMART_NUMBER",
    "x_axis_sort_asc": True,
    "x_axis_sort_series": "name",
    "x_axis_sort_series_ascending": True,
    "only_total": True,
}
_TABLE = {
    "percent_metrics": [],
    "order_desc": True,
    "table_timestamp_format": "smart_date",
    "server_pagination": False,
    "page_length": 25,
    "include_search": True,
    "show_cell_bars": False,
    "allow_render_html": False,
}


def _big_number(c: Chart) -> dict:
    return {
        "metric": c.metrics[0],
        "y_axis_format": "SMART_NUMBER",
        "header_font_size": 0.4,
        "subheader_font_size": 0.15,
        "time_format": "smart_date",
    }


def _timeseries(c: Chart) -> dict:
    p = {
        **_SORTED_X_AXIS,
        "x_axis": c.x or c.dataset.dttm,
        "time_grain_sqla": c.grain,
        "metrics": c.metrics,
        "groupby": c.groupby,
        "legendType": "scroll",
        "legendOrientation": "top",
        "rich_tooltip": True,
        "x_axis_time_format": "smart_date",
        "truncate_metric": True,
        "show_empty_columns": True,
        "comparison_type": "values",
    }
    if c.viz == "bar" and c.groupby:
        p["stack"] = "Stack"
    if c.viz == "line":
        p["seriesType"] = "line"
    if c.cumulative:
        p["rolling_type"] = "cumsum"
    return p


def _post_processing(c: Chart, columns: list) -> list[dict]:
    """What buildQuery adds for a cumulative time series: pivot on the time axis, running sums, flatten."""
    if not c.cumulative:
        return []
    return [
        {
            "operation": "pivot",
            "options": {
                "index": [columns[0]["label"]],
                "columns": list(c.groupby),
                "aggregates": {m: {"operator": "mean"} for m in c.metrics},
                "drop_missing_columns": False,
            },
        },
        {"operation": "cum", "options": {"operator": "sum", "columns": {m: m for m in c.metrics}}},
        {"operation": "flatten"},
    ]


def _category_bar(c: Chart) -> dict:
    return {**_SORTED_X_AXIS, "x_axis": c.x, "metrics": c.metrics, "groupby": c.groupby}


def _pie_or_funnel(c: Chart) -> dict:
    p = {
        "metric": c.metrics[0],
        "groupby": c.groupby,
        "show_legend": True,
        "show_labels": True,
        "sort_by_metric": True,
        "number_format": "SMART_NUMBER",
    }
    if c.viz == "pie":
        p.update(label_type="key_percent", donut=True, innerRadius=40, outerRadius=70)
    else:
        p.update(percent_calculation_type="first_step", tooltip_label_type=5, row_limit=20)
    return p


def _heatmap(c: Chart) -> dict:
    p = {
        "x_axis": c.x,
        "groupby": c.groupby[0],
        "metric": c.metrics[0],
        "linear_color_scheme": "blue_white_yellow",
        "normalize_across": "heatmap",
        "show_legend": True,
        "show_values": True,
        "sort_x_axis": "alpha_asc",
        "sort_y_axis": "alpha_asc",
        "legend_type": "continuous",
        "xscale_interval": -1,
        "yscale_interval": -1,
        "y_axis_format": "SMART_NUMBER",
        "value_bounds": [None, None],
        "left_margin": "auto",
        "bottom_margin": "auto",
    }
    if c.x and c.x == c.dataset.dttm:
        p["time_grain_sqla"] = c.grain
    return p


def _temporal_columns(ds: Dataset) -> dict:
    return {ds.dttm: True} if ds.dttm else {}


def _table(c: Chart) -> dict:
    p = {
        **_TABLE,
        "query_mode": "aggregate",
        "groupby": c.groupby,
        "metrics": c.metrics,
        "all_columns": [],
        "temporal_columns_lookup": _temporal_columns(c.dataset),
    }
    if c.metrics:
        p["timeseries_limit_metric"] = c.metrics[0]
    return p


def _raw_table(c: Chart) -> dict:
    return {
        **_TABLE,
        "query_mode": "raw",
        "all_columns": c.columns,
        "order_by_cols": [json.dumps([col, asc]) for col, asc in c.order_by],
        "groupby": [],
        "metrics": [],
        "temporal_columns_lookup": _temporal_columns(c.dataset),
    }


def _pivot(c: Chart) -> dict:
    return {
        "groupbyRows": c.groupby,
        "groupbyColumns": [c.x] if c.x else [],
        "metrics": c.metrics,
        "metricsLayout": "COLUMNS",
        "aggregateFunction": "Sum",
        "rowTotals": True,
        "colTotals": True,
        "valueFormat": "SMART_NUMBER",
        "order_desc": True,
        "time_grain_sqla": c.grain,
    }


_PARAMS = {
    "big_number": _big_number,
    "line": _timeseries,
    "bar": _timeseries,
    "cat_bar": _category_bar,
    "pie": _pie_or_funnel,
    "funnel": _pie_or_funnel,
    "heatmap": _heatmap,
    "table": _table,
    "raw": _raw_table,
    "pivot": _pivot,
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
    p: dict[str, Any] = {
        "viz_type": VIZ[c.viz],
        "datasource": "0__table",
        "adhoc_filters": _time_filter(c.dataset),
        "extra_form_data": {},
        "row_limit": ROW_LIMIT,
        "color_scheme": "supersetColors",
        **_PARAMS[c.viz](c),
    }
    p = {k: v for k, v in p.items() if v is not None}
    p.update(c.extra)
    return p


def _base_axis(column: str, grain: str | None) -> dict:
    axis = {"columnType": "BASE_AXIS", "expressionType": "SQL", "label": column, "sqlExpression": column}
    if grain:
        axis["timeGrain"] = grain
    return axis


def _query_shape(c: Chart) -> tuple[list, list, list]:
    """(columns, metrics, orderby) of the chart's one query, as buildQuery makes them per viz."""
    metrics = list(c.metrics)
    first_metric_desc = [[metrics[0], False]] if metrics else []
    if c.viz in ("line", "bar"):
        return [_base_axis(c.x or c.dataset.dttm, c.grain), *c.groupby], metrics, first_metric_desc
    if c.viz == "cat_bar":
        return [_base_axis(c.x, None), *c.groupby], metrics, []
    if c.viz in ("pie", "funnel", "table"):
        return list(c.groupby), metrics, first_metric_desc
    if c.viz == "heatmap":
        x: Any = _base_axis(c.x, c.grain) if c.x == c.dataset.dttm else c.x
        return [x, c.groupby[0]], metrics, []
    if c.viz == "raw":
        return list(c.columns), [], [[col, asc] for col, asc in c.order_by]
    if c.viz == "pivot":
        return [*c.groupby, *([c.x] if c.x else [])], metrics, first_metric_desc
    return [], metrics, []  # big_number


def query_context(c: Chart, params: dict, defaults: list[dict] | None = None) -> str:
    """The saved query context; `defaults` are the default selections of the dashboard's required
    filters (period grain, active duration): the saved query answers what the dashboard shows."""
    ds = c.dataset
    columns, metrics, orderby = _query_shape(c)
    query = {
        "filters": ([{"col": ds.dttm, "op": "TEMPORAL_RANGE", "val": "No filter"}] if ds.dttm else [])
        + list(defaults or []),
        "extras": {"having": "", "where": "", **({"time_grain_sqla": c.grain} if ds.dttm else {})},
        "applied_time_extras": {},
        "columns": columns,
        "metrics": metrics,
        "orderby": orderby,
        "annotation_layers": [],
        "row_limit": params.get("row_limit", ROW_LIMIT),
        "series_limit": 0,
        "order_desc": True,
        "url_params": {},
        "custom_params": {},
        "custom_form_data": {},
        "post_processing": _post_processing(c, columns),
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
        "description": c.quick_help() or None,
        "certified_by": None,
        "certification_details": None,
        "viz_type": params["viz_type"],
        "params": {**params, "annotation_layers": []},  # as Superset exports it (not in the saved query)
        "query_context": query_context(c, params, defaults),
        "cache_timeout": None,
        "uuid": c.uuid,
        "dataset_uuid": c.dataset.uuid,
        "version": "1.0.0",
    }
