"""Monthly billing: Dagster assets, job and schedules (definitions.py), invoice PDF and Excel rendering (documents.py)."""
