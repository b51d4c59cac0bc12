"""Charts are code, offline: the committed dashboards/ is exactly what orchestration/bi/specs/ generates."""

from __future__ import annotations

import io
import re
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import pytest
import yaml

from orchestration import settings
from orchestration.bi import bundle, generate, ui_edits
from orchestration.bi.specs import DASHBOARDS, MODULES
from orchestration.bi.specs.base import Chart, Dashboard, Dataset, select

SPEC_MODULE_MAX_LINES = 300


def test_committed_dashboards_equal_the_specs():
    committed = bundle.read_bundle(bundle.BUNDLE_DIR)
    diff = generate.bundle_diff(generate.generate_bundle(DASHBOARDS), committed)
    assert not diff, "dashboards/ differs from the specs: run `python -m orchestration.bi generate`\n" + "\n".join(
        diff[:80]
    )


def test_generate_writes_the_bundle_and_check_catches_a_hand_edit(tmp_path):
    assert generate.main(["--bundle", str(tmp_path)]) == 0
    assert bundle.read_bundle(tmp_path) == bundle.read_bundle(bundle.BUNDLE_DIR)
    assert generate.main(["--check", "--bundle", str(tmp_path)]) == 0
    chart = next((tmp_path / "charts").glob("calls_*.yaml"))
    chart.write_text(re.sub(r"^description: .*$", "description: edited by hand", chart.read_text(), flags=re.M))
    out = io.StringIO()
    with redirect_stdout(out):
        assert generate.main(["--check", "--bundle", str(tmp_path)]) == 1
    assert f"+++ charts/{chart.name}" in out.getvalue()


def _marts_copy(tmp_path: Path, schema: str) -> tuple[Path, Path]:
    marts = tmp_path / "marts"
    shutil.copytree(generate.MARTS_DIR, marts)
    return marts, marts / schema


def test_dataset_columns_follow_the_mart_contract(tmp_path):
    """A column added to a mart's contract reaches its dataset, typed as the warehouse spells it."""
    marts, folder = _marts_copy(tmp_path, "telephony")
    path = folder / "fct_calls.yml"
    doc = yaml.safe_load(path.read_text())
    doc["models"][0]["columns"].append({"name": "tariff_amount", "data_type": "decimal(18, 4)"})
    path.write_text(yaml.safe_dump(doc))
    files = generate.generate_bundle(DASHBOARDS, marts)
    dataset = yaml.safe_load(files["datasets/cpaas_warehouse/telephony.fct_calls.yaml"])
    added = next(c for c in dataset["columns"] if c["column_name"] == "tariff_amount")
    assert (added["type"], added["is_dttm"], added["groupby"]) == ("DECIMAL(18,4)", False, False)


def test_a_contract_column_without_type_is_refused(tmp_path):
    marts, folder = _marts_copy(tmp_path, "telephony")
    path = folder / "fct_calls.yml"
    doc = yaml.safe_load(path.read_text())
    del doc["models"][0]["columns"][0]["data_type"]
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(generate.SpecError, match="fct_calls needs a data_type on every column"):
        generate.generate_bundle(DASHBOARDS, marts)


def test_a_dataset_without_a_documented_mart_is_refused():
    ghost = Dataset("telephony", "fct_no_such_mart", "local_date", {"rows": "count(*)"})
    dashboard = Dashboard("Ghost", "ghost", [[Chart("Rows", "big_number", ghost, ["rows"])]], [])
    with pytest.raises(generate.SpecError, match="no model fct_no_such_mart"):
        generate.generate_bundle([dashboard])


def test_unknown_columns_metrics_and_charts_in_a_spec_are_refused():
    calls = Dataset("telephony", "fct_calls", "local_date", {"calls": "count(*)"})
    dashboard = Dashboard(
        "Typos",
        "typos",
        [
            [
                Chart("By colour", "pie", calls, ["calls"], ["colour"]),
                Chart("Minutes", "big_number", calls, ["minutes"]),
            ]
        ],
        [select("Colour", calls, "colour"), select("Bot", calls, "bot_id", exclude=("No such chart",))],
    )
    with pytest.raises(generate.SpecError) as refused:
        generate.generate_bundle([dashboard])
    message = str(refused.value)
    assert "chart 'By colour': no column 'colour' in telephony.fct_calls" in message
    assert "chart 'Minutes': no metric 'minutes'" in message
    assert "filter 'Colour': no column 'colour'" in message
    assert "excludes unknown chart 'No such chart'" in message


def test_a_dataset_defined_twice_differently_is_refused():
    first = Dataset("telephony", "fct_calls", "local_date", {"calls": "count(*)"})
    second = Dataset("telephony", "fct_calls", "local_date", {"calls": "count(distinct call_id)"})
    dashboard = Dashboard(
        "Twice", "twice", [[Chart("A", "big_number", first, ["calls"])]], [select("Bot", second, "bot_id")]
    )
    with pytest.raises(generate.SpecError, match="telephony.fct_calls is defined twice"):
        generate.generate_bundle([dashboard])


def test_one_small_spec_module_per_dashboard():
    for module in MODULES:
        path = Path(module.__file__)
        assert path.stem == module.DASHBOARD.slug.replace("-", "_"), path
        assert len(path.read_text().splitlines()) <= SPEC_MODULE_MAX_LINES, path
    assert len({d.slug for d in DASHBOARDS}) == len(DASHBOARDS)


def test_ui_edits_are_named_with_their_spec_module():
    specs = generate.generate_bundle(DASHBOARDS)
    exported = dict(specs)
    chart = next(rel for rel in specs if rel.startswith("charts/calls_by_direction_"))
    exported[chart] = specs[chart].replace("donut: true", "donut: false")
    new_chart = "charts/my_ui_chart_00000000.yaml"
    exported[new_chart] = "slice_name: My UI chart\nuuid: 00000000-0000-0000-0000-000000000000\n"
    out = io.StringIO()
    assert ui_edits.report(specs, exported, out) == 1
    text = out.getvalue()
    assert f"{chart} (changed): orchestration/bi/specs/telephony.py" in text
    assert f"{new_chart} (added in the UI): a new object" in text
    assert "-  donut: true\n+  donut: false" in text
    assert ui_edits.report(specs, dict(specs), io.StringIO()) == 0


def test_docs_give_one_way_to_change_a_chart():
    text = (settings.PROJECT_DIR / "docs" / "bi.md").read_text()
    section = text.split("## Changing a chart", 1)[1].split("\n## ", 1)[0].strip()
    assert 0 < len(section.splitlines()) <= 5, section
    assert "orchestration/bi/specs/" in section and "generate" in section


def test_docs_dashboards_table_is_rendered_from_the_specs(tmp_path):
    from orchestration.bi import catalogue

    assert catalogue.is_current(DASHBOARDS), "docs/bi.md's table differs: run `python -m orchestration.bi generate`"
    stale = tmp_path / "bi.md"
    stale.write_text(
        catalogue.DOC.read_text().replace("| Telephony (`telephony`) | ", "| Telephony (`telephony`) | 3: ")
    )
    assert not catalogue.is_current(DASHBOARDS, stale)
    assert catalogue.write(DASHBOARDS, stale) and catalogue.is_current(DASHBOARDS, stale)
