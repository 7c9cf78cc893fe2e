"""Tests for envkpi.changes: the yearly cycle — what changed in the parameters and the results since
last year, whether last year must be restated, and whether this year's results reconcile.

The real files are read, never written: ``parameters/FY2017.yaml`` and ``FY2018.yaml`` (they differ in
the PV lifetime 20 → 25 year, the standard's edition and source, the sources of the boundary's
exclusions and of eight city-gas suppliers' calorific values) and ``outputs/FY2017|FY2018/results.csv``.
Variants of the parameters are built in memory from :func:`load_document`; variants of the results
are edited copies of the row lists. Every expected number is worked out by hand in a comment.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from envkpi.core.catalogue import catalogue
from envkpi.families import families, parameters_model
from envkpi.cycle.changes import (family_of_section, DIFF_COLUMNS, EXPLANATION_COLUMNS, RESTATEMENT_COLUMNS,
    YEAR_ON_YEAR_COLUMNS, covers, differing_indicators, explanation_column, explanation_table, family_of, isolatable,
    mismatched_explanations, parameter_diff, reconciliations, restatement, results_equal, unexplained,
    unexplained_changes, year_on_year)
from envkpi.core.parameters import Explanation, Parameters, load_document
from envkpi.families import load_parameters
from envkpi.core.results import ResultRow, read_results
from envkpi.core.units import Quantity

REPO = Path(__file__).resolve().parents[2]
PV = "avoided_emissions.pv.lifetime"
JP = "production.electricity_factors.JP"
NORTHWIND = "boundary.excluded_entities[Northwind Cold Chain Inc.]"
COSTA = "boundary.excluded_entities[Costa Mirrors S.A.]"
SUPPLIERS_WITH_NEW_SOURCE = ("gas_malaysia", "igl", "osaka_gas", "ptt", "shanghai_gas", "socal_gas", "stadtwerke",
                             "toho_gas")  # every supplier but tokyo_gas, whose source is the same both years


@pytest.fixture(scope="module")
def fy2017() -> Parameters:
    return load_parameters(REPO / "parameters" / "FY2017.yaml")


@pytest.fixture(scope="module")
def fy2018() -> Parameters:
    return load_parameters(REPO / "parameters" / "FY2018.yaml")


@pytest.fixture(scope="module")
def diff(fy2017, fy2018):
    return parameter_diff(fy2017, fy2018)


@pytest.fixture(scope="module")
def results2017() -> list[ResultRow]:
    return read_results(REPO / "outputs" / "FY2017" / "results.csv")


@pytest.fixture(scope="module")
def results2018() -> list[ResultRow]:
    return read_results(REPO / "outputs" / "FY2018" / "results.csv")


def fy2018_variant(edit) -> Parameters:
    """FY2018's parameters with ``edit(document)`` applied to the merged document in memory."""
    document = load_document(REPO / "parameters" / "FY2018.yaml")
    edit(document)
    return parameters_model().model_validate(document)


def row(indicator_id: str, value: float, unit: str = "t CO2", breakdown: str = "", year: int = 2018) -> ResultRow:
    return ResultRow(indicator_id, year, breakdown, float(value), unit, "test", "cell")


def replaced(rows: list[ResultRow], indicator_id: str, breakdown: str, value: float) -> list[ResultRow]:
    """A copy of ``rows`` with one row's value replaced (the row must exist)."""
    hits = [r for r in rows if (r.indicator_id, r.breakdown) == (indicator_id, breakdown)]
    assert len(hits) == 1
    return [dataclasses.replace(r, value=value) if r is hits[0] else r for r in rows]


def headline(rows: list[ResultRow], indicator_id: str) -> float:
    return next(r.value for r in rows if r.indicator_id == indicator_id and r.breakdown == "")


def by_path(diff, path: str):
    hits = diff[diff["path"] == path]
    assert len(hits) == 1, f"{path}: {len(hits)} rows"
    return hits.iloc[0]


# --- families ------------------------------------------------------------------------------------

#: The families whose site boundary the parameters' boundary section sets: every family that reads it.
BOUNDARY_READERS = ", ".join(f.name for f in families() if "boundary" in f.reads)


@pytest.mark.parametrize("path, family", [
    # the fuels of the production section are read by every family that burns or saves fuel
    ("production.fuels.lpg.calorific_value", ", ".join(f.name for f in families()
                                                        if f.name == "production" or "production.fuels" in f.reads)),
    ("production.electricity_factors.JP", "production"),
    ("gwp_sets.AR4.values.CH4", "production"),
    ("boundary.excluded_entities[Costa Mirrors S.A.]", BOUNDARY_READERS),
    # green products read CO2-01's PV and fuel-cell settings and the regions' PV yields
    ("avoided_emissions.pv.lifetime", "avoided_emissions, green_products"),
    ("product_use.lifetimes.air_purifier", "product_use"),
    ("product_regions.china.emission_factor", "avoided_emissions, product_use, green_products"),
    ("standard.edition", "general"),
    ("organisation.name", "general"),
    ("fiscal_year_start_month", "general"),
    ("changes.flag_threshold", "general"),
    ("explanations.PRD-01", "general"),
])
def test_family_of_a_key_path_is_the_family_of_its_top_level_key(path, family):
    assert family_of(path) == family


def test_the_boundary_moves_the_results_of_production_among_others():
    assert "production" in BOUNDARY_READERS.split(", ")


def test_family_of_an_unknown_section_names_the_table_to_extend():
    with pytest.raises(KeyError, match="read by no family"):
        family_of("freight.trucks.load")


def test_every_section_of_the_parameters_has_a_family():
    # fiscal_year and extends are not parameters of the method; every other top-level key must be assigned
    sections = set(parameters_model().model_fields) - {"fiscal_year", "extends"}
    assert sections <= set(family_of_section())


# --- parameter_diff on the real files ------------------------------------------------------------

