"""Raw ingestion as Dagster assets: one daily partition = one export day, loaded in one transaction."""

from datetime import date

from dagster import (
    AssetExecutionContext,
    AssetSpec,
    BackfillPolicy,
    Config,
    Failure,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from orchestration import ingestion, settings
from orchestration.assets.partitions import export_days
from orchestration.contract import ENTITY_FIELDS

RAW_ASSET_SPECS = [
    AssetSpec(
        key=["raw", entity],
        group_name="raw",
        description=f"raw.{entity}: the platform's {entity} export lines that passed the contract's checks.",
        metadata={"dagster/table_name": f"raw.{entity}"},
    )
    for entity in ENTITY_FIELDS
]


class RawExportDayConfig(Config):
    # explicit override: accept a re-delivered day with fewer rows than were loaded before
    allow_shrink: bool = False


@multi_asset(
    specs=RAW_ASSET_SPECS,
    partitions_def=export_days,
    # every entity of a day is replaced in one transaction: the day is never half-loaded
    can_subset=False,
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
    name="raw_export_day",
)
def raw_export_day(context: AssetExecutionContext, config: RawExportDayConfig):
    day = date.fromisoformat(context.partition_key)
    con = ingestion.connect(settings.WAREHOUSE_PATH)
    try:
        loads = ingestion.load_day(con, settings.LANDING_PATH, day, allow_shrink=config.allow_shrink)
    except ingestion.MissingExportDay as error:
        raise Failure(
            description=f"Export day {day} is missing from the landing folder; other days are unaffected.",
            metadata={"landing": str(settings.LANDING_PATH), "error": str(error)},
        ) from error
    except ingestion.ExportDayError as error:
        raise Failure(
            description=f"Export day {day} was not loaded (the warehouse keeps it as it was): {error}",
            metadata={"landing": str(settings.LANDING_PATH), "error": str(error)},
        ) from error
    finally:
        con.close()
    yield from raw_materializations(context, day, loads)


def raw_materializations(context: AssetExecutionContext, day: date, loads: ingestion.DayLoad):
    """One MaterializeResult per raw table of a loaded day, with its counts (also the Spark loader's)."""
    for problem in loads.problems:
        context.log.warning(f"landing {day}: {problem}")
    for entity, stats in loads.items():
        if stats.quarantined_rows:
            context.log.warning(f"{entity} {day}: {stats.quarantined_rows} lines quarantined: {stats.reasons}")
        if stats.conflicting_keys:
            context.log.warning(f"{entity} {day}: {stats.conflicting_keys} keys with different contents")
        yield MaterializeResult(
            asset_key=["raw", entity],
            metadata={
                "export_date": day.isoformat(),
                "files": stats.files,
                "lines": stats.lines,
                "loaded_rows": MetadataValue.int(stats.loaded_rows),
                "quarantined_rows": MetadataValue.int(stats.quarantined_rows),
                "duplicate_lines": stats.duplicate_lines,
                "conflicting_keys": MetadataValue.int(stats.conflicting_keys),
                "rows_with_extra_fields": stats.rows_with_extra_fields,
                "quarantine_reasons": MetadataValue.json(stats.reasons),
                # unknown entity folders, folders that are not dates, files outside the manifest
                "landing_problems": MetadataValue.json(loads.problems),
            },
        )
