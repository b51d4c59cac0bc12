"""Monthly billing: Dagster assets, job and schedule (definitions.py); invoice PDFs and Excel (documents.py)."""