def test_diff_of_the_real_years_lists_exactly_what_the_year_files_change(diff):
    # Hand-read from parameters/FY2017.yaml and FY2018.yaml (both extend common.yaml):
    #   pv.lifetime 20 → 25 year (its source changes too: the value wins);
    #   standard.edition text changes; standard.source changes, so title and title_ja keep their text
    #   under a new source; both exclusions and eight suppliers keep their values under new sources.
    expected = {
        PV: "value changed",
        "standard.edition": "value changed",
        "standard.title": "source changed",
        "standard.title_ja": "source changed",
        NORTHWIND: "source changed",
        COSTA: "source changed",
        **{f"production.city_gas_suppliers.{s}.calorific_value": "source changed" for s in SUPPLIERS_WITH_NEW_SOURCE},
        "resources.site_input_methods.CN-02": "source changed",
        "compliance.incident_register": "value changed",
        "green_products.consolidated_sales": "value changed",
    }
    assert dict(zip(diff["path"], diff["change"])) == expected
    assert tuple(diff.columns) == DIFF_COLUMNS
    # the family of each path: by its top-level key; the boundary moves every family that reads it
    section_family = {"avoided_emissions": "avoided_emissions, green_products", "standard": "general",
                      "boundary": BOUNDARY_READERS, "production": "production", "resources": "resources",
                      "compliance": "compliance", "green_products": "green_products"}
    assert dict(zip(diff["path"], diff["family"])) == {path: section_family[path.split(".")[0]] for path in expected}
    # sorted by family, then path
    assert list(diff["family"]) == sorted(diff["family"])
    for family in set(diff["family"]):
        paths = list(diff.loc[diff["family"] == family, "path"])
        assert paths == sorted(paths)


def test_pv_lifetime_is_a_value_change_of_avoided_emissions_and_isolatable(diff):
    pv = by_path(diff, PV)
    assert (pv["family"], pv["change"], pv["old_value"], pv["new_value"]) == (
        "avoided_emissions, green_products", "value changed", 20.0, 25.0)
    assert (pv["old_unit"], pv["new_unit"], bool(pv["numeric"])) == ("year", "year", True)
    assert pv["old_source"].startswith("Calculation standard FY2018, CO2-01 note *: 2017年度までは20年")
    assert pv["new_source"].startswith("Calculation standard FY2018, CO2-01 note *: 25 years from FY2018")
    # the numeric values of the year files that changed: the PV lifetime and the consolidated sales (GP-02)
    assert list(isolatable(diff)["path"]) == [PV, "green_products.consolidated_sales"]


def test_source_only_changes_are_not_isolatable(diff):
    osaka = by_path(diff, "production.city_gas_suppliers.osaka_gas.calorific_value")
    # 45 GJ / kNm3 both years; only the placeholder text changed ("(FY2018 value carried)" dropped)
    assert (osaka["change"], osaka["old_value"], osaka["new_value"], osaka["old_unit"]) == (
        "source changed", 45.0, 45.0, "GJ / kNm3")
    assert bool(osaka["numeric"])
    assert "FY2017 value" in osaka["old_source"] and "FY2018 value" in osaka["new_source"]
    assert osaka["path"] not in set(isolatable(diff)["path"])


def test_a_text_change_of_the_standard_is_general_and_not_isolatable(diff):
    edition = by_path(diff, "standard.edition")
    assert edition["family"] == "general" and not edition["numeric"]
    assert edition["old_value"].startswith("FY2017")
    assert edition["new_value"] == "FY2018 (period 2018-04-01 – 2019-03-31)"
    assert edition["new_source"].startswith("主な環境パフォーマンス指標の算定基準 (calculation standard), FY2018 edition")


def test_a_year_compared_with_itself_has_no_change(fy2018):
    diff = parameter_diff(fy2018, fy2018)
    assert diff.empty and tuple(diff.columns) == DIFF_COLUMNS
    assert isolatable(diff).empty


# --- parameter_diff on variants --------------------------------------------------------------------

def test_an_equal_value_in_mwh_instead_of_kwh_is_no_change(fy2018):
    # JP: 0.410 kg CO2 / kWh = 0.410 × 1000 = 410 kg CO2 / MWh
    def to_mwh(document):
        document["production"]["electricity_factors"]["JP"].update(value=410.0, unit="kg CO2 / MWh")

    assert parameter_diff(fy2018, fy2018_variant(to_mwh)).empty


def test_a_different_value_in_another_unit_is_a_value_change(fy2018):
    # 411 kg CO2 / MWh = 0.411 kg CO2 / kWh ≠ 0.410
    def to_411(document):
        document["production"]["electricity_factors"]["JP"].update(value=411.0, unit="kg CO2 / MWh")

    diff = parameter_diff(fy2018, fy2018_variant(to_411))
    jp = by_path(diff, JP)
    assert (jp["change"], jp["old_value"], jp["old_unit"], jp["new_value"], jp["new_unit"]) == (
        "value changed", 0.41, "kg CO2 / kWh", 411.0, "kg CO2 / MWh")
    assert list(isolatable(diff)["path"]) == [JP]


def test_a_reordered_exclusion_list_is_no_change(fy2018):
    def reverse(document):
        document["boundary"]["excluded_entities"].reverse()

    variant = fy2018_variant(reverse)
    assert variant.boundary.excluded_entities[0].name == "Costa Mirrors S.A."  # the order did change
    assert parameter_diff(fy2018, variant).empty


def test_an_exclusion_removed_and_one_added_are_matched_by_name(fy2018):
    def swap(document):
        document["boundary"]["excluded_entities"][0] = {
            "name": "Example Holdings Ltd.", "reason": "acquired in 2018",
            "source": "Illustrative test exclusion"}

    diff = parameter_diff(fy2018, fy2018_variant(swap))
    assert dict(zip(diff["path"], diff["change"])) == {
        "boundary.excluded_entities[Example Holdings Ltd.]": "added", NORTHWIND: "removed"}
    added = by_path(diff, "boundary.excluded_entities[Example Holdings Ltd.]")
    assert added["new_value"] == "Example Holdings Ltd. — acquired in 2018" and added["old_value"] is None
    assert isolatable(diff).empty


