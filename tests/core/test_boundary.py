"""Tests for envkpi.boundary.site_boundary: which sites the site indicators cover, and why.

Clause: calculation standard, 対象範囲 (METHODOLOGY.md, scope of site indicators) — manufacturing
sites in Japan and abroad that run an environmental management system, except the entities the
fiscal year's parameters exclude *and their subsidiaries* (``boundary.excluded_entities``); each
site only in the fiscal years it is part of the group (``first_fiscal_year`` … ``last_fiscal_year``).
"""

from __future__ import annotations

import pandas as pd
import pytest

from envkpi.core.boundary import IN_SCOPE, site_boundary, unmatched_exclusions
from envkpi.core.parameters import Exclusion

EXCLUDED = "Sold Off Co., Ltd."
EXCLUDED_REASON = "deconsolidated during the fiscal year"
PARENT = "Hoshikawa Industrial Co., Ltd."


def _sites() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "site_id": ["JP-01", "JP-02", "JP-03", "TH-01", "CN-01", "US-01"],
            "site_name": ["Chiba Works", "Sold Works", "Sold Sub Works", "Bangkok Works", "Suzhou Works", "Ohio Works"],
            "country": ["JP", "JP", "JP", "TH", "CN", "US"],
            "entity": [PARENT, EXCLUDED, "Sold Sub K.K.", "Hoshikawa Thailand", "Hoshikawa Suzhou", "Hoshikawa USA"],
            "parent_entity": [None, PARENT, EXCLUDED, PARENT, PARENT, PARENT],
            "has_ems": [True, True, True, False, True, True],
            "notes": ["", "", "", "EMS certification pending", "", ""],
        }
    )


def _exclusions() -> list[Exclusion]:
    return [Exclusion(name=EXCLUDED, reason=EXCLUDED_REASON, source="test source")]


def test_site_of_an_excluded_entity_is_out_with_the_entity_reason():
    table = site_boundary(_sites(), _exclusions()).set_index("site_id")
    assert not table.loc["JP-02", "in_boundary"]
    assert table.loc["JP-02", "reason"] == f"{EXCLUDED}: {EXCLUDED_REASON}"


def test_subsidiary_of_an_excluded_entity_is_out():
    table = site_boundary(_sites(), _exclusions()).set_index("site_id")
    assert not table.loc["JP-03", "in_boundary"]
    assert table.loc["JP-03", "reason"] == f"subsidiary of {EXCLUDED}: {EXCLUDED_REASON}"


def test_site_without_ems_is_out():
    table = site_boundary(_sites(), _exclusions()).set_index("site_id")
    assert not table.loc["TH-01", "in_boundary"]
    assert table.loc["TH-01", "reason"] == "no environmental management system"


def test_other_sites_are_in_scope():
    table = site_boundary(_sites(), _exclusions()).set_index("site_id")
    for site in ("JP-01", "CN-01", "US-01"):
        assert table.loc[site, "in_boundary"], site
        assert table.loc[site, "reason"] == IN_SCOPE


def test_whole_table_in_input_order():
    table = site_boundary(_sites(), _exclusions())
    assert list(table.columns) == ["site_id", "site_name", "country", "entity", "first_fiscal_year", "last_fiscal_year",
                                   "in_scope", "in_boundary", "reason"]
    assert list(table["site_id"]) == ["JP-01", "JP-02", "JP-03", "TH-01", "CN-01", "US-01"]
    assert [bool(v) for v in table["in_boundary"]] == [True, False, False, False, True, True]
    assert list(table["site_name"]) == list(_sites()["site_name"])


def test_reversed_input_gives_reversed_output():
    sites = _sites().iloc[::-1].reset_index(drop=True)
    table = site_boundary(sites, _exclusions())
    assert list(table["site_id"]) == ["US-01", "CN-01", "TH-01", "JP-03", "JP-02", "JP-01"]


def test_excluded_entity_reason_wins_over_missing_ems():
    sites = _sites()
    sites.loc[sites["site_id"] == "JP-02", "has_ems"] = False
    table = site_boundary(sites, _exclusions()).set_index("site_id")
    assert table.loc["JP-02", "reason"] == f"{EXCLUDED}: {EXCLUDED_REASON}"


def test_without_exclusions_only_ems_decides():
    table = site_boundary(_sites(), []).set_index("site_id")
    assert [bool(v) for v in table["in_boundary"]] == [True, True, True, False, True, True]
    assert table.loc["JP-02", "reason"] == IN_SCOPE


def test_exclusions_may_be_any_iterable():
    table = site_boundary(_sites(), iter(_exclusions()))
    assert int((~table["in_boundary"].astype(bool)).sum()) == 3


