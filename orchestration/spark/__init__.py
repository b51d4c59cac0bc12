"""The Apache Spark target: one place for the session settings (session.py) shared by dbt and the loader."""