def test_a_changed_reason_of_an_exclusion_is_a_value_change(fy2018):
    def reason(document):
        document["boundary"]["excluded_entities"][1]["reason"] = "sold in 2018"

    diff = parameter_diff(fy2018, fy2018_variant(reason))
    costa = by_path(diff, COSTA)
    assert (costa["change"], costa["family"], costa["new_value"]) == (
        "value changed", BOUNDARY_READERS, "Costa Mirrors S.A. — sold in 2018")
    assert isolatable(diff).empty  # not a number: nothing to revert on its own


def test_a_confidence_change_alone_is_a_source_change(fy2018):
    def confidence(document):
        document["product_use"]["lifetimes"]["air_purifier"]["confidence"] = "primary"

    diff = parameter_diff(fy2018, fy2018_variant(confidence))
    purifier = by_path(diff, "product_use.lifetimes.air_purifier")
    assert (purifier["change"], purifier["old_confidence"], purifier["new_confidence"]) == (
        "source changed", "illustrative", "primary")


def test_sourced_values_and_region_parameters(fy2018):
    # base_fiscal_year 2013 → 2014 (a Sourced integer), China's PV yield (a region feeds two families)
    def edit(document):
        document["production"]["base_fiscal_year"]["value"] = 2014
        region = document["product_regions"]["china"]["pv_annual_generation"]
        region["value"] = region["value"] + 100

    diff = parameter_diff(fy2018, fy2018_variant(edit))
    base = by_path(diff, "production.base_fiscal_year")
    assert (base["change"], base["old_value"], base["new_value"], bool(base["numeric"])) == (
        "value changed", 2013, 2014, False)
    china = by_path(diff, "product_regions.china.pv_annual_generation")
    assert (china["family"], china["change"]) == ("avoided_emissions, product_use, green_products", "value changed")
    # the Sourced year is not a number a rerun reverts; the regional factor is
    assert list(isolatable(diff)["path"]) == ["product_regions.china.pv_annual_generation"]


def test_a_threshold_of_the_changes_section_is_general_and_not_isolatable(fy2018):
    def threshold(document):
        document["changes"]["flag_threshold"]["value"] = 15

    diff = parameter_diff(fy2018, fy2018_variant(threshold))
    assert (by_path(diff, "changes.flag_threshold")["family"], by_path(diff, "changes.flag_threshold")["change"]) == (
        "general", "value changed")
    assert isolatable(diff).empty


def test_explanations_and_carried_over_markers_are_ignored(fy2018):
    def mark(document):
        document["explanations"] = {"CO2-01": {"change": "+36 %", "text": "PV lifetime 20 → 25 years"}}
        document["avoided_emissions"]["pv"]["lifetime"]["carried_over_from"] = 2017
        document["boundary"]["excluded_entities"][0]["carried_over_from"] = 2017

    assert parameter_diff(fy2018, fy2018_variant(mark)).empty


def test_a_parameter_that_appears_is_added(fy2018):
    def lifetime(document):
        document["product_use"]["lifetimes"]["dish_dryer"] = {"value": 6, "unit": "year", "source": "Test lifetime"}

    diff = parameter_diff(fy2018, fy2018_variant(lifetime))
    added = by_path(diff, "product_use.lifetimes.dish_dryer")
    assert (added["change"], added["old_value"], added["new_value"], added["new_unit"], bool(added["numeric"])) == (
        "added", None, 6.0, "year", True)
    assert isolatable(diff).empty  # an addition has no old value to revert to
    removed = by_path(parameter_diff(fy2018_variant(lifetime), fy2018), "product_use.lifetimes.dish_dryer")
    assert (removed["change"], removed["old_value"], removed["new_value"]) == ("removed", 6.0, None)


# --- year_on_year --------------------------------------------------------------------------------

def test_year_on_year_arithmetic_and_the_general_threshold():
    current = [row("PRD-01", 110), row("PRD-01", 60, breakdown="site=JP-01")]
    previous = [row("PRD-01", 100, year=2017), row("PRD-01", 50, breakdown="site=JP-01", year=2017)]
    # 110 − 100 = +10 t CO2; 100 × 10 / 100 = +10 %
    five = year_on_year(current, previous, Quantity(5, "percent"), {})
    assert tuple(five.columns) == YEAR_ON_YEAR_COLUMNS
    assert len(five) == 1  # the site row is not a headline
    prd01 = five.iloc[0]
    assert (prd01["indicator_id"], prd01["name_en"], prd01["unit"]) == ("PRD-01", "CO2 emissions from production",
                                                                        "t CO2")
    assert (prd01["this_year"], prd01["last_year"], prd01["change"]) == (110.0, 100.0, 10.0)
    assert prd01["change_percent"] == pytest.approx(10.0, rel=1e-12)
    assert (prd01["threshold_percent"], bool(prd01["flagged"])) == (5.0, True)  # 10 > 5
    ten = year_on_year(current, previous, Quantity(10, "percent"), {}).iloc[0]
    assert (ten["threshold_percent"], bool(ten["flagged"])) == (10.0, False)  # 10 is not > 10


def test_a_fall_is_negative_and_flagged_by_its_magnitude():
    # 80 − 100 = −20 GJ; 100 × (−20) / 100 = −20 %; |−20| > 10
    table = year_on_year([row("PRD-03", 80, "GJ")], [row("PRD-03", 100, "GJ", year=2017)], Quantity(10, "percent"))
    assert (table["change"][0], table["change_percent"][0], bool(table["flagged"][0])) == (-20.0, -20.0, True)