def test_input_table_is_not_modified():
    sites = _sites()
    before = sites.copy()
    site_boundary(sites, _exclusions())
    pd.testing.assert_frame_equal(sites, before)


def test_empty_parent_entity_text_is_no_parent():
    sites = _sites()
    sites["parent_entity"] = ""
    table = site_boundary(sites, _exclusions()).set_index("site_id")
    assert table.loc["JP-03", "in_boundary"]  # its parent is no longer named: only the EMS counts
    assert table.loc["JP-03", "reason"] == IN_SCOPE


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_missing_parent_entity_is_no_parent(missing):
    sites = _sites()
    sites["parent_entity"] = sites["parent_entity"].astype(object)
    sites.loc[sites["site_id"] == "JP-01", "parent_entity"] = missing
    table = site_boundary(sites, _exclusions()).set_index("site_id")
    assert table.loc["JP-01", "in_boundary"]
    assert table.loc["JP-01", "reason"] == IN_SCOPE


# --- exclusions that match no entity (issue 9) -------------------------------------------------------

def _exclusion(name: str) -> Exclusion:
    return Exclusion(name=name, reason=EXCLUDED_REASON, source="test source")


def test_an_exclusion_of_an_entity_or_a_parent_entity_matches():
    exclusions = [_exclusion(EXCLUDED), _exclusion(PARENT), _exclusion("Sold Sub K.K.")]
    assert unmatched_exclusions(_sites(), exclusions) == []


def test_an_exclusion_mistyped_by_one_character_is_returned_with_the_nearest_names():
    # "Sold Off Co., Ltd" without the final dot would exclude nothing: JP-02 and JP-03 would come in
    exclusions = [_exclusion(PARENT), _exclusion("Sold Off Co., Ltd")]
    assert unmatched_exclusions(_sites(), exclusions) == [(1, "Sold Off Co., Ltd", [EXCLUDED])]
    assert site_boundary(_sites(), exclusions[1:]).set_index("site_id").loc["JP-02", "in_boundary"]


def test_an_exclusion_like_no_entity_is_returned_without_names():
    assert unmatched_exclusions(_sites(), [_exclusion("Zeta Holdings AG")]) == [(0, "Zeta Holdings AG", [])]


def test_matching_is_exact_and_empty_parents_are_no_names():
    sites = _sites()
    sites["parent_entity"] = ["", None, float("nan"), "", "", ""]
    assert unmatched_exclusions(sites, [_exclusion(PARENT.upper())]) == [(0, PARENT.upper(), [])]
    assert unmatched_exclusions(sites, [_exclusion("")]) == [(0, "", [])]


# --- subsidiaries at any depth (issue 10, point 4) ---------------------------------------------------

def _group() -> pd.DataFrame:
    """An excluded entity, its subsidiary and the subsidiary's own subsidiary (a grandchild), each with a site."""
    return pd.DataFrame({
        "site_id": ["US-02", "MX-01", "MX-02", "JP-01"],
        "site_name": ["Ontario Plant", "Monterrey Plant", "Tijuana Plant", "Chiba Works"],
        "country": ["US", "MX", "MX", "JP"],
        "entity": ["Northwind Cold Chain Inc.", "Northwind de Mexico", "Northwind Tijuana", PARENT],
        "parent_entity": [PARENT, "Northwind Cold Chain Inc.", "Northwind de Mexico", None],
        "has_ems": [True, True, True, True],
    })


def test_a_grandchild_of_an_excluded_entity_is_out_naming_the_chain():
    exclusion = [Exclusion(name="Northwind Cold Chain Inc.", reason="acquired April 2016", source="test source")]
    table = site_boundary(_group(), exclusion).set_index("site_id")
    assert not table.loc["MX-02", "in_boundary"]
    assert table.loc["MX-02", "reason"] == ("subsidiary of Northwind Cold Chain Inc. (through Northwind de Mexico): "
                                            "acquired April 2016")
    assert table.loc["MX-01", "reason"] == "subsidiary of Northwind Cold Chain Inc.: acquired April 2016"
    assert table.loc["JP-01", "in_boundary"]  # the group's parent is no subsidiary of what it owns


def test_a_register_whose_parents_loop_ends_the_chain_at_the_loop():
    sites = _group()
    sites.loc[sites["site_id"] == "JP-01", "parent_entity"] = "Northwind Tijuana"  # a typing slip: a loop
    table = site_boundary(sites, []).set_index("site_id")
    assert table["in_boundary"].all()  # no exclusion: the loop neither hangs nor excludes anything


# --- sites over time (issue 12, point 1) --------------------------------------------------------------

