"""Dagster on Apache Spark: the daily and monthly jobs against the Spark target (docs/spark.md).

Selected by `CPAAS_ENGINE=spark` (orchestration/definitions.py then serves these definitions; DuckDB is
the default), or directly: `dagster dev -m orchestration.spark.definitions`. The daily job loads the
export day with the Spark loader (orchestration/spark/landing.py), then runs `dbt build` of the daily
models on the `spark` target in the same process (orchestration/spark/__main__.py); the monthly job builds
the billing models for the month. The jobs, schedules and raw asset keys have the DuckDB ones' names.

Both steps run in one process (in_process_executor): one JVM, and the embedded Derby metastore of
orchestration/spark/session.py admits one process at a time.
"""

from datetime import date, datetime

from dagster import (
    AssetExecutionContext,
    AssetSelection,
    BackfillPolicy,
    Definitions,
    Failure,
    MaterializeResult,
    RunRequest,
    ScheduleEvaluationContext,
    asset,
    build_schedule_from_partitioned_job,
    define_asset_job,
    in_process_executor,
    multi_asset,
    schedule,
)

from orchestration import settings
from orchestration.assets.dbt import DbtBuildConfig, daily_build_args, daily_build_env, environment
from orchestration.assets.ingestion import RAW_ASSET_SPECS, RawExportDayConfig, raw_materializations
from orchestration.assets.partitions import export_days
from orchestration.billing.definitions import (
    SCHEDULE_HOUR_UTC,
    BillingRunConfig,
    billing_build_args,
    billing_months,
    invoice_grace_days,
    previous_month_key,
)
from orchestration.landing import ExportDayError, MissingExportDay

# dbt on Spark keeps its artifacts (and partial parse) apart from the DuckDB runs' target/
SPARK_DBT_TARGET = settings.PROJECT_DIR / "target" / "spark"


class SparkDbtBuildConfig(DbtBuildConfig):
    # a dbt selection narrowing the daily models (empty: all of them)
    select: str = ""


def run_dbt_on_spark(context: AssetExecutionContext, args: list[str], env: dict[str, str]) -> None:
    """dbt in this process on the `spark` target; a failed build fails the step."""
    from orchestration.spark.__main__ import run_dbt  # pyspark is imported only when a Spark run starts

    context.log.info(f"dbt {' '.join(args)} (target spark)")
    with environment({**env, "DBT_TARGET_PATH": str(SPARK_DBT_TARGET)}):
        code = run_dbt(args)
    if code != 0:
        raise Failure(description=f"dbt on Spark failed (exit code {code}): dbt {' '.join(args)}")


@multi_asset(
    specs=RAW_ASSET_SPECS,
    partitions_def=export_days,
    can_subset=False,
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
    name="raw_export_day",
)
def raw_export_day_spark(context: AssetExecutionContext, config: RawExportDayConfig):
    """The export day into Spark's raw database (orchestration/spark/landing.py)."""
    from orchestration.spark import landing
    from orchestration.spark.session import spark_session

    day = date.fromisoformat(context.partition_key)
    try:
        loads = landing.load_day(spark_session(), settings.LANDING_PATH, day, allow_shrink=config.allow_shrink)
    except MissingExportDay as error:
        raise Failure(
            description=f"Export day {day} is missing from the landing folder; other days are unaffected.",
            metadata={"landing": str(settings.LANDING_PATH), "error": str(error)},
        ) from error
    except ExportDayError as error:
        raise Failure(
            description=f"Export day {day} was not loaded (Spark's raw keeps it as it was): {error}",
            metadata={"landing": str(settings.LANDING_PATH), "error": str(error)},
        ) from error
    yield from raw_materializations(context, day, loads)


def spark_daily_build_args(window, config: SparkDbtBuildConfig) -> list[str]:
    """The DuckDB daily run's `dbt build` arguments (assets/dbt.py), without the monthly billing models."""
    args = daily_build_args(window, config)
    if config.select:  # only the tests whose every parent is selected (a narrowed run builds no others)
        args += ["--select", config.select, "--indirect-selection", "cautious"]
    if "--exclude" in args:  # one --exclude with every excluded selector
        position = args.index("--exclude") + 2
        return [*args[:position], "tag:billing", *args[position:]]
    return [*args, "--exclude", "tag:billing"]


@asset(
    key=["spark", "dbt_daily_models"],
    group_name="spark",
    deps=[spec.key for spec in RAW_ASSET_SPECS],
    partitions_def=export_days,
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
    description="`dbt build` of the daily models (staging, marts) for the export day, on the Spark target.",
)
def spark_dbt_daily_models(context: AssetExecutionContext, config: SparkDbtBuildConfig) -> MaterializeResult:
    window = context.partition_time_window
    args = spark_daily_build_args(window, config)
    windowed = not (config.full_refresh or config.full_tests)  # the window's dates, as the DuckDB daily run
    env = daily_build_env(window, partial_parse=SPARK_DBT_TARGET / "partial_parse.msgpack") if windowed else {}
    run_dbt_on_spark(context, args, env)
    return MaterializeResult(metadata={"dbt_args": " ".join(args), "target": "spark"})


@asset(
    key=["spark", "billing_models"],
    group_name="spark",
    deps=[spark_dbt_daily_models.key],
    partitions_def=billing_months,
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
    description="`dbt build` of the billing models (tag:billing) for the month, on the Spark target.",
)
def spark_billing_models(context: AssetExecutionContext, config: BillingRunConfig) -> MaterializeResult:
    args = [*billing_build_args(context.partition_key, config.as_of), "--select", "tag:billing"]
    run_dbt_on_spark(context, args, {})
    return MaterializeResult(metadata={"dbt_args": " ".join(args), "target": "spark"})


daily_export_job = define_asset_job(
    name="daily_export_job",
    description="On Spark: load one export day into raw, then build the daily dbt models for it.",
    selection=AssetSelection.assets(raw_export_day_spark, spark_dbt_daily_models),
    partitions_def=export_days,
    executor_def=in_process_executor,
)
billing_job = define_asset_job(
    name="billing_job",
    description="On Spark: the month's billing models (usage rating, invoices, reseller report).",
    selection=AssetSelection.assets(spark_billing_models),
    partitions_def=billing_months,
    executor_def=in_process_executor,
)
daily_export_schedule = build_schedule_from_partitioned_job(daily_export_job, hour_of_day=3, minute_of_hour=0)


@schedule(
    name="billing_schedule",
    job=billing_job,
    cron_schedule=f"0 {SCHEDULE_HOUR_UTC} 1-{invoice_grace_days() + 4} * *",
    execution_timezone="UTC",
    description="As the DuckDB billing schedule: the closing month on days 1..grace+4 at 06:00 UTC.",
)
def billing_schedule(context: ScheduleEvaluationContext):
    now = context.scheduled_execution_time or datetime.utcnow()
    key = previous_month_key(now)
    return RunRequest(run_key=f"billing-{key}-{now:%Y%m%d}", partition_key=key)


defs = Definitions(
    assets=[raw_export_day_spark, spark_dbt_daily_models, spark_billing_models],
    jobs=[daily_export_job, billing_job],
    schedules=[daily_export_schedule, billing_schedule],
)
