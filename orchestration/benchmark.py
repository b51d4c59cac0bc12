"""Speed, memory and correctness of the whole path on a scale profile, in one run on the same data.

    python -m orchestration.benchmark --profile medium --months 3 [--workdir DIR] [--json FILE]

Steps (each in its own process, so its peak RSS is its own, dbt's included):
generation; ingestion of every day and its floor (one read_ndjson per entity over the same files);
a full `dbt build` and its floor (FLOOR_BUILD_SQL below, straight from the landing files); the
daily run (load one export day, the daily dbt build, publish) near the start and at the end of the
history; the monthly billing run of one month; publish; every dashboard chart's query 20 times on
the serving file (p50/p95). Then the daily-incremental warehouse is compared with the full build,
table by table: the count of differing rows must be 0. Prints a table; writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DASHBOARDS_DIR = PROJECT_DIR / "dashboards"

# Compared between the daily-incremental warehouse and the full build. Billing keeps issued
# invoices immutable on purpose and is not part of the daily run: it has its own tests.
COMPARED_SCHEMAS = (
    "staging",
    "intermediate",
    "core",
    "notifications",
    "chats",
    "engagement",
    "telephony",
    "account_usage",
    "customer_dynamics",
)
# bookkeeping columns that say when or from which export day a row was built, not what it says
IGNORED_COLUMNS = ("export_date", "dbt_loaded_at", "built_at")


# ---------------------------------------------------------------- steps (run in child processes)


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _in_child(function: Callable[..., dict], kwargs: dict) -> dict:
    result = function(**kwargs)
    result["peak_rss_mb"] = round(_peak_rss_mb())
    return result


def run_step(function: Callable[..., dict], **kwargs) -> dict:
    """Run one step in a fresh interpreter: its peak RSS (and that of its dbt) is the step's own."""
    with multiprocessing.get_context("spawn").Pool(1, maxtasksperchild=1) as pool:
        return pool.apply(_in_child, (function, kwargs))


