"""Tests for envkpi.families.chemicals.calculations (CHE-01 … CHE-04), from values worked out by hand.

Each expected value is written as the arithmetic of the standard's rows 化学物質関連 on the inputs of the test:
CHE-01 = Σ handled; CHE-02 = Σ (air + public water + soil) (排出量は大気、公共用水域、土壌への排出を含む);
CHE-03 = Σ transfers as waste and to sewers, recycling free of charge or paid for by the group included
(管理対象化学物質の移動量); CHE-04 = Σ coefficient × (releases + transfers without that recycling)
(ヒト・環境影響度; A 10,000, B 1,000, C 100, D 10, E 1). Inputs in kg, results in t (kg ÷ 1,000).
"""

from __future__ import annotations

import pandas as pd
import pytest

from envkpi.core.units import Quantity
from envkpi.families.chemicals import calculations as che

RANKS = {"toluene": "D", "lead_compounds": "A"}
COEFFICIENTS = {"A": 10_000.0, "B": 1_000.0, "C": 100.0, "D": 10.0, "E": 1.0}


def substances(*rows: tuple) -> pd.DataFrame:
    """Validated chemical_substances rows: (row, site_id, substance, handled, air, water, soil, landfill) [kg]."""
    return pd.DataFrame(rows, columns=["row", "site_id", "substance", "handled", "air", "water", "soil", "landfill"])


def transfers(*rows: tuple) -> pd.DataFrame:
    """Validated chemical_transfers rows: (row, site_id, substance, destination, wma_recycling, quantity) [kg]."""
    return pd.DataFrame(rows, columns=["row", "site_id", "substance", "destination", "wma_recycling", "quantity"])


def run(subs: pd.DataFrame, moves: pd.DataFrame) -> che.ChemicalsResult:
    s = che.substance_rows(subs, RANKS, COEFFICIENTS)
    t = che.transfer_rows(moves, RANKS)
    return che.chemicals_result(s, t, che.by_substance(s, t))


def test_releases_are_air_water_and_soil_without_landfill():
    # 1,200 kg air + 300 kg water + 50 kg soil = 1,550 kg = 1.55 t; the 400 kg landfill is not added
    assert che.releases(Quantity(1200, "kg"), Quantity(300, "kg"), Quantity(50, "kg")).m_as("t") == pytest.approx(1.55)


def test_the_two_transfer_definitions():
    waste, sewer, recycling = Quantity(2000, "kg"), Quantity(100, "kg"), Quantity(5000, "kg")
    # CHE-03: 2,000 + 100 + 5,000 = 7,100 kg = 7.1 t; CHE-04's: 2,000 + 100 = 2,100 kg = 2.1 t
    assert che.transfers(waste, sewer, recycling, include_recycling=True).m_as("t") == pytest.approx(7.1)
    assert che.transfers(waste, sewer, recycling, include_recycling=False).m_as("t") == pytest.approx(2.1)


def test_hazard_weighted_impact():
    # rank B: 1,000 × (0.5 t + 0.25 t) = 750 t
    assert che.hazard_weighted_impact(1000.0, Quantity(0.5, "t"), Quantity(0.25, "t")).m_as("t") == pytest.approx(750.0)


def test_only_the_recycling_flag_differs_between_che03_and_che04():
    """Two identical sites; at JP-02 the 3,000 kg of toluene waste goes to recycling paid for by the group."""
    subs = substances((2, "JP-01", "toluene", 20_000, 1_000, 0, 0, 0), (3, "JP-02", "toluene", 20_000, 1_000, 0, 0, 0))
    moves = transfers((2, "JP-01", "toluene", "waste", False, 3_000), (3, "JP-02", "toluene", "waste", True, 3_000))
    result = run(subs, moves)
    # CHE-01: 20,000 + 20,000 kg = 40 t; CHE-02: 1,000 + 1,000 kg = 2 t
    assert result.handled.m_as("t") == pytest.approx(40.0)
    assert result.released.m_as("t") == pytest.approx(2.0)
    # CHE-03 counts both sites' waste: 3,000 + 3,000 kg = 6 t
    assert result.transferred.m_as("t") == pytest.approx(6.0)
    # CHE-04's transfers leave out JP-02's recycling: 3,000 kg = 3 t; the difference is the recycling, 3 t
    assert result.transferred_without_recycling.m_as("t") == pytest.approx(3.0)
    assert result.recycling.m_as("t") == pytest.approx(6.0 - 3.0)
    # CHE-04 (rank D, 10): JP-01 10 × (1 t + 3 t) = 40 t; JP-02 10 × (1 t + 0 t) = 10 t; total 50 t
    assert result.impact.m_as("t") == pytest.approx(10 * (1 + 3) + 10 * (1 + 0))
    # the other reading, CHE-03's transfers weighted: 10 × (1 + 3) + 10 × (1 + 3) = 80 t
    assert result.impact_with_recycling.m_as("t") == pytest.approx(80.0)


def test_reconciliation_by_substance_and_rank():
    subs = substances((2, "JP-01", "toluene", 10_000, 500, 0, 0, 0), (3, "JP-01", "lead_compounds", 800, 0, 0, 0, 200))
    moves = transfers((2, "JP-01", "toluene", "waste", False, 1_000), (3, "JP-01", "toluene", "sewer", False, 20),
                      (4, "JP-01", "lead_compounds", "waste", True, 90), (5, "JP-01", "lead_compounds", "waste", False, 10))
    s = che.substance_rows(subs, RANKS, COEFFICIENTS)
    t = che.transfer_rows(moves, RANKS)
    table = che.by_substance(s, t)
    per = che.recycling_by_substance(table).set_index("substance")
    # lead (A): CHE-03 transfers 90 + 10 = 100 kg = 0.1 t; recycling 0.09 t; CHE-04 transfers 0.01 t
    assert per.loc["lead_compounds", "difference_t"] == pytest.approx(0.1 - 0.01)
    assert per.loc["lead_compounds", "recycling_t"] == pytest.approx(0.09)
    # lead's impact: 10,000 × (0 t released + 0.01 t) = 100 t (the 200 kg landfill is not a CHE-02 release)
    assert per.loc["lead_compounds", "impact_t"] == pytest.approx(10_000 * 0.01)
    # toluene (D): 10 × (0.5 t + 1.0 t + 0.02 t) = 15.2 t, no recycling
    assert per.loc["toluene", "impact_t"] == pytest.approx(10 * (0.5 + 1.0 + 0.02))
    assert per.loc["toluene", "recycling_t"] == 0
    by_rank = che.breakdown(table, "rank", "impact_t", "ABCDE")
    assert list(by_rank) == pytest.approx([100.0, 0, 0, 15.2, 0])
    result = che.chemicals_result(s, t, table)
    # CHE-02 with landfill: 0.5 t + 0.2 t = 0.7 t
    assert result.released_with_landfill.m_as("t") == pytest.approx(0.5 + 0.2)
    assert all(c.passed for c in che.chemicals_checks(s, t, table, result))


def test_a_negative_coefficient_is_refused():
    with pytest.raises(ValueError, match="negative"):
        che.hazard_weighted_impact(-1.0, Quantity(1, "t"), Quantity(1, "t"))