def test_last_year_in_another_unit_is_converted_to_this_years_unit():
    # 0.1 kt CO2 = 100 t CO2; 105 − 100 = 5 t CO2, 5 %
    table = year_on_year([row("PRD-01", 105)], [row("PRD-01", 0.1, "kt CO2", year=2017)], Quantity(10, "percent"))
    assert table["unit"][0] == "t CO2"
    assert table["last_year"][0] == pytest.approx(100.0, rel=1e-12)
    assert table["change_percent"][0] == pytest.approx(5.0, rel=1e-9)


def test_a_per_indicator_threshold_overrides_the_general_one():
    current = [row("PRD-03", 108, "GJ"), row("PRD-07", 108, "t CO2e")]
    previous = [row("PRD-03", 100, "GJ", year=2017), row("PRD-07", 100, "t CO2e", year=2017)]
    # both +8 %: under the general 10 %, over PRD-03's own 5 % (given as 0.05, dimensionless = 5 %)
    table = year_on_year(current, previous, Quantity(10, "percent"), {"PRD-03": Quantity(0.05, "dimensionless")})
    table = table.set_index("indicator_id")
    assert table.loc["PRD-03", "threshold_percent"] == pytest.approx(5.0, rel=1e-12)
    assert table.loc["PRD-07", "threshold_percent"] == 10.0
    assert bool(table.loc["PRD-03", "flagged"]) and not bool(table.loc["PRD-07", "flagged"])


def test_thresholds_may_be_given_as_the_parameters_of_the_year(fy2018):
    # common.yaml: flag_threshold 10 percent, no indicator thresholds
    table = year_on_year([row("PRD-01", 111)], [row("PRD-01", 100, year=2017)], fy2018.changes.flag_threshold,
                         fy2018.changes.indicator_thresholds)
    assert (table["threshold_percent"][0], bool(table["flagged"][0])) == (10.0, True)  # 11 % > 10 %


def test_an_indicator_that_appears_or_disappears_is_flagged():
    current = [row("PRD-01", 100), row("CO2-04", 7)]
    previous = [row("PRD-01", 100, year=2017), row("PRD-04", 12, "MWh", year=2017)]
    table = year_on_year(current, previous, Quantity(10, "percent"), {}).set_index("indicator_id")
    # catalogue order: CO2-04, PRD-01, PRD-04
    assert list(table.index) == ["CO2-04", "PRD-01", "PRD-04"]
    new = table.loc["CO2-04"]
    assert new["this_year"] == 7.0 and math.isnan(new["last_year"]) and math.isnan(new["change"])
    assert math.isnan(new["change_percent"]) and bool(new["flagged"])
    gone = table.loc["PRD-04"]
    assert gone["unit"] == "MWh" and math.isnan(gone["this_year"]) and gone["last_year"] == 12.0
    assert bool(gone["flagged"])
    assert not bool(table.loc["PRD-01", "flagged"])  # 100 → 100: 0 %


def test_a_move_from_zero_has_no_percent_but_is_flagged():
    table = year_on_year([row("PRD-04", 3, "MWh"), row("PRD-05", 0, "t CO2e")],
                         [row("PRD-04", 0, "MWh", year=2017), row("PRD-05", 0, "t CO2e", year=2017)],
                         Quantity(10, "percent"), {}).set_index("indicator_id")
    assert table.loc["PRD-04", "change"] == 3.0 and math.isnan(table.loc["PRD-04", "change_percent"])
    assert bool(table.loc["PRD-04", "flagged"])
    assert not bool(table.loc["PRD-05", "flagged"])  # 0 → 0 is no change


def test_two_headlines_of_one_indicator_are_refused():
    with pytest.raises(ValueError, match="PRD-01 has more than one headline"):
        year_on_year([row("PRD-01", 1), row("PRD-01", 2)], [], Quantity(10, "percent"), {})


def test_year_on_year_of_the_real_years(results2018, results2017):
    table = year_on_year(results2018, results2017, Quantity(10, "percent"), {}).set_index("indicator_id")
    # every headline of both years, in catalogue order
    assert list(table.index) == [e.id for e in catalogue() if e.id in {r.indicator_id for r in results2017}]
    assert list(table.index[:11]) == ["CO2-01", "CO2-02", "CO2-03", "CO2-04", "PRD-01", "PRD-02", "PRD-03", "PRD-04",
                                      "PRD-05", "PRD-06", "PRD-07"]
    # CO2-01 (results.csv): 6,018,559.83 − 4,440,924.338 = 1,577,635.492 t CO2 → +35.5 % (PV lifetime 20 → 25)
    assert table.loc["CO2-01", "change"] == pytest.approx(1577635.492, rel=1e-12)
    assert table.loc["CO2-01", "change_percent"] == pytest.approx(100 * 1577635.492 / 4440924.338, rel=1e-12)
    # PRD-03: 8,486,160.41 − 8,492,934.1052 = −6,773.6952 GJ → −0.080 %
    assert table.loc["PRD-03", "change"] == pytest.approx(-6773.6952, rel=1e-9)
    # PRD-04: 11,216.3 − 10,060 = 1,156.3 MWh → 100 × 1,156.3 / 10,060 = 11.49 % > 10
    assert table.loc["PRD-04", "change_percent"] == pytest.approx(11.494035785288, rel=1e-9)
    # CMP-01: 0 − 2 = −2 violations → 100 × −2 / 2 = −100 % (no violation in FY2018)
    assert table.loc["CMP-01", "change_percent"] == pytest.approx(-100.0, rel=1e-12)
    # STK-01 (cumulative since FY2009): 1,101,700 − 951,800 = 149,900 → 100 × 149,900 / 951,800 = 15.75 %
    assert table.loc["STK-01", "change_percent"] == pytest.approx(100 * 149900 / 951800, rel=1e-12)
    # GP-04 (the fleet's generation): + (13,850 + 640) fuel cells × 1.87 MWh = 27,096.3 MWh → 100 × 27,096.3 /
    # 138,462.28 = 19.57 %; GP-06: 3,697,296 − 3,040,911 = 656,385 MWh → 21.59 %;
    # GP-07: 12,963,000 − 9,493,000 = 3,470,000 rooms → 36.55 %
    assert table.loc["GP-04", "change"] == pytest.approx((13850 + 640) * 1.87, rel=1e-9)
    assert table.loc["GP-04", "change_percent"] == pytest.approx(100 * 27096.3 / 138462.28, rel=1e-9)
    assert table.loc["GP-07", "change_percent"] == pytest.approx(100 * 3470000 / 9493000, rel=1e-12)
    # the targets' progress: TGT-02 and TGT-04 were 0 in FY2017, their base year (flagged: no value to compare);
    # TGT-01 30.22 → 38.43 % (+27 %), TGT-03 58.94 → 83.65 % (+42 %), TGT-05 51.82 → 69.96 % (+35 %)
    assert table.loc["TGT-03", "change_percent"] == pytest.approx(
        100 * (83.64988689682454 - 58.942481251512035) / 58.942481251512035, rel=1e-9)
    assert list(table.index[table["flagged"]]) == ["CO2-01", "CO2-02", "CO2-03", "PRD-04", "CMP-01", "GP-04", "GP-06",
                                                   "GP-07", "STK-01", *(f"TGT-0{n}" for n in range(1, 6))]


