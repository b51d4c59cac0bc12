"""The loader loads and quarantines exactly what it did before its reading was made faster.

The expectations in tests/ingestion_golden/ were written by the loader as it was before (commit
c53f930, which checked every line with json_type + json_transform on whole lines): per table a row
count and an md5 over the rows' text (load times left out), and for a corpus of awkward lines the
reason or loaded row of each line. `python -m tests.test_ingestion_golden` rewrites them (only when a
change of the contract or the generator is meant to change what loads).
"""

from __future__ import annotations

import gzip
import json
import sys
from datetime import date
from pathlib import Path

import duckdb

from orchestration import ingestion
from orchestration import landing as layout
from orchestration.contract import ENTITY_FIELDS

GOLDEN = Path(__file__).parent / "ingestion_golden"
DAY = date(2026, 7, 15)
LEFT_OUT = ("_loaded_at", "loaded_at")

# lines whose JSON types, values and shapes sit at the edges of what the contract accepts
NOTIFICATION = {
    "message_id": "m-1",
    "company_id": 5,
    "channel": "sms",
    "template_id": 3,
    "recipient_hash": "r",
    "fallback_of": None,
    "is_optional": False,
    "scheduled_for": None,
    "sms_segments": 1,
    "created_at": "2026-07-15T10:00:00Z",
}
TARIFF = {
    "tariff_id": 1,
    "owner_id": 0,
    "company_id": None,
    "service": "sms",
    "price": "0.05",
    "currency": "USD",
    "rounding_seconds": None,
    "valid_from": "2026-01-01T00:00:00Z",
    "valid_to": None,
    "updated_at": "2026-07-15T10:00:00Z",
}
COMPANY = {
    "company_id": 5,
    "name": "Acme",
    "parent_company_id": None,
    "client_type": "client",
    "currency": "USD",
    "timezone": "Europe/Berlin",
    "country": "DE",
    "is_test": False,
    "tags": ["a", "b"],
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-07-15T10:00:00Z",
}
PACKAGE = {
    "package_id": 1,
    "name": "Start",
    "currency": "USD",
    "price": "10.00",
    "included_units": {"sms": 100},
    "updated_at": "2026-07-15T10:00:00Z",
}


def _variants(base: dict, changes: list[dict]) -> list[str]:
    return [json.dumps({**base, **change}) for change in changes]


def _without(base: dict, name: str) -> str:
    return json.dumps({k: v for k, v in base.items() if k != name})


