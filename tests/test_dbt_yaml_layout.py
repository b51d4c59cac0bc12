"""One layout for the dbt property files (models/, seeds/, macros/): every nested block indented two
spaces under its key (lists too), keys in one order, recurring column descriptions as doc blocks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import PROJECT_DIR

PROPERTY_FILES = sorted(
    path
    for folder in ("models", "seeds", "macros")
    for path in (PROJECT_DIR / folder).rglob("*.yml")
    if path.name != "exposures.yml"  # generated with the dashboards (orchestration/bi)
)
KEY_ORDER = {
    "file": ["version", "models", "seeds", "macros", "sources", "unit_tests"],
    "node": ["name", "description", "config", "data_tests", "arguments", "columns"],
    "column": ["name", "description", "data_type", "constraints", "data_tests"],
}
DOC_BLOCK = re.compile(r"\{% docs (\w+) %\}")


def _in_order(keys: list[str], order: list[str]) -> bool:
    known = [key for key in keys if key in order]
    return known == sorted(known, key=order.index)


def _indentation_problems(path: Path) -> list[str]:
    """Lines whose block does not start exactly two spaces deeper than the key that opens it."""
    lines = [line for line in path.read_text().splitlines() if line.strip() and not line.lstrip().startswith("#")]
    problems = []
    for line, following in zip(lines, lines[1:], strict=False):
        if re.fullmatch(r"\s*(- )?[\w.-]+:", line.rstrip()):
            depth = len(line) - len(line.lstrip()) + (2 if line.lstrip().startswith("- ") else 0)
            if len(following) - len(following.lstrip()) != depth + 2:
                problems.append(f"{path.name}: {following.strip()[:60]!r} under {line.strip()!r}")
    return problems


@pytest.mark.parametrize("path", PROPERTY_FILES, ids=lambda p: str(p.relative_to(PROJECT_DIR)))
def test_property_file_layout(path: Path):
    assert _indentation_problems(path) == []
    content = yaml.safe_load(path.read_text())
    assert _in_order(list(content), KEY_ORDER["file"])
    for kind in ("models", "seeds", "macros"):
        for node in content.get(kind) or []:
            assert _in_order(list(node), KEY_ORDER["node"]), node["name"]
            for column in node.get("columns") or []:
                assert _in_order(list(column), KEY_ORDER["column"]), (node["name"], column["name"])


def test_indentation_check_sees_a_flush_list(tmp_path: Path):
    flush = tmp_path / "flush.yml"
    flush.write_text("models:\n- name: a\n  columns:\n  - name: b\n")
    assert len(_indentation_problems(flush)) == 2


def test_recurring_columns_use_their_doc_block():
    """A column with a doc block uses it wherever its description would only repeat it."""
    blocks = set(DOC_BLOCK.findall((PROJECT_DIR / "models" / "docs.md").read_text()))
    assert {"company_id", "local_date", "export_date"} <= blocks
    uses: dict[str, int] = dict.fromkeys(blocks, 0)
    for path in PROPERTY_FILES:
        content = yaml.safe_load(path.read_text()) or {}
        tables = [table for source in content.get("sources") or [] for table in source.get("tables") or []]
        for node in (content.get("models") or []) + tables:
            for column in node.get("columns") or []:
                description = column.get("description") or ""
                assert description.strip(), f"{node['name']}.{column['name']} has no description"
                for name in re.findall(r"doc\(['\"](\w+)['\"]\)", description):
                    assert name in blocks, name
                    uses[name] += 1
    assert [name for name, count in uses.items() if count < 2] == []


MACRO = re.compile(r"\{%-?\s*(macro|test)\s+(\w+)\((.*?)\)\s*-?%\}", re.S)


def test_every_macro_is_documented_with_its_arguments():
    """macros/_macros.yml describes every macro of macros/ and names exactly its arguments."""
    defined = {}
    for path in (PROJECT_DIR / "macros").glob("*.sql"):
        for kind, name, arguments in MACRO.findall(path.read_text()):
            key = f"test_{name}" if kind == "test" else name
            defined[key] = [argument.split("=")[0].strip() for argument in arguments.split(",") if argument.strip()]
    documented = {
        macro["name"]: [argument["name"] for argument in macro.get("arguments") or []]
        for macro in yaml.safe_load((PROJECT_DIR / "macros" / "_macros.yml").read_text())["macros"]
    }
    for name, arguments in defined.items():
        assert name in documented, f"macro {name} is not in macros/_macros.yml"
        assert documented[name] == arguments, name
    assert sorted(documented) == sorted(defined)
