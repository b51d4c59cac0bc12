"""The vocabulary of a dashboard spec: datasets with their metrics, charts, filters, dashboards.

Uuids derive from names (uuid5), so renaming a chart makes a new chart: chart names are unique per
dataset. The helpers below build the repeated structure (rows of big numbers, tables, filters).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

NAMESPACE = uuid.UUID("6f1b1a3e-2c53-4e51-9d6a-1c0ffee0b1a1")

# chart kinds of Chart.viz (Superset viz_type in orchestration/bi/charts.py)
KINDS = ("big_number", "line", "bar", "cat_bar", "pie", "funnel", "table", "raw", "heatmap", "pivot")
COUNTER_HEIGHT = 30


def stable_uuid(kind: str, name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{name}"))


@dataclass
class Dataset:
    """A mart as a Superset dataset: its columns come from the mart's dbt contract."""

    schema: str
    table: str
    dttm: str | None  # main time column (None: no period filter)
    metrics: dict[str, str]  # metric_name -> SQL expression
    formats: dict[str, str] = field(default_factory=dict)  # metric_name -> d3 format
    descriptions: dict[str, str] = field(default_factory=dict)  # metric_name -> definition (quick help)
    computed: dict[str, str] = field(default_factory=dict)  # calculated column -> SQL expression (links)
    database: str = "warehouse"  # or "reports": the report registry (orchestration/reports/store.py)

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def uuid(self) -> str:
        return stable_uuid("dataset", self.key)


@dataclass
class Chart:
    name: str
    viz: str  # one of KINDS
    dataset: Dataset
    metrics: list[str]
    groupby: list[str] = field(default_factory=list)
    x: str | None = None  # time column for line/bar, x column for cat_bar/heatmap/pivot
    width: int = 4  # of 12 grid columns
    height: int = 50
    extra: dict[str, Any] = field(default_factory=dict)  # params set as they are (override defaults)
    grain: str = "P1D"
    columns: list[str] = field(default_factory=list)  # raw table: the columns shown, in order
    order_by: list[tuple[str, bool]] = field(default_factory=list)  # raw table: (column, ascending)
    description: str = ""  # the quick help shown on hover (the pages' definition of the figure)
    cumulative: bool = False  # time series: running totals from the start of the selected period

    def quick_help(self) -> str:
        """The chart's description, else the definitions of its metrics (Dataset.descriptions)."""
        if self.description:
            return self.description
        return " ".join(self.dataset.descriptions[m] for m in self.metrics if m in self.dataset.descriptions)

    @property
    def uuid(self) -> str:
        return stable_uuid("chart", f"{self.dataset.key}:{self.name}")


@dataclass
class Filter:
    name: str
    kind: str  # time, grain, select, range (numerical: default [low, high])
    column: str | None = None
    dataset: Dataset | None = None
    default: list[Any] | None = None  # default selection (select filters)
    multi: bool = True
    required: bool = False
    exclude: tuple[str, ...] = ()  # chart names out of the filter's scope
    description: str = ""  # shown on hover in the filter bar
    time_range: str | None = None  # time filters: the default range (Superset's time-range syntax)


@dataclass
class Tab:
    """A tab of a dashboard: its title and its rows of charts."""

    title: str
    rows: list[list[Chart]]


@dataclass
class Dashboard:
    title: str
    slug: str
    rows: list[list[Chart]]  # the grid; empty when the dashboard has tabs
    filters: list[Filter]
    tabs: list[Tab] = field(default_factory=list)  # tabs below the grid's rows (Superset TABS/TAB nodes)

    @property
    def uuid(self) -> str:
        return stable_uuid("dashboard", self.slug)

    @property
    def charts(self) -> list[Chart]:
        return [c for row in [*self.rows, *(r for t in self.tabs for r in t.rows)] for c in row]


def counter(name: str, dataset: Dataset, metric: str, width: int = 3, description: str = "") -> Chart:
    """A big number, shown in the metric's own format (as defined once on the dataset)."""
    fmt = dataset.formats.get(metric)
    extra = {"y_axis_format": fmt} if fmt else {}
    description = description or dataset.descriptions.get(metric, "")
    return Chart(
        name, "big_number", dataset, [metric], width=width, height=COUNTER_HEIGHT, extra=extra, description=description
    )


def counters(dataset: Dataset, metrics: dict[str, str], width: int | None = None) -> list[Chart]:
    """Big numbers {title: metric} of one dataset, sharing the 12 grid columns unless width is given;
    each one described by its metric's description on the dataset."""
    width = width or 12 // len(metrics)
    return [counter(name, dataset, metric, width) for name, metric in metrics.items()]


def table(name: str, dataset: Dataset, metrics: list[str], groupby: list[str], **layout: Any) -> Chart:
    """An aggregated table: the metrics by the groupby columns."""
    return Chart(name, "table", dataset, metrics, groupby, **layout)


def raw_table(name: str, dataset: Dataset, columns: list[str], order_by: list[tuple[str, bool]], **layout) -> Chart:
    """A table of the mart's rows: the columns in order, sorted by order_by, full width by default."""
    layout.setdefault("width", 12)
    layout.setdefault("height", 60)
    return Chart(name, "raw", dataset, [], columns=columns, order_by=order_by, **layout)


def select(name: str, dataset: Dataset, column: str, **options: Any) -> Filter:
    return Filter(name, "select", column, dataset, **options)


def selects(dataset: Dataset, columns: dict[str, str]) -> list[Filter]:
    """Multi-select filters {title: column} on one dataset."""
    return [select(name, dataset, column) for name, column in columns.items()]


# The default is the whole history: the sample export lies at fixed dates, so a window relative to today
# ("Last quarter") would open the sample dashboards empty. Every chart's saved query answers the same.
PERIOD = Filter(
    "Period",
    "time",
    time_range="No filter",
    description="The period shown (default: all data). Daily figures are by the company's local date.",
)


def time_grain(dataset: Dataset, exclude: tuple[str, ...] = ()) -> Filter:
    return Filter("Time grain", "grain", dataset=dataset, exclude=exclude)


def numeric_range(name: str, dataset: Dataset, column: str, default: tuple[float, float], **options: Any) -> Filter:
    """A required numerical range filter (low <= column <= high) with a default range."""
    return Filter(name, "range", column, dataset, default=list(default), required=True, **options)


def single_choice(name: str, dataset: Dataset, column: str, default: Any) -> Filter:
    """A required single-select filter with a default (the saved queries answer with it)."""
    return Filter(name, "select", column, dataset, default=[default], multi=False, required=True)


# The value of a mart's `time_zone` column for company-local time (dbt macro company_local_time_zone)
COMPANY_LOCAL_TIME = "Company local time"


def time_zone_choice(dataset: Dataset) -> Filter:
    """The Time zone filter of a dashboard's time series (dbt macros/time_zone_views.sql): a time-series mart holds
    one copy of its rows per time-zone view in column `time_zone` (company-local time, then each zone of dbt var
    report_time_zones). A required single choice, company-local time by default, it reaches every chart whose
    dataset has the column, so no sum ever mixes two views; `dataset` lists the choices."""
    return Filter(
        "Time zone",
        "select",
        "time_zone",
        dataset,
        default=[COMPANY_LOCAL_TIME],
        multi=False,
        required=True,
        description="The time zone dates and hours are read in: each company's own zone (default) or a zone offered"
        " to every company (dbt var report_time_zones).",
    )