CORPUS: dict[str, list[str]] = {
    "notifications": [
        json.dumps(NOTIFICATION),
        *_variants(
            NOTIFICATION,
            [
                {"message_id": "m-2", "company_id": "5"},
                {"message_id": "m-3", "company_id": 5.0},
                {"message_id": "m-4", "company_id": 1e3},
                {"message_id": "m-5", "company_id": -0},
                {"message_id": "m-6", "company_id": 2**63 - 1},
                {"message_id": "m-7", "company_id": 2**63},
                {"message_id": "m-8", "company_id": 2**64 - 1},
                {"message_id": "m-9", "company_id": 2**64},
                {"message_id": "m-10", "company_id": -(2**63)},
                {"message_id": "m-11", "company_id": -(2**63) - 1},
                {"message_id": "m-12", "company_id": True},
                {"message_id": "m-13", "company_id": None},
                {"message_id": 14},
                {"message_id": "m-\u00e9\u4e2d\U0001f600"},
                {"message_id": 'm-"quoted"\\back\nslash\ttab\u0001ctl'},
                {"message_id": "m-16", "is_optional": "false"},
                {"message_id": "m-17", "is_optional": 0},
                {"message_id": "m-18", "fallback_of": 7},
                {"message_id": "m-19", "fallback_of": "m-1"},
                {"message_id": "m-20", "scheduled_for": "2026-09-01T08:00:00Z"},
                {"message_id": "m-21", "scheduled_for": "2101-01-01T00:00:00Z"},
                {"message_id": "m-22", "created_at": "2026-07-15T10:00:00+02:00"},
                {"message_id": "m-23", "created_at": "2026-07-15 10:00:00"},
                {"message_id": "m-24", "created_at": "2026-07-15"},
                {"message_id": "m-25", "created_at": "yesterday"},
                {"message_id": "m-26", "created_at": "2026-07-17T23:59:59Z"},
                {"message_id": "m-27", "created_at": "2026-07-18T00:00:00Z"},
                {"message_id": "m-28", "created_at": "1999-12-31T23:59:59Z"},
                {"message_id": "m-29", "created_at": "infinity"},
                {"message_id": "m-30", "created_at": 1752573600},
                {"message_id": "m-31", "sms_segments": "2"},
                {"message_id": "m-32", "sms_segments": [1]},
                {"message_id": "m-33", "sms_segments": {"n": 1}},
                {"message_id": "m-34", "channel": None, "template_id": None},
                {"message_id": "m-35", "rcs_flag": True},
                {"message_id": "m-36", "nested": {"a": [1, 2, {"b": None}]}, "z": "\u00fc"},
                {"message_id": "m-37", "created_at": "2026-07-15T10:00:00.123456789Z"},
                {"message_id": "m-38", "created_at": "2026-07-15T10:00:00.5-03:30"},
            ],
        ),
        _without({**NOTIFICATION, "message_id": "m-39"}, "fallback_of"),
        _without({**NOTIFICATION, "message_id": "m-40"}, "created_at"),
        _without({**NOTIFICATION, "message_id": "m-41"}, "scheduled_for"),
        '{"message_id": "m-42", "message_id": "m-42b", "company_id": 5, "channel": "sms", "template_id": 3,'
        ' "recipient_hash": "r", "is_optional": false, "sms_segments": 1, "created_at": "2026-07-15T10:00:00Z"}',
        "  " + json.dumps({**NOTIFICATION, "message_id": "m-43"}) + "  ",
        json.dumps({**NOTIFICATION, "message_id": "m-44"}, indent=None, separators=(",", ":")),
        "",
        "   ",
        "null",
        "[1, 2]",
        '"a string"',
        "42",
        "{",
        '{"message_id": "m-45",}',
        "{}",
        "not json at all",
        '{"message_id": "m-46", "company_id": 01}',
        '{"message_id": "m-47", "company_id": NaN}',
        json.dumps({**NOTIFICATION, "message_id": "m-48", "created_at": "2026-07-15T10:00:00Z"}),
        json.dumps({**NOTIFICATION, "message_id": "m-1"}),
    ],
    "tariffs": [
        json.dumps(TARIFF),
        *_variants(
            TARIFF,
            [
                {"tariff_id": 2, "price": "0.12345678"},
                {"tariff_id": 3, "price": "-0.05"},
                {"tariff_id": 4, "price": 0.05},
                {"tariff_id": 5, "price": "1e-3"},
                {"tariff_id": 6, "price": " 0.05 "},
                {"tariff_id": 7, "price": "abc"},
                {"tariff_id": 8, "price": "999999999999.999999"},
                {"tariff_id": 9, "price": "9999999999999.5"},
                {"tariff_id": 10, "price": "0.0000001"},
                {"tariff_id": 11, "price": "0.100000"},
                {"tariff_id": 12, "price": "0"},
                {"tariff_id": 13, "price": "-0"},
                {"tariff_id": 14, "rounding_seconds": 60, "company_id": 9},
                {"tariff_id": 15, "rounding_seconds": 6.5},
                {"tariff_id": 16, "valid_to": "2099-12-31T23:59:59Z"},
                {"tariff_id": 17, "valid_to": "2100-01-01T00:00:00Z"},
                {"tariff_id": 18, "valid_from": "1999-01-01T00:00:00Z"},
                {"tariff_id": 19, "service": ["sms"]},
            ],
        ),
    ],
    "companies": [
        json.dumps(COMPANY),
        *_variants(
            COMPANY,
            [
                {"company_id": 6, "timezone": "Mars/Olympus_Mons"},
                {"company_id": 7, "timezone": "UTC"},
                {"company_id": 8, "timezone": "europe/berlin"},
                {"company_id": 9, "tags": []},
                {"company_id": 10, "tags": ["a", 1]},
                {"company_id": 11, "tags": "a,b"},
                {"company_id": 12, "tags": None},
                {"company_id": 13, "tags": [None]},
                {"company_id": 14, "is_test": None},
                {"company_id": 15, "parent_company_id": 5},
                {"company_id": 16, "updated_at": "2999-01-01T00:00:00Z"},
                {"company_id": 17, "timezone": 1},
                {"company_id": 18, "tags": [["a"]]},
            ],
        ),
    ],
    "packages": [
        json.dumps(PACKAGE),
        *_variants(
            PACKAGE,
            [
                {"package_id": 2, "included_units": {}},
                {"package_id": 3, "included_units": [1]},
                {"package_id": 4, "included_units": "sms:100"},
                {"package_id": 5, "included_units": {"sms": 100, "nested": {"x": [1, "\u00e9"]}}},
                {"package_id": 6, "included_units": None},
            ],
        ),
    ],
    "exchange_rates": [
        json.dumps({"date": "2026-07-15", "currency": "EUR", "units_per_usd": "0.91"}),
        json.dumps({"date": "2026-07-15", "currency": "GBP", "units_per_usd": "0"}),
        json.dumps({"date": "2026-07-15T00:00:00Z", "currency": "CHF", "units_per_usd": "0.9"}),
        json.dumps({"date": "2026-13-01", "currency": "JPY", "units_per_usd": "150"}),
        json.dumps({"date": "2026-07-20", "currency": "SEK", "units_per_usd": "10"}),
        json.dumps({"date": 20260715, "currency": "NOK", "units_per_usd": "10"}),
    ],
}