def _dated() -> pd.DataFrame:
    """JP-01 in the group throughout; TH-02 from FY2019; ES-01 to FY2018; JP-02 (excluded) to FY2018;
    CN-01 from FY2016 to FY2019."""
    return pd.DataFrame({
        "site_id": ["JP-01", "TH-02", "ES-01", "JP-02", "CN-01"],
        "site_name": ["Chiba Works", "Chonburi Plant", "Valencia Plant", "Sold Works", "Suzhou Works"],
        "country": ["JP", "TH", "ES", "JP", "CN"],
        "entity": [PARENT, "Hoshikawa Thailand", "Hoshikawa Spain", EXCLUDED, "Hoshikawa Suzhou"],
        "parent_entity": [None, PARENT, PARENT, PARENT, PARENT],
        "has_ems": [True, True, True, True, True],
        # as the loader reads them: floats with NaN for the empty cells
        "first_fiscal_year": [float("nan"), 2019.0, float("nan"), float("nan"), 2016.0],
        "last_fiscal_year": [float("nan"), float("nan"), 2018.0, 2018.0, 2019.0],
    })


@pytest.mark.parametrize("year, inside", [
    (2015, {"JP-01", "ES-01"}),
    (2016, {"JP-01", "ES-01", "CN-01"}),
    (2018, {"JP-01", "ES-01", "CN-01"}),
    (2019, {"JP-01", "TH-02", "CN-01"}),
    (2020, {"JP-01", "TH-02"}),
])
def test_a_site_is_inside_only_in_its_fiscal_years(year, inside):
    table = site_boundary(_dated(), _exclusions(), year)
    assert set(table.loc[table["in_boundary"], "site_id"]) == inside


def test_a_closed_site_is_out_with_its_last_fiscal_year():
    table = site_boundary(_dated(), _exclusions(), 2019).set_index("site_id")
    assert not table.loc["ES-01", "in_boundary"]
    assert table.loc["ES-01", "reason"] == "closed: its last fiscal year was FY2018"
    assert table.loc["ES-01", "in_scope"]  # inside apart from its dates: its history still counts


def test_a_site_not_yet_in_the_group_is_out_with_its_first_fiscal_year():
    table = site_boundary(_dated(), _exclusions(), 2018).set_index("site_id")
    assert not table.loc["TH-02", "in_boundary"]
    assert table.loc["TH-02", "reason"] == "not yet in the group: its first fiscal year is FY2019"


def test_in_its_years_a_site_has_the_entity_and_ems_reasons_as_before():
    table = site_boundary(_dated(), _exclusions(), 2018).set_index("site_id")
    assert table.loc["JP-02", "reason"] == f"{EXCLUDED}: {EXCLUDED_REASON}"
    assert not table.loc["JP-02", "in_scope"]
    assert table.loc["CN-01", "reason"] == IN_SCOPE


def test_a_closed_site_that_is_also_excluded_gives_both_reasons():
    table = site_boundary(_dated(), _exclusions(), 2019).set_index("site_id")
    assert table.loc["JP-02", "reason"] == f"closed: its last fiscal year was FY2018; {EXCLUDED}: {EXCLUDED_REASON}"
    assert not table.loc["JP-02", "in_scope"] and not table.loc["JP-02", "in_boundary"]


def test_the_first_and_last_fiscal_years_are_inclusive():
    table = site_boundary(_dated(), _exclusions(), 2016).set_index("site_id")
    assert table.loc["CN-01", "in_boundary"]
    table = site_boundary(_dated(), _exclusions(), 2019).set_index("site_id")
    assert table.loc["CN-01", "in_boundary"] and table.loc["TH-02", "in_boundary"]


def test_the_years_are_shown_as_whole_numbers_or_empty():
    table = site_boundary(_dated(), _exclusions(), 2019)
    assert str(table["first_fiscal_year"].dtype) == "Int64"
    assert table["first_fiscal_year"].tolist()[:2] == [pd.NA, 2019]
    assert table["last_fiscal_year"].tolist()[2] == 2018


def test_without_a_fiscal_year_the_dates_are_not_judged():
    table = site_boundary(_dated(), _exclusions()).set_index("site_id")
    assert (table["in_boundary"] == table["in_scope"]).all()
    assert table.loc["ES-01", "reason"] == IN_SCOPE


def test_a_register_without_the_year_columns_is_open_ended():
    table = site_boundary(_sites(), _exclusions(), 2019)
    assert table["first_fiscal_year"].isna().all() and table["last_fiscal_year"].isna().all()
    assert [bool(v) for v in table["in_boundary"]] == [True, False, False, False, True, True]
