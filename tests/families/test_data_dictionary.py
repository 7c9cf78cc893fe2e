"""The data dictionary: data/README.md documents every table of every family (its columns, their allowed
values and plausible ranges) as the specs declare them, the specs are consistent, and the sample years load.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from envkpi.families import all_tables, load_parameters


# --- data/README.md documents the specs ------------------------------------------------------------

SPECS = list(all_tables())


@pytest.fixture(scope="module")
def readme(root: Path) -> str:
    """The text of data/README.md."""
    return (root / "data" / "README.md").read_text(encoding="utf-8")


def readme_sections(readme: str) -> dict[str, str]:
    """Text of each ``### `...file.csv` `` section of data/README.md, keyed by the file name (a section
    ends at the next heading of level 2 or 3)."""
    sections = {}
    for part in re.split(r"^##+ ", readme, flags=re.M)[1:]:
        heading, _, body = part.partition("\n")
        name = re.search(r"([\w]+)\.csv", heading)
        if name:
            sections[name.group(1)] = body
    return sections


def documented_columns(section: str) -> list[str]:
    return re.findall(r"^\|\s*`([^`]+)`\s*\|", section, flags=re.M)


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_readme_has_a_section_for_every_table(readme, spec):
    assert spec.name in readme_sections(readme), f"data/README.md has no '### `.../{spec.file_name}`' section"


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_readme_documents_every_column_in_backticks(readme, spec):
    section = readme_sections(readme).get(spec.name, "")
    for column in spec.columns:
        assert f"`{column.name}`" in readme, f"column {column.name} of {spec.file_name} not in data/README.md"
        assert column.name in documented_columns(section), (
            f"column `{column.name}` of {spec.file_name} is not a row of its table in data/README.md"
        )


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_readme_documents_no_column_the_spec_lacks(readme, spec):
    documented = documented_columns(readme_sections(readme).get(spec.name, ""))
    assert documented == [c.name for c in spec.columns], f"{spec.file_name}: README {documented}"


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_readme_lists_the_allowed_values_of_each_column(readme, spec):
    section = readme_sections(readme).get(spec.name, "")
    for column in spec.columns:
        for value in column.allowed or ():
            assert f"`{value}`" in section, f"{spec.file_name}: allowed {column.name} `{value}` not in README"


# --- data/README.md documents the plausible ranges -------------------------------------------------

def readme_ranges(readme: str) -> list[dict[str, str]]:
    """The rows of the table of data/README.md's "Plausible ranges" section."""
    text = readme.split("## Plausible ranges", 1)[1]
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    header = ["applies to", "unit", "typical", "error", "why"]
    return [dict(zip(header, (cell.strip() for cell in row.strip("|").split(" | ")))) for row in rows]


def _numbers_in(text: str) -> list[float]:
    """The numbers of a cell, before any explanation in brackets (−40 is a minus sign)."""
    text = text.split("(")[0].replace("−", "-")
    return [float(n.replace(",", "")) for n in re.findall(r"-?\d[\d,]*(?:\.\d+)?", text)]


RANGED = [(spec, column, plausible) for spec in all_tables() for column in spec.columns for plausible in column.plausible]


@pytest.mark.parametrize(("spec", "column", "plausible"), RANGED,
                         ids=[f"{s.name}.{c.name}.{p.unit}" for s, c, p in RANGED])
def test_readme_documents_each_plausible_range(readme, spec, column, plausible):
    rows = [row for row in readme_ranges(readme) if f"`{spec.name}.{column.name}`" in row["applies to"]
            and row["unit"].replace("°C", "degC").replace("—", "dimensionless") == plausible.unit]
    assert len(rows) == 1, f"data/README.md, Plausible ranges: no row (or several) for {spec.name}.{column.name} [{plausible.unit}]"
    row = rows[0]
    assert _numbers_in(row["typical"]) == [v for v in plausible.typical if v is not None], row
    assert _numbers_in(row["error"]) == [v for v in (plausible.error_below, plausible.error_above) if v is not None], row
    assert len(row["why"]) > 40, row


def test_every_quantity_column_has_a_plausible_range():
    for spec in all_tables():
        for column in spec.columns:
            if column.kind in ("number", "integer"):
                assert column.plausible, f"{spec.name}.{column.name} has no plausible range"


def test_every_count_column_is_whole():
    for spec in all_tables():
        for column in spec.columns:
            if "[count]" in column.description:
                assert column.kind == "integer", f"{spec.name}.{column.name} is a count but not of kind integer"


def test_allowed_units_have_the_dimension_of_their_column():
    for spec in all_tables():
        for column in spec.columns:
            if column.kind == "unit" and column.allowed and column.dimensions:
                from envkpi.core.units import parse_unit, ureg

                wanted = [ureg.get_dimensionality(d) for d in column.dimensions]
                for unit in column.allowed:
                    assert parse_unit(unit).dimensionality in wanted, f"{spec.name}.{column.name}: {unit}"


@pytest.mark.parametrize("year", [2017, 2018])
def test_the_sample_years_load_with_no_warning(root, year):
    from envkpi.families import names, validate_inputs

    params = load_parameters(root / "parameters" / f"FY{year}.yaml", root=root)
    assert validate_inputs(params, root / "data" / f"FY{year}", root, list(names())) == []
