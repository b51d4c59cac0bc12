"""A missing export day shows in Dagster: the raw assets' freshness checks warn until the day is loaded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dagster import AssetMaterialization, AssetSelection, DagsterInstance, materialize

from orchestration.assets.freshness import raw_freshness_checks, raw_freshness_sensor
from orchestration.assets.ingestion import RAW_ASSET_SPECS, raw_export_day
from orchestration.definitions import defs


def expected_export_day(now: datetime) -> date:
    """The export day that must be loaded by now: the one ended before the latest 06:00 UTC deadline."""
    return (now - timedelta(hours=6)).date() - timedelta(days=1)


def check_results(instance: DagsterInstance) -> set[tuple[bool, str]]:
    result = materialize(
        [raw_export_day, *raw_freshness_checks],
        instance=instance,
        selection=AssetSelection.checks(*raw_freshness_checks),
    )
    return {(evaluation.passed, evaluation.severity.value) for evaluation in result.get_asset_check_evaluations()}


def load(instance: DagsterInstance, day: date) -> None:
    # the record a loaded export day leaves: one materialisation per raw asset for that partition
    for spec in RAW_ASSET_SPECS:
        instance.report_runless_asset_event(AssetMaterialization(asset_key=spec.key, partition=day.isoformat()))


def test_definitions_register_the_checks_and_their_sensor():
    checked = {key for checks in raw_freshness_checks for key in checks.check_keys}
    assert {key.asset_key for key in checked} == {spec.key for spec in RAW_ASSET_SPECS}
    assert defs.get_sensor_def(raw_freshness_sensor.name)
    assert all(defs.resolve_asset_graph().get_check_spec(key) for key in checked)


def test_a_missing_export_day_warns_until_it_is_loaded():
    expected = expected_export_day(datetime.now(UTC))
    with DagsterInstance.ephemeral() as instance:
        load(instance, expected - timedelta(days=1))
        assert check_results(instance) == {(False, "WARN")}
        load(instance, expected)
        assert check_results(instance) == {(True, "WARN")}
