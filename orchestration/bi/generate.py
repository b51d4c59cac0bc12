"""Charts are code: orchestration/bi/specs/ -> the committed bundle dashboards/, offline.

`python -m orchestration.bi generate` writes dashboards/ from the specs; `--check` only compares.
No Superset and no warehouse are needed: a dataset's columns and types come from its mart's dbt
contract (models/marts/<schema>/*.yml, `data_type` of every column). The bundle is written in
Superset's export form (the keys the export adds included) and passed through the same
normalisation as an export, so export -> import -> export of it gives the same files.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import io
import sys
import zipfile
from pathlib import Path

import duckdb
import yaml

from orchestration import settings
from orchestration.bi import catalogue
from orchestration.bi.bundle import (
    BUNDLE_DIR,
    REGISTRY_PLACEHOLDER,
    REPORTS_DATABASE_NAME,
    URI_PLACEHOLDER,
    dump_yaml,
    normalise_export,
    read_bundle,
    write_bundle,
)
from orchestration.bi.charts import chart_yaml
from orchestration.bi.layout import Columns, dashboard_yaml, default_filters
from orchestration.bi.specs.base import Dashboard, Dataset, stable_uuid

MARTS_DIR = settings.PROJECT_DIR / "models" / "marts"
SPECS_DIR = Path(__file__).parent / "specs"
DATABASE_NAME = "CPaaS warehouse"
DATABASE_UUID = stable_uuid("database", "warehouse")
# A second database: the report registry, a small file replaced whole on every change (docs/reports.md).
DATABASE_NAMES = {"warehouse": DATABASE_NAME, "reports": REPORTS_DATABASE_NAME}
DATABASE_UUIDS = {"warehouse": DATABASE_UUID, "reports": stable_uuid("database", "reports")}
NUMERIC_PREFIXES = ("INT", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "DOUBLE", "FLOAT", "DECIMAL")


class SpecError(ValueError):
    """A spec that names a mart, column or metric that does not exist."""


def mart_columns(ds: Dataset, marts_dir: Path = MARTS_DIR) -> list[tuple[str, str]]:
    """(column, DuckDB type) of the mart, from its dbt contract; the folder under marts/ is the schema.
    The report registry is no dbt model: its columns are those of orchestration/reports/store.py."""
    if ds.database == "reports":
        from orchestration.reports.store import COLUMNS

        return list(COLUMNS)
    for path in sorted((marts_dir / ds.schema).glob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models") or []:
            if model["name"] != ds.table:
                continue
            untyped = [c["name"] for c in model.get("columns") or [] if not c.get("data_type")]
            if untyped or not model.get("columns"):
                raise SpecError(f"{path}: {ds.table} needs a data_type on every column (missing: {untyped})")
            return [(c["name"], _duckdb_type(c["data_type"])) for c in model["columns"]]
    raise SpecError(f"dataset {ds.key}: no model {ds.table} documented under {marts_dir / ds.schema}")


@functools.cache
def _duckdb_type(data_type: str) -> str:
    """The type as the warehouse's information_schema spells it (decimal(18, 4) -> DECIMAL(18,4))."""
    return _types().execute(f"select typeof(null::{data_type})").fetchone()[0]


@functools.cache
def _types() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()  # in memory: only asked to spell types


def _column(name: str, dtype: str, expression: str | None = None) -> dict:
    return {
        "column_name": name,
        "type": dtype,
        "is_dttm": dtype == "DATE" or dtype.startswith("TIMESTAMP"),
        "groupby": not dtype.startswith(NUMERIC_PREFIXES) or name.endswith("_id"),  # ids are categories
        "filterable": True,
        "is_active": True,
        "verbose_name": None,
        "description": None,
        "expression": expression,
        "python_date_format": None,
        "advanced_data_type": None,
        "datetime_format": None,
        "extra": {},
    }


def _metric(ds: Dataset, name: str, expression: str) -> dict:
    return {
        "metric_name": name,
        "expression": expression,
        "verbose_name": name.replace("_", " ").capitalize(),
        "metric_type": None,
        "description": ds.descriptions.get(name),
        "d3format": ds.formats.get(name),
        "currency": None,
        "warning_text": None,
        "extra": {},
    }


def dataset_yaml(ds: Dataset, columns: list[tuple[str, str]]) -> dict:
    return {
        "table_name": ds.table,
        "schema": ds.schema,
        "catalog": None,
        "uuid": ds.uuid,
        "database_uuid": DATABASE_UUIDS[ds.database],
        "main_dttm_col": ds.dttm,
        "sql": None,
        "description": "The report registry (docs/reports.md)."
        if ds.database == "reports"
        else f"Mart {ds.key} (documented in models/marts).",
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        "extra": None,
        "normalize_columns": False,
        "always_filter_main_dttm": False,
        "template_params": None,
        "params": None,
        "folders": None,
        "currency_code_column": None,
        "version": "1.0.0",
        "columns": [_column(name, dtype) for name, dtype in columns]
        + [_column(name, "VARCHAR", expression) for name, expression in ds.computed.items()],
        "metrics": [_metric(ds, name, expr) for name, expr in ds.metrics.items()],
    }


