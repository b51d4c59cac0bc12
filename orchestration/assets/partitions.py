"""Partition definitions shared by the ingestion, dbt and publish assets."""

from __future__ import annotations

from dagster import DailyPartitionsDefinition

from orchestration.settings import EXPORT_START

EXPORT_START_DATE = EXPORT_START.isoformat()

# One partition per export day (UTC, as the landing folders are named).
export_days = DailyPartitionsDefinition(start_date=EXPORT_START_DATE, timezone="UTC")