# --- explanations --------------------------------------------------------------------------------

def explained(change: str, text: str = "Explained in the test.") -> Explanation:
    return Explanation(change=change, text=text)


@pytest.fixture
def four_changes():
    """CO2-04 and PRD-01 +50 %, PRD-03 +1 %, PRD-04 −85 %: all but PRD-03 flagged at 10 %."""
    current = [row("CO2-04", 150), row("PRD-01", 150), row("PRD-03", 101, "GJ"), row("PRD-04", 15, "MWh")]
    previous = [row(i, 100, u, year=2017) for i, u in (("CO2-04", "t CO2"), ("PRD-01", "t CO2"), ("PRD-03", "GJ"),
                                                       ("PRD-04", "MWh"))]
    return year_on_year(current, previous, Quantity(10, "percent"), {})


def test_unexplained_lists_only_flagged_indicators_without_an_explanation(four_changes):
    explanations = {"PRD-01": explained("+50 %", "New site JP-13 in the boundary")}
    # CO2-04 and PRD-04 have none; PRD-03 has none but is not flagged
    assert unexplained(four_changes, explanations) == ["CO2-04", "PRD-04"]
    column = explanation_column(four_changes, explanations)
    assert column.name == "explanation" and list(column.index) == list(four_changes.index)
    assert list(column) == ["", "New site JP-13 in the boundary", "", ""]
    assert unexplained(four_changes, {i: explained("+50 %") for i in ("CO2-04", "PRD-01", "PRD-04")}) == []


def test_an_unexplained_change_is_named_with_its_figures_and_the_threshold(four_changes):
    explanations = {"PRD-01": explained("+50 %", "New site JP-13 in the boundary")}
    assert unexplained_changes(four_changes, explanations) == [
        # 150 − 100 = +50 %
        "CO2-04 moved +50.00 % (100 → 150 t CO2), above the flag threshold of 10 %, and has no explanation in "
        "explanations: of the year file",
        # 15 − 100 = −85 %
        "PRD-04 moved -85.00 % (100 → 15 MWh), above the flag threshold of 10 %, and has no explanation in "
        "explanations: of the year file",
    ]
    assert unexplained_changes(four_changes, {i: explained("+50 %") for i in ("CO2-04", "PRD-01", "PRD-04")}) == []


def test_an_unexplained_change_names_the_threshold_of_its_indicator():
    table = year_on_year([row("PRD-05", 120)], [row("PRD-05", 100, year=2017)], Quantity(10, "percent"),
                         {"PRD-05": Quantity(15, "percent")})
    assert unexplained_changes(table, {}) == [
        "PRD-05 moved +20.00 % (100 → 120 t CO2), above the flag threshold of 15 %, and has no explanation in "
        "explanations: of the year file"]


def test_an_unexplained_change_without_a_percent_says_what_happened():
    current = [row("PRD-01", 5), row("PRD-04", 7, "MWh"), row("PRD-03", 100, "GJ")]
    previous = [row("PRD-01", 0, year=2017), row("PRD-03", 100, "GJ", year=2017), row("CO2-04", 3, year=2017)]
    table = year_on_year(current, previous, Quantity(10, "percent"))
    assert unexplained_changes(table, {}) == [
        "CO2-04 has no value this year (3 t CO2 last year), a change that is always flagged, and has no "
        "explanation in explanations: of the year file",
        "PRD-01 moved from 0 to 5 t CO2, a change that is always flagged, and has no explanation in "
        "explanations: of the year file",
        "PRD-04 has no value last year (7 MWh this year), a change that is always flagged, and has no "
        "explanation in explanations: of the year file",
    ]


def test_what_changed_is_a_statement_not_a_parameter_of_the_diff(fy2017, fy2018):
    assert fy2017.what_changed != fy2018.what_changed
    assert not parameter_diff(fy2017, fy2018)["path"].str.startswith("what_changed").any()


@pytest.mark.parametrize("stated, observed, covered, reason", [
    (36, 35.52, True, "yes (within 5 percentage points)"),        # 0.48 points apart
    (12, 17.0, True, "yes (within 5 percentage points)"),         # 5 points apart: at the tolerance
    (12, 17.1, False, "5.1 percentage points apart, more than the tolerance of 5"),
    (36, -35.52, False, "the other direction"),                   # a fall explained as a rise
    (-3, 1.0, False, "the other direction"),                      # within 5 points, but the other sign
    (36, 2_499_900.0, False, "2,499,864.0 percentage points apart, more than the tolerance of 5"),
    (36, math.nan, True, "yes (no percent change to compare: last year zero or missing)"),
])
def test_a_stated_change_covers_the_observed_one_of_the_same_sign_within_the_tolerance(stated, observed, covered,
                                                                                       reason):
    assert covers(stated, observed, Quantity(5, "percent")) == (covered, reason)


