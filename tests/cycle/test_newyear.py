"""Tests for envkpi.newyear: starting a fiscal year from the previous one (``envkpi new-year``).

Everything runs on a copy of the repository's ``parameters/`` and ``data/`` in pytest's ``tmp_path``;
the repository itself is never written.
"""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from envkpi.cycle import newyear
from envkpi.cycle.newyear import (NewYearError, WHAT_CHANGED_PLACEHOLDER, YEAR_TABLES, carry_over_parameters,
    new_year, template_dictionary)
from envkpi.core.parameters import ParameterError, carried_over, what_changed_problems
from envkpi.families import families, load_parameters, year_tables

REPO = Path(__file__).resolve().parents[2]
TODAY = date(2019, 4, 2)
COMMENT = "carried over from FY2018: confirm value and source, then delete carried_over_from"


#: The example explanation each family declares, in family order.
EXAMPLES = [family.explanation_example for family in families() if family.explanation_example]


def explanations_note(previous: int) -> list[str]:
    """The comment above ``explanations: {}`` in a new year's file: what goes there, in which form."""
    return [
        f"# Why headline results moved by more than the flag threshold since FY{previous}: one line per flagged",
        f"# indicator with the change it explains (signed percent change of the headline since FY{previous}), e.g.",
        # one example per family that declares one (the sample's: CO2-01, PRD-01)
        *(f'#   {indicator_id}: {{change: "+12 %", text: "{why}"}}' for indicator_id, why in EXAMPLES),
        "# Per year, never carried over. A flagged change without an explanation, or with a stated change of the",
        "# other sign or more than changes.explanation_tolerance away from the observed one, stops the run.",
    ]


def what_changed_lines(previous: int) -> list[str]:
    """The statement of what changed in a new year's file: a comment on what goes there, the placeholder."""
    return [
        f"# What changed from FY{previous}, in the team's words (method, factors, boundary, sites): shown at",
        "# the top of the changes report and of the index. A run refuses the placeholder below.",
        "what_changed: |-",
        f"  (write here: what changed from FY{previous}: method, factors, boundary, sites)",
    ]