def dbt_command(warehouse: Path, target: Path, args: list[str], extra_env: dict[str, str] | None = None) -> dict:
    from orchestration.dbt_project import DBT_EXECUTABLE

    # each warehouse of the run bills into its own invoice ledger: a ledger restores its final invoices
    # into any new build file, so the full and the incremental warehouse must not share one
    ledger = warehouse.with_name(f"{warehouse.stem}.ledger.duckdb")
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse),
        "DBT_TARGET_PATH": str(target),
        "BILLING_LEDGER_PATH": str(ledger),
        **(extra_env or {}),
    }
    command = [DBT_EXECUTABLE, "--quiet", *args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    started = time.monotonic()
    completed = subprocess.run(command, env=env, cwd=PROJECT_DIR, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if completed.returncode != 0:
        raise RuntimeError(f"dbt {' '.join(args)} failed:\n{completed.stdout[-6000:]}\n{completed.stderr[-3000:]}")
    if not (target / "run_results.json").exists():  # dbt parse
        return {"seconds": seconds, "startup_seconds": round(seconds, 2), "nodes": {}}
    run_results = json.loads((target / "run_results.json").read_text())
    # dbt's start-up: the process, reading the project, parsing (a full parse when --vars changed), the
    # manifest; everything before and after the nodes ran (run_results' elapsed_time)
    return {
        "seconds": seconds,
        "startup_seconds": round(seconds - run_results["elapsed_time"], 2),
        "nodes": _run_results_summary(run_results),
    }


def _run_results_summary(run_results: dict) -> dict:
    results = run_results["results"]
    kinds: dict[str, int] = {}
    for result in results:
        kind = result["unique_id"].split(".")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    slowest = sorted(results, key=lambda r: -r["execution_time"])[:3]
    return {"counts": kinds, "slowest": {r["unique_id"]: round(r["execution_time"], 1) for r in slowest}}


def step_generate(landing: Path, profile: str, months: int, seed: int) -> dict:
    from orchestration.generator import generate

    started = time.monotonic()
    manifest = generate(landing, profile=profile, months=months, seed=seed)
    lines = sum(entity["lines"] for entity in manifest["totals"].values())
    return {"seconds": time.monotonic() - started, "lines": lines}


def step_load(landing: Path, warehouse: Path, days: list[date]) -> dict:
    from orchestration import ingestion

    started = time.monotonic()
    outcome = ingestion.load_days(landing, warehouse, days, progress=False)
    seconds = time.monotonic() - started
    failed = {str(day): str(error) for day, error in outcome.items() if isinstance(error, Exception)}
    if failed:
        raise RuntimeError(f"export days not loaded: {failed}")
    loaded, quarantined = ingestion.totals(outcome)
    return {"seconds": seconds, "rows": loaded, "quarantined": quarantined, "days": len(days)}


def step_copy_raw(source: Path, warehouse: Path, days: list[date]) -> dict:
    """Copy export days from a warehouse that loaded them: the loader is measured once, by `step_load`."""
    import duckdb

    from orchestration import settings

    started = time.monotonic()
    con = duckdb.connect(str(warehouse))
    con.execute(f"set memory_limit = '{settings.DUCKDB_MEMORY_LIMIT}'")
    con.execute(f"attach '{source}' as loaded (read_only)")
    first, last = f"date '{days[0]}'", f"date '{days[-1]}'"
    tables = con.execute(
        "select table_name, bool_or(column_name = '_export_date') from information_schema.columns"
        " where table_catalog = 'loaded' and table_schema = 'raw' group by table_name"
    ).fetchall()
    rows = 0
    for table, by_underscore in tables:
        day_column = "_export_date" if by_underscore else "export_date"
        on_days = f"{day_column} between {first} and {last}"
        con.execute(f"delete from raw.{table} where {on_days}")
        rows += con.execute(f"insert into raw.{table} select * from loaded.raw.{table} where {on_days}").fetchone()[0]
    con.close()
    return {"seconds": time.monotonic() - started, "rows": rows}


def _landing_glob(landing: Path, entity: str, days: list[date]) -> str:
    if len(days) == 1:
        return f"{landing}/{entity}/date={days[0].isoformat()}/*.jsonl.gz"
    return f"{landing}/{entity}/date=*/*.jsonl.gz"


def _read_ndjson(landing: Path, entity: str, days: list[date]) -> str:
    """One read_ndjson over an entity's files with the contract's schema (bad lines skipped)."""
    from orchestration.contract import DUCKDB_TYPES, ENTITY_FIELDS

    columns = ", ".join(f"'{f.name}': '{DUCKDB_TYPES[f.kind]}'" for f in ENTITY_FIELDS[entity])
    first, last = days[0].isoformat(), days[-1].isoformat()
    return (
        f"(select * exclude (filename) from read_ndjson('{_landing_glob(landing, entity, days)}',"
        f" columns = {{{columns}}}, ignore_errors = true, filename = true)"
        f" where regexp_extract(filename, 'date=([0-9-]+)', 1) between '{first}' and '{last}')"
    )


def _floor_connection(path: Path, threads: int, memory_limit: str):
    import duckdb

    con = duckdb.connect(str(path))
    con.execute(f"set threads = {threads}")
    con.execute(f"set memory_limit = '{memory_limit}'")
    con.execute("set preserve_insertion_order = false")
    con.execute("set TimeZone = 'UTC'")
    return con


def step_floor_load(landing: Path, scratch: Path, days: list[date], threads: int, memory_limit: str) -> dict:
    from orchestration.contract import ENTITY_FIELDS

    con = _floor_connection(scratch, threads, memory_limit)
    started = time.monotonic()
    rows = 0
    for entity in ENTITY_FIELDS:
        con.execute(f"create or replace table {entity} as select * from {_read_ndjson(landing, entity, days)}")
        rows += con.execute(f"select count(*) from {entity}").fetchone()[0]
    seconds = time.monotonic() - started
    con.close()
    return {"seconds": seconds, "rows": rows}


# A floor for the full build: what a person would write by hand in DuckDB to get the daily notification
# aggregate, the invoice totals and the reseller report from the landing files, with the same
# dedup (latest reference row, one row per event id), local dates, tariff lookup (company row, else
# the owner's default), call rounding and currency conversion. Packages are left out (a floor).
FLOOR_BUILD_SQL = """
create or replace table companies as
    select * from {companies} qualify row_number() over (partition by company_id order by updated_at desc) = 1;
create or replace table tariffs as
    select * from {tariffs} qualify row_number() over (partition by tariff_id order by updated_at desc) = 1;
create or replace table rates as
    select date, currency, any_value(units_per_usd) as units_per_usd from {exchange_rates} group by all;
create or replace table notifications as
    select distinct on (message_id) message_id, company_id, channel, sms_segments, created_at from {notifications};
create or replace table statuses as
    select
        message_id,
        bool_or(status = 'delivered') as delivered,
        bool_or(status in ('pending', 'delivered', 'undelivered')) as sent,
        arg_max(status, occurred_at) as last_status
    from (select distinct on (event_id) * from {notification_events})
    group by message_id;
create or replace table floor_notifications_daily as
    select
        cast(timezone(c.timezone, cast(n.created_at as timestamptz)) as date) as local_date,
        n.company_id,
        n.channel,
        count(*) as notifications,
        count(*) filter (where s.sent) as sent,
        count(*) filter (where s.delivered) as delivered,
        count(*) filter (where s.last_status in ('undelivered', 'error', 'canceled')) as failed
    from notifications as n
    left join statuses as s using (message_id)
    inner join companies as c using (company_id)
    group by all;
create or replace table usage as
    select n.company_id, n.created_at as used_at, n.channel as service,
        case when n.channel = 'sms' then n.sms_segments else 1 end as quantity
    from notifications as n inner join statuses as s using (message_id)
    where (n.channel = 'sms' and s.delivered) or (n.channel <> 'sms' and s.sent)
    union all
    select company_id, sent_at, case when messenger = 'alice' then 'chat_alice' else 'chat_' || sender_type end, 1
    from (select distinct on (message_id) * from {chat_messages})
    union all
    select company_id, answered_at, 'call_' || direction, epoch(ended_at - answered_at)
    from (select distinct on (call_id) * from {calls}) where answered_at is not null
    union all
    select company_id, sent_at, 'bot_api', 1
    from (select distinct on (message_id) * from {bot_api_messages}) where is_billable;
create or replace table priced as
    with located as (
        select u.*, c.parent_company_id, c.currency as company_currency,
            cast(date_trunc('month', timezone(c.timezone, cast(u.used_at as timestamptz))) as date) as billing_month
        from usage as u inner join companies as c using (company_id)
    ),
    priced as (
        select l.*,
            coalesce(own.price, dflt.price) as price,
            coalesce(own.currency, dflt.currency) as price_currency,
            coalesce(own.rounding_seconds, dflt.rounding_seconds, 1) as rounding_seconds
        from located as l
        left join tariffs as own
            on own.owner_id = coalesce(l.parent_company_id, 0) and own.company_id = l.company_id
            and own.service = l.service and l.used_at >= own.valid_from
            and (own.valid_to is null or l.used_at < own.valid_to)
        left join tariffs as dflt
            on dflt.owner_id = coalesce(l.parent_company_id, 0) and dflt.company_id is null
            and dflt.service = l.service and l.used_at >= dflt.valid_from
            and (dflt.valid_to is null or l.used_at < dflt.valid_to)
    )
    select p.company_id, p.parent_company_id, p.billing_month, p.service,
        p.price * (case when p.service like 'call_%'
            then ceil(p.quantity / p.rounding_seconds) * p.rounding_seconds / 60 else p.quantity end)
            / from_rate.units_per_usd * to_rate.units_per_usd as amount
    from priced as p
    asof left join rates as from_rate
        on from_rate.currency = p.price_currency and from_rate.date <= cast(p.used_at as date)
    asof left join rates as to_rate
        on to_rate.currency = p.company_currency and to_rate.date <= cast(p.used_at as date);
create or replace table floor_invoice_totals as
    select company_id, billing_month, round(sum(amount), 2) as total from priced group by all;
create or replace table floor_reseller_report as
    select parent_company_id as reseller_id, billing_month, count(distinct company_id) as companies,
        round(sum(amount), 2) as billed_to_dependents
    from priced where parent_company_id is not null group by all;
"""


def step_floor_build(landing: Path, scratch: Path, days: list[date], threads: int, memory_limit: str) -> dict:
    from orchestration.contract import ENTITY_FIELDS

    sql = FLOOR_BUILD_SQL.format(**{entity: _read_ndjson(landing, entity, days) for entity in ENTITY_FIELDS})
    con = _floor_connection(scratch, threads, memory_limit)
    started = time.monotonic()
    con.execute(sql)
    seconds = time.monotonic() - started
    rows = {
        table: con.execute(f"select count(*) from {table}").fetchone()[0]
        for table in ("floor_notifications_daily", "floor_invoice_totals", "floor_reseller_report")
    }
    con.close()
    return {"seconds": seconds, "rows": rows}


def step_dbt(warehouse: Path, target: Path, args: list[str]) -> dict:
    return dbt_command(warehouse, target, args)


def asset_selection(assets) -> list[str]:
    """The dbt selection of a dagster-dbt asset definition, as dagster-dbt passes it to dbt."""
    tags = assets.op.tags
    selection = ["--select", tags["dagster_dbt/select"]]
    if tags.get("dagster_dbt/exclude"):
        selection += ["--exclude", tags["dagster_dbt/exclude"]]
    return selection


def step_daily(landing: Path, warehouse: Path, serving: Path, target: Path, day: date) -> dict:
    """The daily run as Dagster runs it: load the day, the daily dbt build for it, publish."""
    from dagster import TimeWindow

    from orchestration import publish
    from orchestration.assets.dbt import (
        DbtBuildConfig,
        daily_build_args,
        daily_build_env,
        dbt_daily_models,
        keep_partial_parse,
    )
    from orchestration.assets.partitions import export_days

    window: TimeWindow = export_days.time_window_for_partition_key(day.isoformat())
    args = daily_build_args(window, DbtBuildConfig()) + asset_selection(dbt_daily_models)
    load = step_load(landing, warehouse, [day])
    # as Dagster runs it: a target folder of its own, the window in the environment, the partial parse
    # of the previous daily run (or of the deploy's parse)
    run_target = target.parent / f"daily-{day}"
    dbt = dbt_command(warehouse, run_target, args, extra_env=daily_build_env(window, target.parent / PARTIAL_PARSE))
    keep_partial_parse(run_target, target.parent / PARTIAL_PARSE)
    started = time.monotonic()
    published = publish.publish(warehouse, serving)
    publish_seconds = time.monotonic() - started
    return {
        "seconds": load["seconds"] + dbt["seconds"] + publish_seconds,
        "load_seconds": round(load["seconds"], 2),
        "dbt_seconds": round(dbt["seconds"], 2),
        "dbt_startup_seconds": dbt["startup_seconds"],
        "publish_seconds": round(publish_seconds, 2),
        "rows": load["rows"],
        "published": {k: v for k, v in published.items() if k != "seconds"},
        "nodes": dbt["nodes"],
        "dbt_args": args,
    }


PARTIAL_PARSE = "daily_partial_parse.msgpack"


def step_deploy_parse(warehouse: Path, target: Path) -> dict:
    """`dbt parse` with a daily run's --vars, once per deploy: daily runs start from its partial parse."""
    from orchestration.assets.dbt import DbtBuildConfig, daily_build_args, keep_partial_parse
    from orchestration.assets.partitions import export_days

    window = export_days.time_window_for_partition_key("2026-07-01")
    result = dbt_command(warehouse, target, ["parse", *daily_build_args(window, DbtBuildConfig())[1:3]])
    keep_partial_parse(target, target.parent / PARTIAL_PARSE)
    return result


def step_billing(warehouse: Path, target: Path, month: str) -> dict:
    from orchestration.billing.definitions import billing_build_args, billing_dbt_assets

    return dbt_command(warehouse, target, billing_build_args(month) + asset_selection(billing_dbt_assets))


def step_publish(warehouse: Path, serving: Path) -> dict:
    from orchestration import publish

    started = time.monotonic()
    result = publish.publish(warehouse, serving)
    return {"seconds": time.monotonic() - started, **{k: v for k, v in result.items() if k != "seconds"}}


# --------------------------------------------------------------------------- dashboard charts

# Superset's DuckDB engine spec: time grain -> expression
TIME_GRAINS = {
    None: "{col}",
    "PT1H": "DATE_TRUNC('hour', {col})",
    "P1D": "DATE_TRUNC('day', {col})",
    "P1W": "DATE_TRUNC('week', {col})",
    "P1M": "DATE_TRUNC('month', {col})",
    "P3M": "DATE_TRUNC('quarter', {col})",
    "P1Y": "DATE_TRUNC('year', {col})",
}


def _literal(value: object) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def chart_queries(dashboards_dir: Path = DASHBOARDS_DIR) -> dict[str, str]:
    """Every chart's query on the serving warehouse in the Superset bundle, built from its query_context as
    Superset builds it for DuckDB (dataset metric and column expressions, time grains, IN filters, order,
    row limit). Charts of the report registry (a small second database) are not the warehouse's load."""
    import yaml

    from orchestration.bi.generate import DATABASE_UUID

    datasets = {}
    for path in (dashboards_dir / "datasets").glob("*/*.yaml"):
        dataset = yaml.safe_load(path.read_text())
        if dataset["database_uuid"] == DATABASE_UUID:
            datasets[dataset["uuid"]] = dataset
    queries = {}
    for path in sorted((dashboards_dir / "charts").glob("*.yaml")):
        chart = yaml.safe_load(path.read_text())
        dataset = datasets.get(chart["dataset_uuid"])
        if dataset is None:
            continue
        source = (
            f"({dataset['sql']}) AS virtual_table"
            if dataset.get("sql")
            else (f'"{dataset["schema"]}"."{dataset["table_name"]}"')
        )
        metrics = {m["metric_name"]: m["expression"] for m in dataset["metrics"]}
        expressions = {c["column_name"]: c.get("expression") or f'"{c["column_name"]}"' for c in dataset["columns"]}
        for number, query in enumerate(json.loads(chart["query_context"])["queries"]):
            groupby, selected = [], []
            for column in query.get("columns", []):
                if isinstance(column, dict):
                    inner = expressions.get(column["sqlExpression"], column["sqlExpression"])
                    expression = TIME_GRAINS[column.get("timeGrain")].format(col=inner)
                    label = column.get("label") or column["sqlExpression"]
                else:
                    expression, label = expressions.get(column, f'"{column}"'), column
                groupby.append(expression)
                selected.append(f'{expression} AS "{label}"')
            for metric in query.get("metrics", []):
                name = metric if isinstance(metric, str) else metric["label"]
                expression = metrics[metric] if isinstance(metric, str) else metric["sqlExpression"]
                selected.append(f'{expression} AS "{name}"')
            where = [
                f"{expressions.get(f['col'], f['col'])} IN ({', '.join(_literal(v) for v in f['val'])})"
                for f in query.get("filters", [])
                if f["op"] == "IN"
            ]
            if query["extras"].get("where"):
                where.append(f"({query['extras']['where']})")
            sql = f"SELECT {', '.join(selected)} FROM {source}"
            if where:
                sql += " WHERE " + " AND ".join(where)
            if groupby and query.get("metrics"):
                sql += " GROUP BY " + ", ".join(groupby)
            order = [
                f'"{item[0]}" {"ASC" if item[1] else "DESC"}'
                for item in query.get("orderby", [])
                if isinstance(item[0], str)
            ]
            if order:
                sql += " ORDER BY " + ", ".join(order)
            sql += f" LIMIT {int(query.get('row_limit') or 10000)}"
            queries[f"{chart['slice_name']} [{number}]" if number else chart["slice_name"]] = sql
    return queries


def step_charts(serving: Path, repeats: int) -> dict:
    import duckdb

    con = duckdb.connect(str(serving), read_only=True)
    timings = {}
    for name, sql in chart_queries().items():
        durations = []
        for _ in range(repeats):
            started = time.perf_counter()
            con.execute(sql).fetchall()
            durations.append((time.perf_counter() - started) * 1000)
        durations.sort()
        timings[name] = {
            "p50_ms": round(statistics.median(durations), 1),
            "p95_ms": round(durations[min(len(durations) - 1, int(0.95 * len(durations)))], 1),
        }
    con.close()
    worst = max(timings.items(), key=lambda item: item[1]["p95_ms"])
    return {
        "seconds": 0.0,
        "charts": len(timings),
        "worst_p95_ms": worst[1]["p95_ms"],
        "worst_chart": worst[0],
        "median_p50_ms": round(statistics.median(t["p50_ms"] for t in timings.values()), 1),
        "per_chart": timings,
    }


# ------------------------------------------------------------------------------ correctness


def billing_tables(manifest: Path) -> set[tuple[str, str]]:
    """Tables of the models tagged billing: built by the monthly run, not by daily runs."""
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return {(n["schema"], n["alias"]) for n in nodes if n["resource_type"] == "model" and "billing" in n["tags"]}


def differing_rows(
    full: Path, incremental: Path, skipped: set[tuple[str, str]], schemas: tuple[str, ...] = COMPARED_SCHEMAS
) -> dict[str, int]:
    """Rows that differ (both directions, duplicates counted) per table; a missing table counts as -1.

    Rows are compared by a 64-bit hash of their values, grouped: 8 bytes a row instead of whole rows keeps
    the comparison of the largest tables within the memory limit."""
    import duckdb

    from orchestration import settings

    con = duckdb.connect(str(full), read_only=True)
    con.execute("set enable_progress_bar = false")
    con.execute(f"set memory_limit = '{settings.DUCKDB_MEMORY_LIMIT}'")
    con.execute(f"attach '{incremental}' as inc (read_only)")
    listed = (
        "select table_schema, table_name from information_schema.tables where table_catalog = ? and table_schema in {}"
    )
    full_tables = set(con.execute(listed.format(schemas), [full.stem]).fetchall())
    incremental_tables = set(con.execute(listed.format(schemas), ["inc"]).fetchall())
    full_tables, incremental_tables = full_tables - skipped, incremental_tables - skipped
    result = {f"{s}.{t}": -1 for s, t in full_tables ^ incremental_tables}
    for schema, table in sorted(full_tables & incremental_tables):
        columns = ", ".join(
            f'"{name}"'
            for (name,) in con.execute(
                "select column_name from information_schema.columns where table_catalog = ?"
                " and table_schema = ? and table_name = ? and column_name not in (select unnest(?))"
                " order by ordinal_position",
                [full.stem, schema, table, list(IGNORED_COLUMNS)],
            ).fetchall()
        )
        left, right = f'"{schema}"."{table}"', f'inc."{schema}"."{table}"'
        result[f"{schema}.{table}"] = con.execute(
            f"""
            with left_rows as (select hash({columns}) as h, count(*) as n from {left} group by h),
            right_rows as (select hash({columns}) as h, count(*) as n from {right} group by h)
            select coalesce(sum(abs(coalesce(l.n, 0) - coalesce(r.n, 0))), 0)
            from left_rows as l full join right_rows as r on l.h = r.h
            where l.n is distinct from r.n
            """
        ).fetchone()[0]
    con.close()
    return result


def step_compare(full: Path, incremental: Path, manifest: Path) -> dict:
    started = time.monotonic()
    tables = differing_rows(full, incremental, billing_tables(manifest))
    return {
        "seconds": time.monotonic() - started,
        "tables": len(tables),
        "differing_rows": sum(abs(n) for n in tables.values()),
        "differing_tables": {name: n for name, n in tables.items() if n},
    }


# ------------------------------------------------------------------------------------- main


def _daily_detail(day: date, daily: dict) -> str:
    return (
        f"{day}: {daily['rows']:,} rows loaded; load {daily['load_seconds']} s, dbt {daily['dbt_seconds']} s"
        f" (start-up {daily['dbt_startup_seconds']} s), publish {daily['publish_seconds']} s"
        f" ({daily['published'].get('rows_written', 0):,} rows written)"
    )


def _month_of(day: date) -> str:
    return day.replace(day=1).isoformat()


def _ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "-"


def print_table(figures: dict) -> None:
    steps = figures["steps"]
    print(f"\n{'step':<34} {'seconds':>9} {'peak RSS MB':>12}  detail")
    for name, step in steps.items():
        print(f"{name:<34} {step['seconds']:>9.1f} {step.get('peak_rss_mb', 0):>12,}  {step.get('detail', '')}")
    print("\nratios (targets of issue 9 in brackets):")
    for name, (value, target) in figures["ratios"].items():
        print(f"  {name:<52} {value:>6}  [{target}]")
    print(f"\ndiffering rows, daily-incremental vs full build: {figures['correctness']['differing_rows']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.benchmark", description=__doc__.split("\n")[0])
    parser.add_argument("--profile", default="medium", choices=["small", "medium", "large"])
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--days", type=int, default=0, help="use only the first N export days (smoke runs)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--chart-repeats", type=int, default=20)
    parser.add_argument("--workdir", type=Path, default=None, help="kept after the run if given")
    parser.add_argument("--json", type=Path, default=None, help="where the figures go (default: in the workdir)")
    args = parser.parse_args(argv)

    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="cpaas-bench-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["CPAAS_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DBT_LOG_PATH", str(workdir / "dbt_logs"))
    from orchestration import ingestion, settings

    landing = workdir / "landing"
    full, inc = workdir / "full" / "warehouse.duckdb", workdir / "incremental" / "warehouse.duckdb"
    for path in (full, inc):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
    floor_kwargs = {"threads": settings.DUCKDB_THREADS, "memory_limit": settings.DUCKDB_MEMORY_LIMIT}
    steps: dict[str, dict] = {}

    def record(name: str, result: dict, detail: str) -> dict:
        result["detail"] = detail
        steps[name] = result
        print(f"{name:<34} {result['seconds']:>8.1f} s  {result.get('peak_rss_mb', 0):>7,} MB  {detail}", flush=True)
        return result

    if not (landing / "_manifest.json").exists():
        gen = run_step(step_generate, landing=landing, profile=args.profile, months=args.months, seed=args.seed)
        record("generate", gen, f"{gen['lines']:,} lines")
    days = ingestion.available_days(landing)
    if args.days:
        days = days[: args.days]
    if len(days) < 4:
        raise SystemExit("the benchmark needs at least 4 export days")

    floor_load = run_step(step_floor_load, landing=landing, scratch=workdir / "floor.duckdb", days=days, **floor_kwargs)
    record("ingestion floor (read_ndjson)", floor_load, f"{floor_load['rows']:,} rows")
    (workdir / "floor.duckdb").unlink(missing_ok=True)
    load = run_step(step_load, landing=landing, warehouse=full, days=days)
    record(
        "ingestion (all days)", load, f"{load['rows']:,} rows, {load['quarantined']:,} quarantined, {len(days)} days"
    )

    full_build = run_step(step_dbt, warehouse=full, target=workdir / "full" / "target", args=["build"])
    record("full dbt build", full_build, json.dumps(full_build["nodes"]["counts"]))
    floor_build = run_step(
        step_floor_build, landing=landing, scratch=workdir / "floor.duckdb", days=days, **floor_kwargs
    )
    record("full build floor (SQL script)", floor_build, json.dumps(floor_build["rows"]))
    (workdir / "floor.duckdb").unlink(missing_ok=True)

    # the daily-incremental warehouse: the first day built, then one export day at a time
    inc_target, inc_serving = workdir / "incremental" / "target", workdir / "incremental" / "serving.duckdb"
    run_step(step_load, landing=landing, warehouse=inc, days=days[:1])
    first = run_step(step_dbt, warehouse=inc, target=inc_target, args=["build", "--exclude", "tag:billing"])
    record("first day build (incremental)", first, str(days[0]))
    deploy = run_step(step_deploy_parse, warehouse=inc, target=workdir / "incremental" / "deploy-target")
    record("dbt parse (deploy, daily vars)", deploy, "daily runs start from its partial parse")
    daily_start = run_step(
        step_daily, landing=landing, warehouse=inc, serving=inc_serving, target=inc_target, day=days[1]
    )
    record("daily run (start of history)", daily_start, _daily_detail(days[1], daily_start))
    run_step(step_copy_raw, source=full, warehouse=inc, days=days[2:-1])
    window = json.dumps({"min_date": str(days[2]), "max_date": str(days[-2])})
    catch_up = run_step(
        step_dbt, warehouse=inc, target=inc_target, args=["build", "--exclude", "tag:billing", "--vars", window]
    )
    record("catch-up build (incremental)", catch_up, f"{days[2]} .. {days[-2]} in one window")
    # both serving generations catch up (as after two daily runs): the last day's publish writes a day
    for _ in range(2):
        run_step(step_publish, warehouse=inc, serving=inc_serving)
    daily_end = run_step(
        step_daily, landing=landing, warehouse=inc, serving=inc_serving, target=inc_target, day=days[-1]
    )
    record("daily run (end of history)", daily_end, _daily_detail(days[-1], daily_end))

    month = _month_of(days[0])
    billing = run_step(step_billing, warehouse=full, target=workdir / "full" / "target", month=month)
    record("monthly billing run", billing, f"month {month}")
    serving = workdir / "serving" / "warehouse.duckdb"
    published = run_step(step_publish, warehouse=full, serving=serving)
    record("publish (first, full copy)", published, f"{published['tables']} tables, {published['rows']:,} rows")
    charts = run_step(step_charts, serving=serving, repeats=args.chart_repeats)
    record(
        "dashboard chart queries",
        charts,
        f"{charts['charts']} charts x {args.chart_repeats}: median p50 {charts['median_p50_ms']} ms,"
        f" worst p95 {charts['worst_p95_ms']} ms ({charts['worst_chart']})",
    )
    compare = run_step(step_compare, full=full, incremental=inc, manifest=workdir / "full" / "target" / "manifest.json")
    record(
        "compare incremental vs full",
        compare,
        f"{compare['differing_rows']} differing rows in {compare['tables']} tables",
    )

    full_seconds = full_build["seconds"]
    figures = {
        "profile": args.profile,
        "months": args.months,
        "days": len(days),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "duckdb_memory_limit": settings.DUCKDB_MEMORY_LIMIT,
            "duckdb_threads": settings.DUCKDB_THREADS,
        },
        "warehouse_gb": round(full.stat().st_size / 1e9, 2),
        "steps": steps,
        "ratios": {
            "ingestion / floor": (_ratio(load["seconds"], floor_load["seconds"]), "<= 2"),
            "full build / floor": (_ratio(full_seconds, floor_build["seconds"]), "<= 3"),
            "daily run (end) / full build": (_ratio(daily_end["seconds"], full_seconds), "<= 0.05"),
            "daily run (end) / daily run (start)": (_ratio(daily_end["seconds"], daily_start["seconds"]), "<= 1.2"),
            "monthly billing run / full build": (_ratio(billing["seconds"], full_seconds), "<= 0.15"),
            "worst chart p95 ms": (f"{charts['worst_p95_ms']:.0f}", "< 200"),
            "max peak RSS MB": (f"{max(s.get('peak_rss_mb', 0) for s in steps.values()):,}", "< 4096"),
        },
        "correctness": {"differing_rows": compare["differing_rows"], "tables": compare["differing_tables"]},
    }
    json_path = args.json or workdir / f"benchmark-{args.profile}-{args.months}m.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(figures, indent=2, default=str))
    print_table(figures)
    print(f"\nfigures: {json_path}")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if compare["differing_rows"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
