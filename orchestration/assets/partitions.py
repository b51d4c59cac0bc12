"""Partition definitions shared by the ingestion, dbt and publish assets."""

from __future__ import annotations

import os

from dagster import DailyPartitionsDefinition

# First export day the platform delivered; the generator's default sample starts here too.
EXPORT_START_DATE = os.environ.get("EXPORT_START_DATE", "2026-07-01")

# One partition per export day (UTC, as the landing folders are named).
export_days = DailyPartitionsDefinition(start_date=EXPORT_START_DATE, timezone="UTC")
