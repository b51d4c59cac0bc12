"""Refuse DuckDB SQL that reads around row-level security or reaches files and settings.

Superset's own guard only refuses SELECT sub-queries in custom SQL; DuckDB statements such as
``(SUMMARIZE core.dim_companies)`` pass it and read a whole table without the RLS filter. Every
statement Superset sends to DuckDB (charts, SQL Lab, filter values) goes through `check`, which
works on tokens, so comments and quoted names cannot hide a keyword and strings cannot fake one.
Superset itself never generates any of these constructs.
"""

from __future__ import annotations

import re

from sqlglot.dialects.duckdb import DuckDB
from sqlglot.tokens import TokenType

# Statements that read a table outside the query's FROM (no RLS), write files, or change the session.
REFUSED_WORDS = frozenset(
    {
        "SUMMARIZE",
        "DESCRIBE",
        "SHOW",
        "PIVOT",
        "UNPIVOT",
        "PIVOT_WIDER",
        "PIVOT_LONGER",
        "COPY",
        "ATTACH",
        "DETACH",
        "INSTALL",
        "LOAD",
        "PRAGMA",
        "EXPORT",
        "IMPORT",
        "CALL",
        "SET",
        "RESET",
        "USE",
        "CHECKPOINT",
        "VACUUM",
    }
)
# Table functions and file readers (called as name(...)).
REFUSED_FUNCTIONS = frozenset({"glob", "sniff_csv", "query", "query_table", "getenv", "range_files", "load_extension"})
REFUSED_FUNCTION_PREFIXES = ("read_", "duckdb_", "pragma_", "parquet_", "iceberg_", "delta_", "sqlite_", "postgres_")
REFUSED_FUNCTION_SUFFIXES = ("_scan",)
# A string literal that names a file or a URL.
PATH_LITERAL = re.compile(
    r"^\s*(/|~|\.{1,2}[/\\]|[a-z]:[/\\]|[a-z][a-z0-9+.-]*://)|\.(csv|tsv|parquet|json|jsonl|ndjson|txt|db|duckdb|"
    r"sqlite|xlsx|gz|zst|arrow)\s*$",
    re.IGNORECASE,
)
_QUOTED = {TokenType.STRING, TokenType.IDENTIFIER, TokenType.HEREDOC_STRING}
_STRINGS = {TokenType.STRING, TokenType.HEREDOC_STRING, TokenType.RAW_STRING, TokenType.NATIONAL_STRING}
_TABLE_POSITION = {TokenType.FROM, TokenType.JOIN}


class RefusedSQL(ValueError):
    """The SQL uses a construct the BI layer does not allow."""


def _refused_function(name: str) -> bool:
    name = name.lower()
    return (
        name in REFUSED_FUNCTIONS
        or name.startswith(REFUSED_FUNCTION_PREFIXES)
        or name.endswith(REFUSED_FUNCTION_SUFFIXES)
    )


def check(sql: str) -> str:
    """Return `sql` unchanged, or raise RefusedSQL naming the first refused construct."""
    try:
        tokens = DuckDB().tokenize(sql)
    except Exception as exc:  # noqa: BLE001 - whatever the tokenizer rejects is refused
        raise RefusedSQL(f"SQL could not be checked: {exc}") from exc
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        prev = tokens[i - 1] if i else None
        word = token.text.upper()
        if token.token_type in _STRINGS:
            if PATH_LITERAL.search(token.text) or (prev is not None and prev.token_type in _TABLE_POSITION):
                raise RefusedSQL(f"file paths are not allowed in SQL: {token.text!r}")
            continue
        if token.token_type in _QUOTED:
            continue
        if word in REFUSED_WORDS:
            raise RefusedSQL(f"{word} is not allowed in SQL here")
        if nxt is not None and nxt.token_type == TokenType.L_PAREN:
            if _refused_function(token.text):
                raise RefusedSQL(f"function {token.text}() is not allowed in SQL here")
            if prev is not None and prev.token_type in _TABLE_POSITION:
                raise RefusedSQL(f"table function {token.text}() is not allowed in SQL here")
    return sql
