"""Macro exact_divide (billing's only division) against Python's exact decimal arithmetic, on DuckDB."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

import duckdb

from orchestration import settings

SELECT = (
    "select {{ exact_divide(['q', 'p', 'r'], ['u', 'f']) }} as per_unit,"
    " {{ exact_divide(['a', 'r'], 'f') }} as converted,"
    " {{ exact_divide('q', 'u') }} as units"
    " from operands"
)
TWELVE_DECIMALS = Decimal("1e-12")


def dbt_compile_inline(tmp_path: Path, sql: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb"),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "BILLING_LEDGER_PATH": str(tmp_path / "ledger.duckdb"),
    }
    dbt = str(Path(sys.executable).parent / "dbt")
    return subprocess.run(
        [dbt, "-q", "compile", "--inline", sql, "--profiles-dir", str(settings.PROJECT_DIR)],
        env=env,
        cwd=settings.PROJECT_DIR,
        capture_output=True,
        text=True,
    )


def operands(count: int) -> list[tuple]:
    """(q, p, r, u, f, a): quantities, prices, rates, divisors, amounts within the macro's bounds."""
    rng = random.Random(7)
    halves = [  # exact halves at the 13th decimal round away from zero
        (1, Decimal("0.000001"), Decimal("0.000001"), 2, Decimal("1"), Decimal("-0.000001")),
        (-1, Decimal("0.000001"), Decimal("0.000001"), 2, Decimal("1"), Decimal("0.000001")),
    ]
    rows = []
    while len(rows) < count:
        large = rng.random() < 0.2
        q = rng.randint(-(10**6) if large else 0, 10**7 if large else 5000)
        p = Decimal(str(round(rng.uniform(-1e4, 1e5) if large else rng.uniform(-5, 50), 6)))
        r = Decimal(str(round(rng.choice([1, 0.000001, 123456.789, rng.uniform(0.0001, 200000)]), 6)))
        u = rng.choice([1, 3, 60, 1000])
        f = Decimal(str(round(rng.choice([1, 0.000001, 3, rng.uniform(0.0001, 200000)]), 6)))
        a = Decimal(str(round(rng.uniform(-2.5e6, 2.5e6), 6)))
        if abs(q * p * r) < Decimal("7e13") and abs(a * r) < Decimal("7e13"):
            rows.append((q, p, r, u, f, a))
    return halves + rows


def exact(numerator: Decimal, denominator: Decimal) -> Decimal:
    with localcontext(prec=80):
        return (numerator / denominator).quantize(TWELVE_DECIMALS, rounding=ROUND_HALF_UP)


def test_exact_divide_rounds_half_away_from_zero_at_twelve_decimals(tmp_path):
    compiled = dbt_compile_inline(tmp_path, SELECT)
    assert compiled.returncode == 0, compiled.stdout[-3000:] + compiled.stderr[-3000:]
    rows = operands(20_000)
    con = duckdb.connect()
    con.execute(
        "create table operands (q bigint, p decimal(18, 6), r decimal(18, 6), u integer, f decimal(18, 6),"
        " a decimal(18, 6))"
    )
    con.executemany("insert into operands values (?, ?, ?, ?, ?, ?)", rows)
    results = con.execute(compiled.stdout).fetchall()
    wrong = [
        (row, got)
        for row, got in zip(rows, results, strict=True)
        if got
        != (
            exact(row[0] * row[1] * row[2], row[3] * row[4]),
            exact(row[5] * row[2], row[4]),
            exact(Decimal(row[0]), Decimal(row[3])),
        )
    ]
    assert not wrong, wrong[:5]
    assert results[0][0] == Decimal("1e-12") and results[1][0] == Decimal("-1e-12")


def test_a_product_passed_as_one_factor_is_refused(tmp_path):
    compiled = dbt_compile_inline(tmp_path, "select {{ exact_divide('q * p', 'u') }} from operands")
    assert compiled.returncode != 0
    assert "pass a product as a list of factors" in compiled.stdout + compiled.stderr