def write_corpus(landing: Path) -> None:
    for entity, lines in CORPUS.items():
        folder = landing / entity / f"date={DAY}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{entity}-0001.jsonl.gz").write_bytes(gzip.compress("".join(f"{x}\n" for x in lines).encode()))
    layout.write_day_manifest(landing, DAY)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> str:
    names = [row[0] for row in con.execute(f"describe {table}").fetchall() if row[0] not in LEFT_OUT]
    return ", ".join(f'"{name}"' for name in names)


def fingerprint(warehouse: Path) -> dict[str, list]:
    """Per raw table: [rows, md5 over the sorted md5s of the rows' text] (load times left out)."""
    tables = [f"raw.{entity}" for entity in ENTITY_FIELDS] + ["raw.quarantine", "raw.load_log"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        result = {}
        for table in tables:
            row = f"md5(cast(row({_columns(con, table)}) as varchar))"
            result[table] = list(
                con.execute(
                    f"select count(*), md5(coalesce(string_agg(h, '' order by h), ''))"
                    f" from (select {row} as h from {table})"
                ).fetchone()
            )
    return result


def corpus_outcome(warehouse: Path) -> dict[str, dict[str, str]]:
    """Per entity, line number -> the quarantine reason, or the loaded row's text."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        outcome: dict[str, dict[str, str]] = {}
        for entity in CORPUS:
            columns = _columns(con, f"raw.{entity}").replace('"_line_number", ', "")
            for number, text in con.execute(
                f"select _line_number, cast(row({columns}) as varchar) from raw.{entity}"
            ).fetchall():
                outcome.setdefault(entity, {})[str(number)] = "loaded " + text
        for entity, number, reason, line in con.execute(
            "select entity, line_number, reason, line from raw.quarantine"
        ).fetchall():
            outcome.setdefault(entity, {})[str(number)] = f"quarantined {reason} | {line}"
    return outcome


def _corpus_warehouse(folder: Path) -> Path:
    landing, warehouse = folder / "landing", folder / "w.duckdb"
    write_corpus(landing)
    outcome = ingestion.load_days(landing, warehouse, [DAY], progress=False)
    assert isinstance(outcome[DAY], dict), outcome[DAY]
    return warehouse


def test_awkward_lines_load_and_quarantine_as_before(tmp_path):
    expected = json.loads((GOLDEN / "corpus.json").read_text())
    assert corpus_outcome(_corpus_warehouse(tmp_path)) == expected


def test_the_sample_export_loads_row_for_row_as_before(sample_landing, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    outcome = ingestion.load_days(sample_landing, warehouse, ingestion.available_days(sample_landing), progress=False)
    assert all(isinstance(result, dict) for result in outcome.values())
    expected = json.loads((GOLDEN / "sample_fingerprint.json").read_text())
    assert fingerprint(warehouse) == expected


def main() -> None:
    """Rewrite the expectations with the loader as it is now (see the module's docstring)."""
    import tempfile

    from orchestration.generator import generate
    from tests.conftest import SAMPLE_MONTHS, SAMPLE_SEED, SAMPLE_START

    GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        corpus = corpus_outcome(_corpus_warehouse(folder / "corpus"))
        (GOLDEN / "corpus.json").write_text(json.dumps(corpus, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        landing = folder / "sample" / "landing"
        generate(landing, profile="small", months=SAMPLE_MONTHS, start=SAMPLE_START, seed=SAMPLE_SEED)
        warehouse = folder / "sample" / "w.duckdb"
        ingestion.load_days(landing, warehouse, ingestion.available_days(landing), progress=False)
        (GOLDEN / "sample_fingerprint.json").write_text(json.dumps(fingerprint(warehouse), indent=1) + "\n")


if __name__ == "__main__":
    sys.exit(main())