def test_the_tolerance_may_be_the_parameter_of_the_year(fy2018):
    tolerance = fy2018.changes.explanation_tolerance  # 5 percent in common.yaml
    assert covers(12, 17.0, tolerance)[0] and not covers(12, 17.1, tolerance)[0]


def test_stated_changes_as_written_percent_of_an_explanation():
    assert [explained(text).percent for text in ("+36 %", "-12 %", "−4.5 %", "+0.5%", " +7 % ")] == [
        36.0, -12.0, -4.5, 0.5, 7.0]


def test_explanation_table_shows_stated_change_verdict_and_text_beside_each_row(four_changes):
    explanations = {"PRD-01": explained("+48 %", "New site"), "PRD-03": explained("+20 %", "Stale"),
                    "PRD-04": explained("+85 %", "Wrong sign")}
    table = explanation_table(four_changes, explanations, Quantity(5, "percent"))
    assert tuple(table.columns) == YEAR_ON_YEAR_COLUMNS + EXPLANATION_COLUMNS
    shown = table.set_index("indicator_id")[list(EXPLANATION_COLUMNS)]
    assert shown.loc["CO2-04"].tolist() == ["", "no explanation", ""]                  # flagged, +50 %
    assert shown.loc["PRD-01"].tolist() == ["+48 %", "yes (within 5 percentage points)", "New site"]  # +50 %
    # not flagged (+1 %), but its explanation states +20 %: shown as not covering it
    assert shown.loc["PRD-03"].tolist() == ["+20 %", "no: 19.0 percentage points apart, more than the tolerance of 5",
                                            "Stale"]
    assert shown.loc["PRD-04"].tolist() == ["+85 %", "no: the other direction", "Wrong sign"]  # −85 %


def test_mismatched_explanations_name_indicator_file_key_stated_and_observed_change(four_changes):
    explanations = {"PRD-01": explained("+48 %"), "PRD-03": explained("+20 %"), "PRD-04": explained("+85 %")}
    files = {"PRD-01": "parameters/FY2018.yaml", "PRD-03": "parameters/FY2018.yaml", "PRD-04": "parameters/FY2018.yaml"}
    assert mismatched_explanations(four_changes, explanations, Quantity(5, "percent"), files) == [
        # 101 − 100 = +1 %; 20 − 1 = 19 points
        "PRD-03 moved +1.00 % (100 → 101 GJ), but parameters/FY2018.yaml: explanations.PRD-03 states +20 %: "
        "19.0 percentage points apart, more than the tolerance of 5",
        # 15 − 100 = −85 %
        "PRD-04 moved -85.00 % (100 → 15 MWh), but parameters/FY2018.yaml: explanations.PRD-04 states +85 %: "
        "the other direction",
    ]
    assert mismatched_explanations(four_changes, {"PRD-01": explained("+48 %")}, Quantity(5, "percent")) == []


def test_the_real_explanations_of_fy2018_cover_the_observed_changes(fy2018, results2018, results2017):
    table = year_on_year(results2018, results2017, fy2018.changes.flag_threshold)
    assert unexplained(table, fy2018.explanations) == []
    assert mismatched_explanations(table, fy2018.explanations, fy2018.changes.explanation_tolerance) == []
    # the stated changes are the observed ones rounded to the whole percent
    # (a change from zero has no percent: TGT-02 and TGT-04, whose base year FY2017 had a progress of 0)
    observed = table.set_index("indicator_id")
    for indicator_id, explanation in fy2018.explanations.items():
        if math.isnan(observed.loc[indicator_id, "change_percent"]):
            assert observed.loc[indicator_id, "last_year"] == 0, indicator_id
        else:
            assert explanation.percent == round(observed.loc[indicator_id, "change_percent"]), indicator_id


# --- restatement and reproduction -----------------------------------------------------------------

def test_restatement_significance_by_hand():
    published = [row("PRD-01", 100), row("PRD-03", 100, "GJ"), row("PRD-06", 100, "t CO2e"),
                 row("PRD-01", 40, breakdown="site=JP-01")]
    restated = [row("PRD-01", 105), row("PRD-03", 106, "GJ"), row("PRD-06", 100, "t CO2e"),
                row("PRD-01", 45, breakdown="site=JP-01")]
    table = restatement(published, restated, Quantity(5, "percent"))
    assert tuple(table.columns) == RESTATEMENT_COLUMNS
    table = table.set_index("indicator_id")
    assert list(table.index) == ["PRD-01", "PRD-03", "PRD-06"]  # headlines only
    # PRD-01: 105 − 100 = 5 t CO2; 100 × 5 / 100 = 5 %; 5 is not > 5
    prd01 = table.loc["PRD-01"]
    assert (prd01["unit"], prd01["published"], prd01["restated"], prd01["difference"]) == ("t CO2", 100.0, 105.0, 5.0)
    assert prd01["difference_percent"] == 5.0
    assert not bool(prd01["significant"]) and not bool(prd01["identical"])
    # PRD-03: 106 − 100 = 6 GJ, 6 % > 5 %
    assert (table.loc["PRD-03", "difference_percent"], bool(table.loc["PRD-03", "significant"])) == (6.0, True)
    # PRD-06: unchanged
    assert bool(table.loc["PRD-06", "identical"]) and not bool(table.loc["PRD-06", "significant"])
    assert table.loc["PRD-06", "difference"] == 0.0


def test_restatement_converts_to_the_published_unit_and_flags_a_one_sided_indicator():
    # restated 0.0945 kt = 94.5 t CO2; 94.5 − 100 = −5.5 t CO2, −5.5 % → significant
    table = restatement([row("PRD-01", 100), row("PRD-05", 3, "t CO2e")], [row("PRD-01", 0.0945, "kt CO2")],
                        Quantity(5, "percent")).set_index("indicator_id")
    assert table.loc["PRD-01", "unit"] == "t CO2"
    assert table.loc["PRD-01", "difference_percent"] == pytest.approx(-5.5, rel=1e-9)
    assert bool(table.loc["PRD-01", "significant"])
    assert math.isnan(table.loc["PRD-05", "restated"]) and bool(table.loc["PRD-05", "significant"])
    assert not bool(table.loc["PRD-05", "identical"])


