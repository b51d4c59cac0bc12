"""The export contract (orchestration/contract.py) is one truth: consistent in itself, the same as the dbt seeds and
sources, and described by docs/export-format.md, which is rendered from it and links only inside the repository."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import yaml

from orchestration import contract as c
from orchestration.contract_docs import DOC_PATH, render
from orchestration.settings import PROJECT_DIR

LINK = re.compile(r"\]\(([^)#\s]+)")


def test_entities_keys_and_time_fields_are_fields_of_the_right_kind():
    assert c.ENTITIES == c.ENTITIES_REFERENCE + c.ENTITIES_EVENTS
    for entity in c.ENTITY.values():
        fields = {f.name: f for f in entity.fields}
        assert len(fields) == len(entity.fields), entity.name
        assert all(fields[key].required for key in entity.keys), entity.name
        assert all(f.kind in c.KINDS for f in entity.fields), entity.name
        if entity.is_event:
            assert fields[entity.time_field].kind == "timestamp" and fields[entity.time_field].required
        else:
            assert entity.time_field is None
    named = [*c.ENUMS, *c.FORWARD_LOOKING, *c.NON_NEGATIVE, *c.POSITIVE, *c.TIME_ZONE_FIELDS]
    for entity, name in named:
        assert name in {f.name for f in c.ENTITY_FIELDS[entity]}, (entity, name)
    assert set(c.BILLABLE_UNITS) == set(c.SERVICES)


def _seed(name: str) -> list[dict[str, str]]:
    with (PROJECT_DIR / "seeds" / f"{name}.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_reference_lists_are_the_dbt_seeds():
    assert c.SERVICES == tuple(row["service"] for row in _seed("services"))
    channels = _seed("channels")
    assert set(c.ENUMS[("notifications", "channel")]) == {
        row["channel"] for row in channels if row["channel_family"] == "notification"
    }
    assert set(c.ENUMS[("chat_messages", "messenger")]) == {
        row["channel"] for row in channels if row["channel_family"] == "messenger"
    }
    assert set(c.ENUMS[("notification_events", "status")]) == {row["status"] for row in _seed("notification_statuses")}
    assert set(c.CURRENCIES) == {row["currency_code"] for row in _seed("currencies")}


def test_dbt_sources_and_staging_enums_agree_with_the_contract():
    """The raw tables dbt documents are the contract's entities with its fields; wherever a staging model
    tests a contract field's accepted values, they are the contract's."""
    sources = yaml.safe_load((PROJECT_DIR / "models/staging/platform/_platform__sources.yml").read_text())
    (platform,) = sources["sources"]
    tables = {t["name"]: [col["name"] for col in t.get("columns", [])] for t in platform["tables"]}
    assert set(c.ENTITIES) <= set(tables)  # besides the loader's own quarantine and load log
    for entity in c.ENTITIES:
        columns = tables[entity]
        assert [name for name in columns if not name.startswith("_")] == [f.name for f in c.ENTITY_FIELDS[entity]]
    compared = 0
    for path in (PROJECT_DIR / "models/staging/platform").glob("**/stg_platform__*.yml"):
        for model in yaml.safe_load(path.read_text()).get("models", []):
            entity = model["name"].removeprefix("stg_platform__")
            for column in model.get("columns", []):
                for test in column.get("data_tests", []) or []:
                    accepted = test.get("accepted_values") if isinstance(test, dict) else None
                    if accepted and (entity, column["name"]) in c.ENUMS:
                        values = (accepted.get("arguments") or accepted)["values"]
                        assert set(values) == set(c.ENUMS[(entity, column["name"])]), (entity, column["name"])
                        compared += 1
    assert compared or not list((PROJECT_DIR / "models/staging/platform").glob("**/*.yml"))


def test_export_format_page_is_rendered_from_the_contract(tmp_path):
    assert DOC_PATH.read_text() == render(), "run `python -m orchestration.contract docs`"
    command = [sys.executable, "-m", "orchestration.contract", "docs", "--check"]
    assert subprocess.run(command, cwd=PROJECT_DIR).returncode == 0
    stale = tmp_path / "export-format.md"
    stale.write_text(render().replace("| `sms` |", "| `sms_v0` |"))
    result = subprocess.run([*command, "--output", str(stale)], cwd=PROJECT_DIR, capture_output=True, text=True)
    assert result.returncode == 1 and "orchestration.contract docs" in result.stderr
    page = render()
    for entity in c.ENTITY.values():
        assert f"### {entity.name}" in page
        assert all(f"| `{f.name}` | {f.kind} |" in page for f in entity.fields), entity.name
    assert all(kind in page for kind in c.LINE_IRREGULARITIES)


def test_the_projects_docs_link_only_inside_the_repository():
    pages = [PROJECT_DIR / "README.md", *sorted((PROJECT_DIR / "docs").glob("*.md"))]
    for page in pages:
        text = page.read_text()
        assert "EXPORT_CONTRACT" not in text and "shared/" not in text, page.name
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):  # a URL (the services' own addresses)
                continue
            resolved = (page.parent / target).resolve()
            assert resolved.is_relative_to(PROJECT_DIR) and resolved.exists(), (page.name, target)


def test_the_readme_points_at_the_export_format_page():
    assert "(docs/export-format.md)" in (PROJECT_DIR / "README.md").read_text()
    assert "(export-format.md)" in Path(PROJECT_DIR / "docs" / "landing-layout.md").read_text()