def state_what_changed(text: str, statement: str = "Nothing in the method; new data only.") -> str:
    """What a person does after writing the year's statement: the placeholder replaced by it."""
    lines = text.splitlines(keepends=True)
    at = lines.index("what_changed: |-\n")
    assert lines[at + 1].startswith("  (write here: what changed from FY")
    lines[at + 1] = f"  {statement}\n"
    return "".join(lines)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project root in tmp_path holding copies of parameters/ and data/."""
    shutil.copytree(REPO / "parameters", tmp_path / "parameters")
    shutil.copytree(REPO / "data", tmp_path / "data")
    return tmp_path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root with its content."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def expected_paths(source: Path) -> set[str]:
    """Key paths a year file carries, found independently of the module: the standard block, every
    boundary exclusion and every mapping with ``value``."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    found = set()

    def walk(node, path):
        if isinstance(node, dict):
            if "value" in node:
                found.add(path)
                return
            for key, child in node.items():
                walk(child, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            for number, child in enumerate(node):
                walk(child, f"{path}[{number}]")

    for key, child in data.items():
        if key == "standard":
            found.add("standard")
        elif key == "boundary":
            found.update(f"boundary.excluded_entities[{n}]" for n in range(len(child.get("excluded_entities", []))))
        walk(child, key)
    return found


def confirm_all(text: str, source_year: int = 2018) -> str:
    """What a person does after confirming every carried value: delete each marker and its comment."""
    lines = []
    for line in text.splitlines(keepends=True):
        if "carried_over_from" not in line:
            lines.append(line)
        elif line.strip().startswith("carried_over_from:"):
            continue
        else:
            body = line.split(f"  # carried over from FY{source_year}")[0].replace(f", carried_over_from: {source_year}", "")
            lines.append(body.rstrip() + "\n")
    return "".join(lines)


# --- new_year on the repository's FY2018 ----------------------------------------------------------

def test_creates_parameter_file_and_every_template(root: Path):
    written = new_year(root, 2019, today=TODAY)

    year_file = root / "parameters" / "FY2019.yaml"
    folder = root / "data" / "FY2019"
    specs = year_tables()
    expected = [year_file, folder / "README.md", *(folder / spec.file_name for spec in specs)]
    assert written == sorted(expected)
    assert all(path.is_file() for path in written)
    assert sorted(p.name for p in folder.iterdir()) == sorted(["README.md", *(s.file_name for s in specs)])
    assert YEAR_TABLES == specs


def test_new_file_loads_as_the_new_year(root: Path):
    new_year(root, 2019, today=TODAY)
    params = load_parameters(root / "parameters" / "FY2019.yaml", root=root)
    assert params.fiscal_year == 2019
    assert params.period == (date(2019, 4, 1), date(2020, 3, 31))
    assert params.explanations == {}
    # the statement of what changed is the year's own: the placeholder, which a run refuses
    assert params.what_changed == "(write here: what changed from FY2018: method, factors, boundary, sites)"
    assert params.what_changed == WHAT_CHANGED_PLACEHOLDER.format(previous=2018)
    assert what_changed_problems(params, "parameters/FY2019.yaml") == [
        "parameters/FY2019.yaml: what_changed: still the template's placeholder; state what changed from FY2018 "
        "(method, factors, boundary, sites)"]
    # the values themselves are carried unchanged
    before = load_parameters(root / "parameters" / "FY2018.yaml", root=root)
    assert params.avoided_emissions.pv.lifetime.value == before.avoided_emissions.pv.lifetime.value == 25
    assert params.boundary.excluded_entities[1].name == before.boundary.excluded_entities[1].name
    assert params.standard.title == before.standard.title


def test_the_example_of_the_explanations_comment_is_an_explanation_that_loads(root: Path):
    """Written as the comment of the new file shows (its example line uncommented), an explanation loads
    with the change it states; the old plain-text form is refused."""
    new_year(root, 2019, today=TODAY)
    year_file = root / "parameters" / "FY2019.yaml"
    text = confirm_all(year_file.read_text(encoding="utf-8"))
    example = next(line for line in text.splitlines() if line.startswith("#   PRD-01: {change:"))
    year_file.write_text(text.replace("explanations: {}", "explanations:\n" + example.removeprefix("# ")),
                         encoding="utf-8")
    params = load_parameters(year_file, root=root)
    assert params.explanations["PRD-01"].percent == 12.0
    assert params.explanations["PRD-01"].text == "New site JP-13 inside the boundary."

    year_file.write_text(text.replace("explanations: {}", 'explanations:\n  PRD-01: "New site JP-13."'),
                         encoding="utf-8")
    with pytest.raises(ParameterError) as caught:
        load_parameters(year_file, root=root)
    assert caught.value.problems == [
        "parameters/FY2019.yaml: explanations.PRD-01: plain text 'New site JP-13.'; expected "
        '{change: "+12 %", text: "why it moved"}: the signed percent change of the headline since last year '
        "that the text explains, and the text"]


def test_carried_over_lists_every_carried_value(root: Path):
    new_year(root, 2019, today=TODAY)
    params = load_parameters(root / "parameters" / "FY2019.yaml", root=root)
    listed = [path for path, year in carried_over(params)]
    assert {year for _, year in carried_over(params)} == {2018}
    for path in ("avoided_emissions.pv.lifetime", "boundary.excluded_entities[0]", "boundary.excluded_entities[1]",
                 "production.city_gas_suppliers.tokyo_gas.calorific_value", "standard"):
        assert path in listed
    assert set(listed) == expected_paths(root / "parameters" / "FY2018.yaml")
    assert len(listed) == len(set(listed))
    assert params.avoided_emissions.pv.lifetime.carried_over_from == 2018
    assert params.boundary.excluded_entities[0].carried_over_from == 2018
    assert params.standard.carried_over_from == 2018
    # the values of common.yaml are not the year's to carry
    assert params.production.electricity_factors["JP"].carried_over_from is None


def test_comments_and_layout_survive(root: Path):
    new_year(root, 2019, today=TODAY)
    text = (root / "parameters" / "FY2019.yaml").read_text(encoding="utf-8")
    source = (root / "parameters" / "FY2018.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()

    assert lines[0] == ("# FY2019 — 1 April 2019 to 31 March 2020. "
                        "Created by envkpi new-year from FY2018 on 2019-04-02.")
    assert lines[1:4] == ["fiscal_year: 2019", "extends: common.yaml", ""]
    # the statement of what changed is the year's own: the placeholder where the source had its statement
    at = lines.index("what_changed: |-")
    assert lines[at - 2: at + 2] == what_changed_lines(2018) and lines[at + 2] == ""
    assert "PV lifetime 20 → 25 years (the panels' output warranty" not in text  # FY2018's statement is not carried
    assert "fiscal_year: 2019" in lines and "fiscal_year: 2018" not in text
    assert "# City gas: the supplier's published calorific value (the standard's rule for city gas)." in text
    assert "  description: >-" in lines  # the folded scalar keeps its style

    markers = [line for line in lines if "carried_over_from" in line]
    assert len(markers) == len(expected_paths(REPO / "parameters" / "FY2018.yaml")) >= 13  # one per year-specific value
    for line in markers:
        assert line.endswith(f"  # {COMMENT}"), line
        assert line.count("carried over from FY2018") == 1

    # the explanations are the year's own: empty, with a comment on what goes there and in which form
    at = lines.index("explanations: {}")
    note = explanations_note(2018)
    assert lines[at - len(note): at] == note
    assert "since FY2017" not in text

    # apart from the opening comment, the statement of what changed, the explanations and the markers, the
    # file is the source line for line
    def body(lines: list[str]) -> list[str]:
        kept, skipping = [], False
        for line in lines:
            if line.startswith(("explanations:", "what_changed:")):
                while kept and kept[-1].startswith("#"):
                    kept.pop()  # the comment above the key
                skipping = True
                continue
            if skipping and (line.startswith((" ", "#")) or not line.strip()):  # a block scalar may hold blank lines
                continue
            skipping = False
            if line.strip().startswith("carried_over_from:"):
                continue
            kept.append(line.split(f"  # {COMMENT}")[0].replace(", carried_over_from: 2018", ""))
        while kept and kept[0].startswith("#"):
            kept.pop(0)  # the opening comment
        return [line for line in kept if line.strip()]

    assert body(lines) == [line.replace("fiscal_year: 2018", "fiscal_year: 2019") for line in body(source.splitlines())]
    # and the blank lines between the sections are where they were
    for key in ("standard:", "boundary:", "production:", "avoided_emissions:"):
        assert lines[lines.index(key) - 1] == ""


def test_templates_have_the_spec_header_only(root: Path):
    new_year(root, 2019, today=TODAY)
    folder = root / "data" / "FY2019"
    for spec in YEAR_TABLES:
        raw = (folder / spec.file_name).read_bytes()
        assert b"\r" not in raw and not raw.startswith(b"\xef\xbb\xbf")
        with open(folder / spec.file_name, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows == [[column.name for column in spec.columns]], spec.name
        assert raw.decode("utf-8") == ",".join(c.name for c in spec.columns) + "\n"


def test_readme_is_the_generated_dictionary(root: Path):
    new_year(root, 2019, today=TODAY)
    readme = (root / "data" / "FY2019" / "README.md").read_text(encoding="utf-8")
    assert readme == template_dictionary(YEAR_TABLES, fiscal_year=2019)
    assert "empty templates" in readme
    assert "envkpi run --fy 2019" in readme and "carried_over_from" in readme


def test_sources_untouched(root: Path):
    common, fy2018 = root / "parameters" / "common.yaml", root / "parameters" / "FY2018.yaml"
    before = {p: digest(p) for p in (common, fy2018)}
    data_before = {k: v for k, v in snapshot(root).items() if k.startswith("data/")}
    new_year(root, 2019, today=TODAY)
    assert {p: digest(p) for p in (common, fy2018)} == before
    after = {k: v for k, v in snapshot(root).items() if k.startswith("data/") and not k.startswith("data/FY2019/")}
    assert after == data_before


def test_second_call_refuses_and_changes_nothing(root: Path):
    new_year(root, 2019, today=TODAY)
    (root / "data" / "FY2019" / "sites.csv").write_text("site_id\nedited\n", encoding="utf-8")
    before = snapshot(root)
    with pytest.raises(NewYearError, match="FY2019 exists already"):
        new_year(root, 2019, today=date(2019, 5, 1))
    assert snapshot(root) == before


@pytest.mark.parametrize("existing", ["parameters", "data"])
def test_refuses_when_either_part_of_the_year_exists(root: Path, existing: str):
    if existing == "parameters":
        (root / "parameters" / "FY2019.yaml").write_text("fiscal_year: 2019\n", encoding="utf-8")
    else:
        (root / "data" / "FY2019").mkdir()
    before = snapshot(root)
    with pytest.raises(NewYearError, match="FY2019"):
        new_year(root, 2019, today=TODAY)
    assert snapshot(root) == before
    assert (root / "data" / "FY2019").exists() == (existing == "data")


def test_missing_source_year_raises_naming_it(root: Path):
    before = snapshot(root)
    with pytest.raises(NewYearError, match=r"parameters/FY2024\.yaml not found"):
        new_year(root, 2025, today=TODAY)
    with pytest.raises(NewYearError, match=r"parameters/FY2016\.yaml not found"):
        new_year(root, 2019, source_year=2016, today=TODAY)
    assert snapshot(root) == before
    assert not (root / "data" / "FY2025").exists()


def test_explicit_source_year(root: Path):
    new_year(root, 2019, source_year=2017, today=TODAY)
    text = (root / "parameters" / "FY2019.yaml").read_text(encoding="utf-8")
    assert "Created by envkpi new-year from FY2017 on 2019-04-02." in text
    assert "carried over from FY2017: confirm value and source" in text
    params = load_parameters(root / "parameters" / "FY2019.yaml", root=root)
    assert params.avoided_emissions.pv.lifetime.value == 20  # FY2017's value, to be confirmed
    assert {path for path, _ in carried_over(params)} == expected_paths(root / "parameters" / "FY2017.yaml")


def test_source_that_does_not_load_is_refused(root: Path):
    year = root / "parameters" / "FY2018.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace("unit: year", "unit: kg"), encoding="utf-8")
    before = snapshot(root)
    with pytest.raises(NewYearError, match="FY2018.yaml does not load"):
        new_year(root, 2019, today=TODAY)
    assert snapshot(root) == before


def test_failure_while_writing_leaves_nothing(root: Path, monkeypatch):
    def broken(*args, **kwargs):
        raise NewYearError("simulated")

    monkeypatch.setattr(newyear, "_check", broken)
    before = snapshot(root)
    with pytest.raises(NewYearError, match="simulated"):
        new_year(root, 2019, today=TODAY)
    assert snapshot(root) == before
    assert not (root / "data" / "FY2019").exists()


def test_unconfirmed_year_carried_again(root: Path):
    new_year(root, 2019, today=TODAY)
    new_year(root, 2020, today=date(2020, 4, 1))
    text = (root / "parameters" / "FY2020.yaml").read_text(encoding="utf-8")
    assert "carried over from FY2018" not in text and "carried_over_from: 2018" not in text
    assert text.count("# Why headline results moved") == 1 and "since FY2019" in text
    markers = [line for line in text.splitlines() if "carried_over_from" in line]
    assert len(markers) == len(expected_paths(REPO / "parameters" / "FY2018.yaml")) >= 13  # one per year-specific value
    assert all(line.count("# carried over from FY2019") == 1 for line in markers)
    params = load_parameters(root / "parameters" / "FY2020.yaml", root=root)
    assert params.fiscal_year == 2020
    assert {path for path, _ in carried_over(params)} == expected_paths(root / "parameters" / "FY2018.yaml")


def test_confirmed_and_filled_year_loads(root: Path):
    """Once every value is confirmed and every table filled, the year loads with no carried value and
    its tables are read by the family loaders."""
    from envkpi.families.avoided_emissions.tables import load_avoided_inputs
    from envkpi.families.product_use.tables import load_product_use_inputs
    from envkpi.families.production.tables import load_production_inputs

    new_year(root, 2019, today=TODAY)
    year_file = root / "parameters" / "FY2019.yaml"
    year_file.write_text(state_what_changed(confirm_all(year_file.read_text(encoding="utf-8"))), encoding="utf-8")
    for spec in YEAR_TABLES:
        shutil.copyfile(root / "data" / "FY2018" / spec.file_name, root / "data" / "FY2019" / spec.file_name)

    params = load_parameters(year_file, root=root)
    assert carried_over(params) == []
    assert params.what_changed == "Nothing in the method; new data only."
    assert what_changed_problems(params, "parameters/FY2019.yaml") == []
    assert params.fiscal_year == 2019
    folder = root / "data" / "FY2019"
    history = root / "data" / "history"
    load_production_inputs(params, folder, history / "site_history.csv", root=root)
    load_avoided_inputs(params, folder, root / "data" / "reference" / "outdoor_temperature.csv",
                        history / "avoided_emissions.csv", root=root)
    load_product_use_inputs(params, folder, root=root)


def test_run_preflight_lists_what_is_missing_then_nothing(root: Path):
    """The runner's check before a run: every carried value, the placeholder of what_changed and every
    empty table, then, once filled (the history has the previous year, written when it was published),
    nothing."""
    from envkpi.running.runner import preflight
    from envkpi.families import names as family_names

    names = list(family_names())

    new_year(root, 2019, today=TODAY)
    year_file = root / "parameters" / "FY2019.yaml"
    folder = root / "data" / "FY2019"
    params = load_parameters(year_file, root=root)
    problems = preflight(root, params, year_file, folder, names)
    text = "\n".join(problems)
    for path, _ in carried_over(params):
        assert f": {path}: " in text
    assert "parameters/FY2019.yaml: what_changed: still the template's placeholder" in text
    for spec in year_tables():
        if (folder / spec.file_name).exists():
            # a table whose header-only file is a result (zero events; TableSpec.may_be_empty) is not refused:
            # the carried-over parameters above stop the run until its year is confirmed
            assert (f"data/FY2019/{spec.file_name}: no rows" in text) != spec.may_be_empty

    year_file.write_text(state_what_changed(confirm_all(year_file.read_text(encoding="utf-8"))), encoding="utf-8")
    for spec in YEAR_TABLES:
        shutil.copyfile(root / "data" / "FY2018" / spec.file_name, folder / spec.file_name)
    for name in ("site_history.csv", "avoided_emissions.csv"):  # publishing FY2018 wrote its rows: nothing to type
        assert "FY2018 as published on" in (root / "data" / "history" / name).read_text(encoding="utf-8")
    params = load_parameters(year_file, root=root)
    assert preflight(root, params, year_file, folder, names) == []


# --- the pure functions ------------------------------------------------------------------------------

BLOCK = """\
# FY2030 — old opening comment
# What changed: much
fiscal_year: 2030
extends: common.yaml
explanations:
  PRD-01: "a big change"

standard: {title: T, edition: E, source: S}  # the standard's note

boundary:
  description: d
  excluded_entities:
    - {name: A, reason: r, source: "src a"}
    - name: B
      reason: r
      source: "src b"
production:
  fuel:
    lifetime:
      value: 10
      unit: year
      source: "block style"

  # a comment before the next key
  other: {value: 1, unit: year, source: "flow"}  # an original note
  vehicles:
    EV: {life: {value: 12, unit: year, source: &s "shared"}, distance: {value: 1, unit: km, source: *s}}
"""


def test_carry_over_parameters_block_flow_and_comments():
    text, paths = carry_over_parameters(BLOCK, year=2031, source_year=2030, today=date(2031, 4, 1))
    data = yaml.safe_load(text)
    comment = "# carried over from FY2030: confirm value and source, then delete carried_over_from"

    assert paths == ["standard", "boundary.excluded_entities[0]", "boundary.excluded_entities[1]",
                     "production.fuel.lifetime", "production.other", "production.vehicles.EV.life",
                     "production.vehicles.EV.distance"]
    assert data["fiscal_year"] == 2031 and data["explanations"] == {}
    assert data["standard"]["carried_over_from"] == 2030
    assert all(item["carried_over_from"] == 2030 for item in data["boundary"]["excluded_entities"])
    assert data["production"]["fuel"]["lifetime"] == {"value": 10, "unit": "year", "source": "block style",
                                                      "carried_over_from": 2030}
    assert data["production"]["vehicles"]["EV"]["distance"]["source"] == "shared"  # the alias survives

    lines = text.splitlines()
    assert lines[0].startswith("# FY2031 — 1 April 2031 to 31 March 2032. Created by envkpi new-year from FY2030")
    assert "old opening comment" not in text and "a big change" not in text and "What changed: much" not in text
    assert data["what_changed"] == "(write here: what changed from FY2030: method, factors, boundary, sites)"
    at = lines.index("explanations: {}")
    # the statement of what changed, added after extends, then the explanations
    expected = ["extends: common.yaml", "", *what_changed_lines(2030), "", *explanations_note(2030)]
    assert lines[at - len(expected): at] == expected
    assert lines[at + 1] == ""
    assert lines[at + 2] == (f"standard: {{title: T, edition: E, source: S, carried_over_from: 2030}}"
                             f"  # the standard's note; {comment[2:]}")
    assert f"    - {{name: A, reason: r, source: \"src a\", carried_over_from: 2030}}  {comment}" in lines
    assert f"      carried_over_from: 2030  {comment}" in lines
    # the block parameter's marker comes before the blank line and the comment that followed it
    at = lines.index(f"      carried_over_from: 2030  {comment}", lines.index("    lifetime:"))
    assert lines[at - 1] == '      source: "block style"'
    assert lines[at + 1: at + 3] == ["", "  # a comment before the next key"]
    assert lines[at + 3].endswith(f"  # an original note; {comment[2:]}")
    ev = next(line for line in lines if line.startswith("    EV:"))
    assert ev.count("carried_over_from: 2030") == 2 and ev.count("carried over from FY2030") == 1
    assert all(line.count("carried over from FY2030") == 1 for line in lines if "carried_over_from" in line)


def test_carry_over_parameters_is_repeatable():
    once, _ = carry_over_parameters(BLOCK, year=2031, source_year=2030, today=date(2031, 4, 1))
    twice, paths = carry_over_parameters(once, year=2032, source_year=2031, today=date(2032, 4, 1))
    assert "FY2030" not in twice and "carried_over_from: 2030" not in twice
    assert twice.count("# Why headline results moved") == 1
    assert twice.count("what_changed:") == 1 and twice.count("# What changed from FY2031") == 1
    # the same layout again, one year on
    assert re.sub(r"20\d\d", "<year>", twice) == re.sub(r"20\d\d", "<year>", once)
    assert len(paths) == 7
    assert "# an original note; carried over from FY2031" in twice
    marked = [line for line in twice.splitlines() if "carried_over_from" in line]
    assert all(line.count("carried over from FY2031") == 1 for line in marked)
    assert yaml.safe_load(twice)["fiscal_year"] == 2032


def test_start_month_shapes_the_period():
    text, _ = carry_over_parameters("fiscal_year: 2020\n", year=2021, source_year=2020, today=date(2021, 1, 5),
                                    start_month=1)
    assert text.startswith("# FY2021 — 1 January 2021 to 31 December 2021. Created by envkpi new-year from FY2020 "
                           "on 2021-01-05.\nfiscal_year: 2021\n\n" + "\n".join(what_changed_lines(2020)) + "\n\n")
    assert yaml.safe_load(text) == {
        "fiscal_year": 2021, "what_changed": "(write here: what changed from FY2020: method, factors, boundary, sites)",
        "explanations": {}}


def test_template_dictionary_describes_every_column():
    text = template_dictionary(YEAR_TABLES)
    assert text == template_dictionary(YEAR_TABLES)  # pure
    assert "FY<yyyy>" in text and "empty templates" in text
    assert "refuses to run" in text and "carried_over_from" in text
    for spec in YEAR_TABLES:
        assert f"### `{spec.file_name}`" in text
        assert spec.description in text
        for column in spec.columns:
            assert f"| `{column.name}` |" in text
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert "| `quantity` | number | from column `unit` | yes | 0 |" in text
    assert "| `model_kwh_per_year` | number | `kWh/year` | yes | 0 |" in text
    assert "| `parent_entity` | text | — | no |" in text
    assert "`solar`, `wind`, `biomass`, `small_hydro`" in text
    assert "unit string ([volume] or [mass])" in text
    assert "One row per `category`, `region` (unique together)." in text
    assert len(rows) == sum(len(spec.columns) for spec in YEAR_TABLES)
    assert all(row.count(" | ") == 6 and row.endswith(" |") for row in rows)  # seven cells each