def test_results_equal(results2018):
    assert results_equal(results2018, list(results2018))
    assert results_equal(results2018, list(reversed(results2018)))  # order does not matter
    value = headline(results2018, "CO2-01")
    # a relative change of 1e-9 is a different result; of 1e-13 it is the rounding of a rerun
    assert not results_equal(results2018, replaced(results2018, "CO2-01", "", value * (1 + 1e-9)))
    assert results_equal(results2018, replaced(results2018, "CO2-01", "", value * (1 + 1e-13)))
    assert not results_equal(results2018, results2018[1:])  # a row missing
    renamed = [dataclasses.replace(r, unit="kt CO2") if r.indicator_id == "CO2-01" and r.breakdown == "" else r
               for r in results2018]
    assert not results_equal(results2018, renamed)  # same number, another unit
    assert differing_indicators(results2018, replaced(results2018, "PRD-07", "site=JP-01", 0.0)) == ["PRD-07"]


# --- reconciliations -------------------------------------------------------------------------------

def checks_by_name(checks):
    return {c.name: c for c in checks}


MOVE = "Energy and Scope 2 move together"


def test_every_reconciliation_passes_on_the_real_fy2018_results(results2018, results2017):
    checks = reconciliations(results2018, results2017, list(results2017), Quantity(10, "percent"))
    # each family's reconciliations in the catalogue's family order, then the rerun of last year
    assert [c.name for c in checks] == [*(r.name for f in families() for r in f.reconciliations),
                                        "FY2017 computed now = FY2017 as published"]
    assert [c.name for c in checks][:9] == [
        "CO2-03: sum over lines = total",
        "CO2-04: sum over categories = total",
        "CO2-04: sum over regions = total",
        "Energy and Scope 2 move together",
        "PRD-01: sum over sites = group total",
        "PRD-03: sum over sites = group total",
        "PRD-06: sum over sites = group total",
        "PRD-07: sum over sites = group total",
        "Scope 1 + Scope 2 = PRD-01 + PRD-05",
    ]
    assert all(c.passed for c in checks), [c for c in checks if not c.passed]
    assert not any(c.detail.startswith("skipped") for c in checks)
    named = checks_by_name(checks)
    # PRD-03 −6,773.6952 / 8,492,934.1052 = −0.08 % and PRD-07 (377,328.1198 − 374,025.91195) / 374,025.91195
    # = +0.88 %: opposite signs, but both within 10 %
    assert "-0.08 %" in named["Energy and Scope 2 move together"].detail
    assert "+0.88 %" in named["Energy and Scope 2 move together"].detail
    # 84,602.00918 + 377,328.1198 = 461,930.129 = 451,223.65898 + 10,706.47 t CO2e
    assert "461,930.129" in named["Scope 1 + Scope 2 = PRD-01 + PRD-05"].detail
    assert "12 site= rows" in named["PRD-01: sum over sites = group total"].detail


@pytest.mark.parametrize("indicator_id, breakdown, name", [
    ("PRD-01", "site=JP-01", "PRD-01: sum over sites = group total"),
    ("PRD-03", "site=JP-01", "PRD-03: sum over sites = group total"),
    ("PRD-06", "site=JP-01", "PRD-06: sum over sites = group total"),
    ("PRD-07", "site=JP-01", "PRD-07: sum over sites = group total"),
    ("CO2-03", "line=1", "CO2-03: sum over lines = total"),
    ("CO2-04", "category=air_purifier", "CO2-04: sum over categories = total"),
    ("CO2-04", "region=japan", "CO2-04: sum over regions = total"),
])
def test_a_changed_breakdown_row_fails_its_sum_and_only_that(results2018, results2017, indicator_id, breakdown,
                                                             name):
    value = next(r.value for r in results2018 if (r.indicator_id, r.breakdown) == (indicator_id, breakdown))
    broken = replaced(results2018, indicator_id, breakdown, value + 1.0)  # the sum is now 1 more than the total
    checks = reconciliations(broken, results2017, results2017, Quantity(10, "percent"))
    assert [c.name for c in checks if not c.passed] == [name]
    assert "≠" in checks_by_name(checks)[name].detail


def test_a_headline_without_its_breakdown_rows_fails(results2018):
    without_sites = [r for r in results2018 if not (r.indicator_id == "PRD-06" and r.breakdown.startswith("site="))]
    check = checks_by_name(reconciliations(without_sites, None, None, Quantity(10, "percent")))[
        "PRD-06: sum over sites = group total"]
    assert not check.passed and "no site= rows" in check.detail


def test_scope_1_plus_2_fails_when_non_co2_gases_change(results2018, results2017):
    broken = replaced(results2018, "PRD-05", "", headline(results2018, "PRD-05") + 100.0)
    checks = reconciliations(broken, results2017, results2017, Quantity(10, "percent"))
    assert [c.name for c in checks if not c.passed] == ["Scope 1 + Scope 2 = PRD-01 + PRD-05"]


def test_energy_and_scope_2_must_move_together_unless_both_are_small():
    def check(energy: float, scope2: float, threshold: float = 10):
        current = [row("PRD-03", energy, "GJ"), row("PRD-07", scope2, "t CO2e")]
        previous = [row("PRD-03", 100, "GJ", year=2017), row("PRD-07", 100, "t CO2e", year=2017)]
        return checks_by_name(reconciliations(current, previous, None, Quantity(threshold, "percent")))[MOVE]

    assert check(120, 101).passed       # +20 % and +1 %: same sign
    assert check(95, 80).passed         # −5 % and −20 %: same sign
    assert check(105, 97).passed        # +5 % and −3 %: opposite, both within 10 %
    failed = check(120, 95)             # +20 % and −5 %: opposite, 20 > 10
    assert not failed.passed and "+20.00 %" in failed.detail and "-5.00 %" in failed.detail
    assert not check(105, 97, threshold=4).passed  # 5 > 4


