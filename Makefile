# Quick start: `make run` (sample warehouse + Dagster UI + Superset) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python
# the environment's executables (dbt, dagster, superset) first, without activating the venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
DATA_DIR ?= data
export DAGSTER_HOME ?= $(CURDIR)/$(DATA_DIR)/dagster_home
DAGSTER_PORT ?= 3000
SUPERSET_PORT ?= 8088
PROFILE ?= small
MONTHS ?= 3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup setup-spark run-spark test-spark browser broker run pipeline services dagster superset reports stop test lint format bench docs clean

help:
	@echo "make run    - install, generate a sample export, load, build, start Dagster and Superset"
	@echo "make test   - install and run the whole test suite"
	@echo "make run-spark  - the same pipeline on Apache Spark (local[*]): sample export, Spark load, dbt build"
	@echo "make test-spark - DuckDB/Spark parity of the key figures (tests/spark)"
	@echo "make stop   - stop the Dagster UI, Superset, the report worker, beat and Redis started by make run"
	@echo "make lint / format / bench / docs"

## Installation: the locked Python environment (uv + uv.lock).
setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@if command -v uv >/dev/null 2>&1; then uv sync --frozen --inexact; else python3 -m uv sync --frozen --inexact; fi
	@touch $@

## The Apache Spark target's extra packages (dbt-spark, pyspark); Java 17 comes from Debian.
setup-spark: $(VENV)/.installed-spark

$(VENV)/.installed-spark: $(VENV)/.installed
	@if command -v uv >/dev/null 2>&1; then uv sync --frozen --inexact --group spark; \
		else python3 -m uv sync --frozen --inexact --group spark; fi
	@command -v java >/dev/null 2>&1 || { $(SUDO) apt-get update -qq \
		&& $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless; }
	@touch $@

## Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium).
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq \
		&& $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver; }

## Debian's Redis: the Celery broker of the e-mail reports (Superset's Alerts & Reports).
broker:
	@command -v redis-server >/dev/null 2>&1 || { $(SUDO) apt-get update -qq \
		&& $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server; }

$(DAGSTER_HOME)/dagster.yaml: orchestration/templates/dagster.yaml
	@mkdir -p $(DAGSTER_HOME)
	@cp $< $@

## The main job on the embedded default warehouse (DuckDB), then the UIs.
run: setup pipeline services

pipeline: setup
	$(PY) -m orchestration.pipeline --profile $(PROFILE) --months $(MONTHS)

services: dagster superset reports
	@echo
	@echo "Dagster UI : http://127.0.0.1:$(DAGSTER_PORT)"
	@home=$${SUPERSET_HOME:-$(DATA_DIR)/superset_home}; user=$${SUPERSET_ADMIN_USERNAME:-admin}; \
		if [ -n "$$SUPERSET_ADMIN_PASSWORD" ]; then where="from SUPERSET_ADMIN_PASSWORD"; else where="in $$home/credentials/$$user"; fi; \
		echo "Superset   : http://127.0.0.1:$(SUPERSET_PORT)  (user $$user, password $$where)"
	@echo "Resellers  : one password per user in $${SUPERSET_HOME:-$(DATA_DIR)/superset_home}/credentials/reseller_<id> (readable by you only)"
	@echo "Warehouse  : $(DATA_DIR)/warehouse.duckdb (build), $(DATA_DIR)/serving/warehouse.duckdb (what Superset reads)"
	@echo "E-mail     : Celery worker + beat on Redis (logs in $${SUPERSET_HOME:-$(DATA_DIR)/superset_home}/celery-*.log); SMTP_HOST unset = dry run"
	@echo "Stop all   : make stop"

dagster: setup $(DAGSTER_HOME)/dagster.yaml
	@mkdir -p $(DATA_DIR)/logs
	@if [ -f $(DATA_DIR)/dagster.pid ] && kill -0 $$(cat $(DATA_DIR)/dagster.pid) 2>/dev/null; then \
		echo "Dagster UI already running"; \
	else \
		setsid bash -c 'echo $$$$ > $(DATA_DIR)/dagster.pid; exec $(VENV)/bin/dagster dev -m orchestration.definitions \
			-h 127.0.0.1 -p $(DAGSTER_PORT)' > $(DATA_DIR)/logs/dagster.log 2>&1 < /dev/null & \
		for i in $$(seq 1 120); do curl -sf http://127.0.0.1:$(DAGSTER_PORT)/server_info >/dev/null && break; sleep 1; done; \
		curl -sf http://127.0.0.1:$(DAGSTER_PORT)/server_info >/dev/null || { echo "Dagster UI did not start: see $(DATA_DIR)/logs/dagster.log"; exit 1; }; \
	fi

superset: setup
	$(PY) -m orchestration.bi serve --port $(SUPERSET_PORT)
	$(PY) -m orchestration.bi wait
	$(PY) -m orchestration.bi import
	$(PY) -m orchestration.bi roles

## E-mail reports: Redis, the Celery worker and beat (screenshots with Debian's chromium), the shipped schedules.
reports: setup browser broker
	$(PY) -m orchestration.bi --url http://127.0.0.1:$(SUPERSET_PORT) celery
	$(PY) -m orchestration.bi --url http://127.0.0.1:$(SUPERSET_PORT) schedules

stop:
	-@if [ -f $(DATA_DIR)/dagster.pid ]; then group=$$(cat $(DATA_DIR)/dagster.pid); \
		kill -INT -- -$$group 2>/dev/null; for i in $$(seq 1 20); do kill -0 -- -$$group 2>/dev/null || break; sleep 1; done; \
		kill -KILL -- -$$group 2>/dev/null; rm -f $(DATA_DIR)/dagster.pid; fi
	-$(PY) -m orchestration.bi stop

## The pipeline on Apache Spark (README "Running on Apache Spark"): sample export, the Spark loader into
## raw, then dbt build on the spark target (warehouse and metastore in $(DATA_DIR)/spark, SPARK_DIR to move).
run-spark: setup-spark
	$(PY) -m orchestration.generator --profile $(PROFILE) --months $(MONTHS) --landing $(DATA_DIR)/landing --no-progress
	$(PY) -m orchestration.spark.landing --landing $(DATA_DIR)/landing
	$(PY) -m orchestration.spark dbt build --resource-type model --resource-type seed

## Tests: everything, with real DuckDB, dbt, Dagster, Superset and Chromium (Spark's in make test-spark).
test: setup browser broker
	$(PY) -m pytest -m "not spark"

## DuckDB/Spark parity and the Spark loader (slow: a JVM, a month of data built on both engines).
test-spark: setup-spark
	$(PY) -m pytest tests/spark -m spark -x -s

lint: setup
	$(VENV)/bin/ruff check orchestration tests
	$(VENV)/bin/ruff format --check orchestration tests
	$(VENV)/bin/sqlfluff lint models tests/dbt

format: setup
	$(VENV)/bin/ruff format orchestration tests
	$(VENV)/bin/ruff check --fix orchestration tests
	$(VENV)/bin/sqlfluff fix models tests/dbt

## Benchmark of one profile (docs/benchmarks.md): `make bench PROFILE=medium MONTHS=1`; figures as JSON in $(DATA_DIR)/bench/.
bench: setup
	$(PY) -m orchestration.benchmark --profile $(PROFILE) --months $(MONTHS) \
		--json $(DATA_DIR)/bench/benchmark-$(PROFILE)-$(MONTHS)m.json

docs: setup
	$(VENV)/bin/dbt docs generate --profiles-dir .

clean: stop
	rm -rf $(DATA_DIR) target logs test-artifacts
