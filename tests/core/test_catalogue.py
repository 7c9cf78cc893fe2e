"""The indicator catalogue: every id of METHODOLOGY.md, with names, unit and family."""

import pytest

from envkpi.core.catalogue import FAMILIES, catalogue, indicator, unit_text
from envkpi.core.units import parse_unit

# The ids of METHODOLOGY.md, family by family.
METHODOLOGY_IDS = (
    [f"CO2-0{n}" for n in range(1, 5)] + [f"PRD-0{n}" for n in range(1, 8)] + [f"LOG-0{n}" for n in range(1, 5)]
    + [f"RES-0{n}" for n in range(1, 9)] + ["WAT-01", "WAT-02"] + [f"CHE-0{n}" for n in range(1, 5)] + ["CMP-01"]
    + [f"GP-{n:02d}" for n in range(1, 12)] + ["STK-01"]
)


def test_catalogue_lists_every_methodology_id_once_in_order():
    """The ids of METHODOLOGY.md in order, then the ids of target progress (TGT-01 …, one per target of the
    parameters; METHODOLOGY.md "Targets and trajectory" names the targets, not ids), numbered from 01."""
    ids = [entry.id for entry in catalogue()]
    assert ids[:len(METHODOLOGY_IDS)] == METHODOLOGY_IDS
    progress = catalogue()[len(METHODOLOGY_IDS):]
    assert [e.id for e in progress] == [f"TGT-{n:02d}" for n in range(1, len(progress) + 1)]
    assert {e.family for e in progress} <= {"targets"} and {unit_text(e.id) for e in progress} <= {"percent"}


def test_every_entry_has_names_a_parsable_unit_and_a_known_family():
    for entry in catalogue():
        assert entry.name_en and entry.name_ja, entry.id
        assert entry.family in FAMILIES
        parse_unit(entry.unit)


def test_production_family_units():
    assert {e.id: unit_text(e.id) for e in catalogue() if e.family == "production"} == {
        "PRD-01": "t CO2", "PRD-02": "percent", "PRD-03": "GJ", "PRD-04": "MWh",
        "PRD-05": "t CO2e", "PRD-06": "t CO2e", "PRD-07": "t CO2e"}


def test_japanese_names_are_those_of_the_standard():
    assert indicator("PRD-06").name_ja == "スコープ1排出量"
    assert indicator("PRD-02").name_ja == "生産活動におけるCO2排出量原単位(2013年度比)"


def test_unknown_id_is_named_in_the_error():
    with pytest.raises(KeyError, match="PRD-99"):
        indicator("PRD-99")
