"""Publishing the finished build to the serving file Superset reads (after the daily and the monthly runs)."""

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    BackfillPolicy,
    MaterializeResult,
    PartitionsDefinition,
    asset,
)

from orchestration import publish, settings


def published_warehouse_asset(
    name: str, upstream: list[AssetKey], partitions_def: PartitionsDefinition
) -> AssetsDefinition:
    @asset(
        name=name,
        group_name="serving",
        partitions_def=partitions_def,
        deps=upstream,
        backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
        description="The marts, copied atomically into the serving DuckDB file that Superset reads.",
    )
    def serving_warehouse(context: AssetExecutionContext) -> MaterializeResult:
        result = publish.publish(settings.WAREHOUSE_PATH, settings.SERVING_WAREHOUSE_PATH)
        context.log.info(f"published {result}")
        return MaterializeResult(metadata={k: v for k, v in result.items() if isinstance(v, int | float | str)})

    return serving_warehouse
