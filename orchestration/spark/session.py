"""The one place for Spark session settings: dbt (target `spark`, method session) and the Spark loader both
build their session here, so they share one warehouse folder and one metastore.

Environment: SPARK_DIR (default <CPAAS_DATA_DIR or data>/spark) holds `warehouse/` (the tables' Parquet
files) and `metastore_db/` (the embedded Derby metastore); SPARK_MASTER (default local[*]);
SPARK_DRIVER_MEMORY (default 2g); SPARK_SHUFFLE_PARTITIONS (default 4: small data on 2 cores).
"""

from __future__ import annotations

import os
from pathlib import Path

from orchestration import settings


def spark_dir() -> Path:
    """Folder of the Spark warehouse and its Derby metastore."""
    value = os.environ.get("SPARK_DIR")
    return Path(value).resolve() if value else settings.DATA_DIR / "spark"


def spark_master() -> str:
    return os.environ.get("SPARK_MASTER", "local[*]")


def spark_conf() -> dict[str, str]:
    """Session settings read from the environment (see the module docstring)."""
    root = spark_dir()
    metastore = root / "metastore_db"
    return {
        "spark.app.name": "cpaas",
        "spark.sql.warehouse.dir": str(root / "warehouse"),
        # the Hive catalog (databases survive the session) in an embedded Derby metastore under SPARK_DIR
        "spark.sql.catalogImplementation": "hive",
        "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={metastore};create=true",
        # Derby writes derby.log into the working directory unless told otherwise
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={root}",
        "spark.sql.shuffle.partitions": os.environ.get("SPARK_SHUFFLE_PARTITIONS", "4"),
        "spark.default.parallelism": os.environ.get("SPARK_SHUFFLE_PARTITIONS", "4"),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # every timestamp of the warehouse is UTC, as in DuckDB (profiles.yml: TimeZone UTC)
        "spark.sql.session.timeZone": "UTC",
        "spark.driver.memory": os.environ.get("SPARK_DRIVER_MEMORY", "2g"),
        # insert_overwrite replaces only the date partitions a run writes
        "spark.sql.sources.partitionOverwriteMode": "dynamic",
        "spark.sql.legacy.timeParserPolicy": "CORRECTED",
        # the metastore cannot parse a partition filter on `_export_date` (raw's partition column; a leading
        # underscore): Spark prunes the partitions itself instead of logging a MetaException per query
        "spark.sql.hive.metastorePartitionPruning": "false",
    }


def spark_session():
    """The process's SparkSession with spark_conf(); created once, then shared (getOrCreate)."""
    from pyspark.sql import SparkSession  # the spark group is optional: import only when used

    root = spark_dir()
    root.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.master(spark_master())
    for key, value in spark_conf().items():
        builder = builder.config(key, value)
    return builder.enableHiveSupport().getOrCreate()