def database_yaml(database: str = "warehouse") -> dict:
    return {
        "database_name": DATABASE_NAMES[database],
        "sqlalchemy_uri": "duckdb:///" + (URI_PLACEHOLDER if database == "warehouse" else REGISTRY_PLACEHOLDER),
        "uuid": DATABASE_UUIDS[database],
        "version": "1.0.0",
        "cache_timeout": None,
        "expose_in_sqllab": database == "warehouse",
        "allow_run_async": False,
        "allow_ctas": False,
        "allow_cvas": False,
        "allow_dml": False,
        "allow_file_upload": False,
        "configuration_method": "sqlalchemy_form",
        "impersonate_user": False,
        "extra": {"engine_params": {"connect_args": {"read_only": True}}, "allows_virtual_table_explore": True},
    }


def _datasets(dashboards: list[Dashboard]) -> dict[str, Dataset]:
    """The datasets the specs use; one mart is one dataset, defined once (two definitions would be two truths)."""
    found: dict[str, Dataset] = {}
    used = [c.dataset for d in dashboards for c in d.charts] + [f.dataset for d in dashboards for f in d.filters]
    for ds in filter(None, used):
        if found.setdefault(ds.key, ds) != ds:
            raise SpecError(f"dataset {ds.key} is defined twice with different metrics: define it once, import it")
    return dict(sorted(found.items()))


def check_specs(dashboards: list[Dashboard], columns: Columns) -> None:
    """Every column and metric a spec names exists: a typo fails here, not as a broken chart."""
    problems = []
    for d in dashboards:
        for c in d.charts:
            names = [*c.groupby, *c.columns, *(col for col, _ in c.order_by), *([c.x] if c.x else [])]
            problems += [
                f"{d.slug}: chart {c.name!r}: no column {n!r} in {c.dataset.key}"
                for n in names
                if n not in columns[c.dataset.key]
            ]
            problems += [
                f"{d.slug}: chart {c.name!r}: no metric {m!r} on {c.dataset.key}"
                for m in c.metrics
                if m not in c.dataset.metrics
            ]
        charts = {c.name for c in d.charts}
        for f in d.filters:
            if f.column and f.column not in columns[f.dataset.key]:
                problems.append(f"{d.slug}: filter {f.name!r}: no column {f.column!r} in {f.dataset.key}")
            problems += [
                f"{d.slug}: filter {f.name!r} excludes unknown chart {n!r}" for n in f.exclude if n not in charts
            ]
    uuids = [c.uuid for d in dashboards for c in d.charts]
    problems += [f"chart uuid {u} twice: chart names are unique per dataset" for u in set(uuids) if uuids.count(u) > 1]
    if problems:
        raise SpecError("\n".join(problems))


def generate_bundle(dashboards: list[Dashboard], marts_dir: Path = MARTS_DIR) -> dict[str, str]:
    """{relative path: YAML text} of the bundle, normalised exactly as an export is."""
    datasets = _datasets(dashboards)
    typed = {key: mart_columns(ds, marts_dir) for key, ds in datasets.items()}
    columns = {key: {name for name, _ in cols} | set(datasets[key].computed) for key, cols in typed.items()}
    check_specs(dashboards, columns)
    raw = {"metadata.yaml": {"type": "assets", "version": "1.0.0"}, "databases/warehouse.yaml": database_yaml()}
    for database in sorted({ds.database for ds in datasets.values()} - {"warehouse"}):
        raw[f"databases/{database}.yaml"] = database_yaml(database)
    for key, ds in datasets.items():
        raw[f"datasets/{ds.database}/{key}.yaml"] = dataset_yaml(ds, typed[key])
    for d in dashboards:
        for c in d.charts:
            raw[f"charts/{c.uuid}.yaml"] = chart_yaml(c, default_filters(d, c, columns))
        raw[f"dashboards/{d.slug}.yaml"] = dashboard_yaml(d, columns)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for rel, data in raw.items():
            zf.writestr(f"bundle/{rel}", dump_yaml(data))
    return normalise_export(buf.getvalue())


def bundle_diff(expected: dict[str, str], actual: dict[str, str], context: int = 2) -> list[str]:
    """Unified diff lines from expected (the specs) to actual, file by file."""
    lines: list[str] = []
    for rel in sorted(set(expected) | set(actual)):
        if expected.get(rel) != actual.get(rel):
            lines += difflib.unified_diff(
                (expected.get(rel) or "").splitlines(),
                (actual.get(rel) or "").splitlines(),
                f"specs/{rel}" if rel in expected else "/dev/null",
                rel if rel in actual else "/dev/null",
                n=context,
                lineterm="",
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.bi generate", description=__doc__)
    parser.add_argument("--bundle", type=Path, default=BUNDLE_DIR)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if the bundle differs")
    args = parser.parse_args(argv)
    from orchestration.bi.specs import DASHBOARDS

    files = generate_bundle(DASHBOARDS)
    if args.check:
        diff = bundle_diff(files, read_bundle(args.bundle))
        if not catalogue.is_current(DASHBOARDS):
            diff.append(f"{catalogue.DOC}: the dashboards table differs from the specs")
        print("\n".join(diff) or f"{args.bundle} and docs/bi.md equal orchestration/bi/specs/")
        return 1 if diff else 0
    write_bundle(files, args.bundle)
    catalogue.write(DASHBOARDS)
    print(f"wrote {len(files)} files into {args.bundle} and the dashboards table of docs/bi.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