def test_energy_and_scope_2_fails_on_the_real_years_with_scope_2_raised(results2018, results2017):
    # FY2017 PRD-07 374,025.91195 t CO2e × 1.2 = 448,831.09434 (+20 %) while PRD-03 falls 0.08 %
    broken = replaced(results2018, "PRD-07", "", 448831.09434)
    check = checks_by_name(reconciliations(broken, results2017, results2017, Quantity(10, "percent")))[MOVE]
    assert check.name == "Energy and Scope 2 move together" and not check.passed
    assert "+20.00 %" in check.detail


def test_last_year_computed_now_must_equal_last_year_as_published(results2017, results2018):
    value = headline(results2017, "CO2-01")
    rerun = replaced(results2017, "CO2-01", "", value * (1 + 1e-9))
    check = reconciliations(results2018, results2017, rerun, Quantity(10, "percent"))[-1]
    assert check.name == "FY2017 computed now = FY2017 as published" and not check.passed
    assert check.detail.startswith("1 indicator(s) differ: CO2-01 4,440,924.338 t CO2 published")


def test_without_a_previous_year_the_comparisons_are_skipped_and_pass(results2018):
    checks = reconciliations(results2018, None, None, Quantity(10, "percent"))
    assert all(c.passed for c in checks)
    assert checks_by_name(checks)[MOVE].detail == "skipped: no previous year to compare with"
    assert checks[-1].name == "FY2017 computed now = FY2017 as published"
    assert checks[-1].detail == "skipped: no previous year's published results"
    no_rerun = reconciliations(results2018, read_results(REPO / "outputs" / "FY2017" / "results.csv"), None,
                               Quantity(10, "percent"))[-1]
    assert no_rerun.passed and no_rerun.detail.startswith("skipped: FY2017 was not computed again")


def test_checks_of_indicators_not_in_the_results_are_skipped():
    # an avoided-emissions-only run: no production rows, so the production checks cannot be made
    current = [row("CO2-03", 3), row("CO2-03", 1, breakdown="line=1"), row("CO2-03", 2, breakdown="line=2")]
    checks = checks_by_name(reconciliations(current, [row("CO2-03", 3, year=2017)], None, Quantity(10, "percent")))
    assert all(c.passed for c in checks.values())
    assert checks["PRD-01: sum over sites = group total"].detail == "skipped: PRD-01 not in the results"
    assert checks["Energy and Scope 2 move together"].detail.startswith("skipped: PRD-03, PRD-07")
    # 1 + 2 = 3
    assert checks["CO2-03: sum over lines = total"].detail.startswith("sum of 2 line= rows 3 = CO2-03 3 t CO2")


# --- the changes report's check of the explanations ----------------------------------------------------------

def year_context(params: Parameters, current, last_year):
    import pandas as pd

    from envkpi.cycle.changes_report import YearContext

    return YearContext(fiscal_year=2018, params=params, previous_params=None, current=current, last_year=last_year,
                       last_year_rerun=None, published=None, effects=pd.DataFrame())


def test_the_explanations_check_passes_on_the_sample_year(fy2018, results2018, results2017):
    context = year_context(fy2018, results2018, results2017)
    check = context.explanations_check(context.year_on_year())
    assert (check.name, check.passed, check.detail) == (
        "Every flagged change is explained, by an explanation of that change", True,
        "14 flagged, all explained; every stated change within 5 percentage points of the observed change")


def test_the_explanations_check_names_what_is_missing_and_what_explains_another_change(results2018, results2017):
    def explanations(document):
        document["explanations"]["CO2-01"]["change"] = "-36 %"  # observed +35.52 %
        document["explanations"]["CO2-02"]["change"] = "+30 %"  # observed +11.54 %
        del document["explanations"]["CO2-03"]

    params = fy2018_variant(explanations)
    context = year_context(params, results2018, results2017)
    yoy = context.year_on_year()
    check = context.explanations_check(yoy)
    assert not check.passed
    assert check.detail == (
        "CO2-03 moved +12.17 % (9,119,657.179 → 10,229,669.66 t CO2), above the flag threshold of 10 %, and has no "
        "explanation in explanations: of the year file; "
        "CO2-01 moved +35.52 % (4,440,924.338 → 6,018,559.83 t CO2), but explanations.CO2-01 states -36 %: "
        "the other direction; "
        "CO2-02 moved +11.54 % (7,521,311.812 → 8,389,424.683 t CO2), but explanations.CO2-02 states +30 %: "
        "18.5 percentage points apart, more than the tolerance of 5")
    shown = context.explained(yoy).set_index("indicator_id")
    assert shown.loc["CO2-01", "explained"] == "no: the other direction"
    assert shown.loc["CO2-03", "explained"] == "no explanation"
    assert shown.loc["PRD-04", "explained"] == "yes (within 5 percentage points)"


def test_the_explanations_check_is_skipped_without_last_years_results(fy2018, results2018):
    context = year_context(fy2018, results2018, None)
    check = context.explanations_check(context.year_on_year())
    assert check.passed and check.detail == "skipped: no results of FY2017 to compare with"


def test_a_key_path_another_family_reads_moves_that_family_too():
    # avoided emissions (CO2-03.3, the fuel a battery saves) and logistics (LOG-02) read production.fuels:
    # a change of a fuel's factor is rerun in both to isolate its effect; an electricity factor only in production
    assert family_of("production.fuels.diesel.carbon_factor").split(", ")[:2] == ["avoided_emissions", "production"]
    assert "logistics" in family_of("production.fuels.diesel.carbon_factor")
    assert family_of("production.electricity_factors.CN") == "production"
