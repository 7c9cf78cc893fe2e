"""Properties of the calculations, checked with hypothesis on the FY2018 sample (issue 9, item 7).

Each test edits the sample input tables (a copy under pytest's temporary folder), writes them back as
CSV, reloads them through the loaders the notebooks call (so every edited table passes the same
validation as a run) and computes the headline results with the library functions that the notebooks'
calculation cells call (``production.ipynb``, ``avoided_emissions.ipynb``, ``product_use.ipynb``; see
:func:`production_results`, :func:`avoided_results`, :func:`product_use_results`). The properties:

1. **Scaling**: every activity of a family times k gives every emission (and energy) times k.
2. **Row order**: permuting the rows of every input table changes no result.
3. **Splitting**: a record split into two with the same total changes no total.
4. **Units**: converting a quantity to another unit the data dictionary allows (and changing its unit
   cell) changes no result.

One test per property; where a property holds for several families, each example draws the family.
Runs are deterministic (``derandomize=True``, no example database): CI sees the same examples on every
run; ``--hypothesis-show-statistics`` shows how many examples each family had.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from envkpi.families.avoided_emissions import calculations as ae
from envkpi.families.product_use import calculations as use
from envkpi.families.production import calculations as prd
from envkpi.families.avoided_emissions import ventilation as vent
from envkpi.core.parameters import Parameters
from envkpi.families import load_parameters
from envkpi.families.production.tables import RENEWABLE_ENERGY, load_production_inputs
from envkpi.families.avoided_emissions.tables import load_avoided_inputs
from envkpi.families.product_use.tables import load_product_use_inputs

FY = 2018
#: Tolerance of scaling, splitting and unit conversion: each changes the arithmetic (k·q·f instead of
#: k·(q·f); q₁·f + q₂·f instead of q·f; q/1000 [kWh → MWh] then × 1000 again), so results agree to a
#: few units in the last place of a double, far inside 1e-9.
REL = 1e-9
#: Tolerance of row order: the same terms added in another order (the site and group sums follow the
#: row order of the files) can differ in the last bits; 1e-12 is still a thousand times the rounding.
ORDER_REL = 1e-12

PROPERTY = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

YEAR_TABLES = ("sites", "fuel_use", "purchased_energy", "renewable_energy", "non_co2_ghg", "production_output",
               "pv_shipments", "fuel_cell_shipments", "energy_saving_products", "housing_insulation",
               "compressors_motors", "automotive_batteries", "vacuum_insulation_panels", "teleconference_systems",
               "energy_management_systems", "heat_exchange_ventilation", "product_use")
#: The published histories, named like the year's tables when a test changes them.
HISTORY = {"site_history": "data/history/site_history.csv", "avoided_history": "data/history/avoided_emissions.csv"}
TEMPERATURE = "data/reference/outdoor_temperature.csv"
#: The part of the sample's outdoor temperature series the copy keeps: two weeks of January (heating
#: season, so the heat-exchange model saves energy). No property changes this series; reading and
#: checking all 8,760 hours would cost about 2 s in every example (most of an avoided-emissions load),
#: and any valid series serves, since each property compares two runs on the same series.
TEMPERATURE_HOURS = ("2019-01-01T00:00", 14 * 24)

#: Count columns of the avoided-emissions tables ([count]); a scaled count stays a whole number.
AVOIDED_COUNTS = {"fuel_cell_shipments": "units_shipped", "energy_saving_products": "units_shipped",
                  "housing_insulation": "houses_delivered", "compressors_motors": "units_shipped",
                  "automotive_batteries": "vehicles", "vacuum_insulation_panels": "units_shipped",
                  "teleconference_systems": "units_sold", "energy_management_systems": "units_shipped",
                  "heat_exchange_ventilation": "units_shipped"}


# --- the sample, its copies, and the results as the notebooks compute them -------------------------

@dataclass(frozen=True, eq=False)
class Sample:
    """A copy of the project's parameters and FY2018 inputs; the tables as text, as in the files."""

    root: Path
    params: Parameters
    tables: dict[str, pd.DataFrame]
    inside: frozenset[str]  # the sites inside the FY2018 boundary, as the loader finds them

    def frame(self, name: str) -> pd.DataFrame:
        """A fresh copy of a table (every cell a string, exactly as in the file)."""
        return self.tables[name].copy()

    @contextmanager
    def case(self, **changed: pd.DataFrame) -> Iterator[Case]:
        """The sample with the ``changed`` tables written over the originals, in a folder of its own."""
        unknown = set(changed) - set(self.tables)
        assert not unknown, f"no such table: {unknown}"
        folder = Path(tempfile.mkdtemp(prefix="case-", dir=self.root / "cases"))
        try:
            for name, frame in self.tables.items():
                path = folder / (f"{name}.csv" if name in YEAR_TABLES else Path(HISTORY[name]).name)
                changed.get(name, frame).to_csv(path, index=False, lineterminator="\n")
            yield Case(self.root, folder, folder / "site_history.csv", folder / "avoided_emissions.csv")
        finally:
            shutil.rmtree(folder)


@dataclass(frozen=True)
class Case:
    """Where the tables of one example are: the year's folder and the two history files."""

    root: Path
    data_dir: Path
    site_history: Path
    avoided_history: Path

    @property
    def temperature(self) -> Path:
        return self.root / TEMPERATURE


def _read_text(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def sample(root, tmp_path_factory) -> Sample:
    copy = tmp_path_factory.mktemp("properties") / "project"
    shutil.copytree(root / "parameters", copy / "parameters")
    for folder in (f"data/FY{FY}", "data/history", "data/reference"):
        shutil.copytree(root / folder, copy / folder)
    series = _read_text(copy / TEMPERATURE)
    first, hours = TEMPERATURE_HOURS
    start = series.index[series["timestamp"] == first][0]
    series.iloc[start:start + hours].to_csv(copy / TEMPERATURE, index=False, lineterminator="\n")
    (copy / "cases").mkdir()
    tables = {name: _read_text(copy / "data" / f"FY{FY}" / f"{name}.csv") for name in YEAR_TABLES}
    tables.update({name: _read_text(copy / path) for name, path in HISTORY.items()})
    params = load_parameters(copy / "parameters" / f"FY{FY}.yaml", root=copy)
    inputs = load_production_inputs(params, copy / "data" / f"FY{FY}", copy / HISTORY["site_history"], root=copy)
    return Sample(copy, params, tables, frozenset(inputs.sites_in_boundary))


def production_results(params: Parameters, case: Case) -> dict[str, float]:
    """PRD-01 (and its two parts) … PRD-07 as ``production.ipynb`` computes them (cells setup, fuel,
    purchased, ghg, renewable, index)."""
    inputs = load_production_inputs(params, case.data_dir, case.site_history, root=case.root)
    method = params.production
    fuel = prd.fuel_emissions(inputs.fuel_use, method.fuels, method.city_gas_suppliers, method.city_gas_fuel)
    purchased = prd.purchased_emissions(
        inputs.purchased_energy, inputs.countries, method.electricity_factors, method.heat_carriers,
        method.heat_abroad, method.electricity_energy_factor.quantity,
    )
    ghg = prd.non_co2_emissions(inputs.non_co2_ghg, params.gwp_sets[method.gwp_set.value].values, method.gwp_set.value)
    sites = prd.site_totals(inputs.sites_in_boundary, fuel, purchased, ghg)
    totals = prd.group_totals(sites)
    renewables = prd.renewable_energy_used(inputs.renewable_energy)
    series = prd.intensity_series(inputs.history, sites["production_co2_t"], inputs.production_output, FY)
    index = prd.chained_intensity_index(series, int(method.base_fiscal_year.value), FY)
    return {
        "PRD-01": totals.production_co2.m_as("t CO2"),
        "PRD-01 fuel": totals.fuel_co2.m_as("t CO2"),
        "PRD-01 purchased": totals.purchased_co2.m_as("t CO2"),
        "PRD-02": index.index_percent.m_as("percent"),
        "PRD-03": totals.energy.m_as("GJ"),
        "PRD-04": prd.renewable_energy_total(renewables).m_as("MWh"),
        "PRD-05": totals.non_co2.m_as("t CO2e"),
        "PRD-06": totals.scope1.m_as("t CO2e"),
        "PRD-07": totals.scope2.m_as("t CO2e"),
    }


def avoided_results(params: Parameters, case: Case) -> dict[str, float]:
    """CO2-01 (and its PV and fuel-cell parts), CO2-02, CO2-03 (and its seven lines) and their sum, as
    ``avoided_emissions.ipynb`` computes them (cells setup, co2-01, co2-02, line-1 … line-7, co2-03, table)."""
    inputs = load_avoided_inputs(params, case.data_dir, case.temperature, case.avoided_history, root=case.root)
    method, regions = params.avoided_emissions, params.product_regions
    pv = ae.pv_table(inputs.pv_shipments, regions, method.pv)
    fuel_cell = ae.fuel_cell_table(inputs.fuel_cell_shipments, method.fuel_cell)
    saving = ae.energy_saving_table(inputs.energy_saving_products, regions, method.energy_saving)
    housing = ae.housing_table(inputs.housing_insulation, method.housing, regions)
    compressors = ae.compressors_motors_table(inputs.compressors_motors, method.compressors_motors,
                                              method.compressors_motors.emission_factor)
    batteries = ae.battery_table(inputs.automotive_batteries, method.automotive_batteries,
                                 params.production.fuels[method.automotive_batteries.fuel.value])
    panels = ae.vacuum_insulation_table(inputs.vacuum_insulation_panels, method.vacuum_insulation,
                                        method.vacuum_insulation.emission_factor)
    teleconference = ae.teleconference_table(inputs.teleconference_systems, regions, method.teleconference)
    ems = ae.energy_management_table(inputs.energy_management_systems, method.energy_management)
    simulation = vent.simulate_ventilation(inputs.temperature, vent.conditions_from_parameters(method.heat_exchange))
    heat_exchange = vent.heat_exchange_table(inputs.heat_exchange_ventilation, simulation, method.heat_exchange)
    indirect = ae.indirect_lines_summary(ae.line_total(housing), ae.line_total(compressors), ae.line_total(batteries),
                                         ae.line_total(panels), ae.line_total(teleconference), ae.line_total(ems),
                                         ae.line_total(heat_exchange))
    totals = ae.avoided_totals(pv, fuel_cell, saving, indirect)
    results = {
        "CO2-01": totals.co2_01.m_as("t CO2"),
        "CO2-01 pv": totals.pv.m_as("t CO2"),
        "CO2-01 fuel_cell": totals.fuel_cell.m_as("t CO2"),
        "CO2-02": totals.co2_02.m_as("t CO2"),
        "CO2-03": totals.co2_03.m_as("t CO2"),
        "total": totals.total.m_as("t CO2"),
    }
    results.update(dict(zip(indirect.lines["indicator"], indirect.lines["co2_t"].astype(float))))
    return results


def product_use_results(params: Parameters, case: Case) -> dict[str, float]:
    """CO2-04 as ``product_use.ipynb`` computes it (cells setup, co2-04)."""
    products = load_product_use_inputs(params, case.data_dir, root=case.root)[0]
    table = use.product_use_table(products, params.product_regions, params.product_use.lifetimes)
    return {"CO2-04": use.product_use_total(table).m_as("t CO2")}


FAMILIES = {"production": production_results, "avoided_emissions": avoided_results,
            "product_use": product_use_results}


def results_of(sample: Sample, family: str, **changed: pd.DataFrame) -> dict[str, float]:
    """The headline results of ``family`` with the ``changed`` tables."""
    with sample.case(**changed) as case:
        return FAMILIES[family](sample.params, case)


@pytest.fixture(scope="module")
def original(sample) -> dict[str, dict[str, float]]:
    """Each family's results on the unchanged sample (written back through the same CSV writer)."""
    return {family: results_of(sample, family) for family in FAMILIES}


def assert_results(got: dict[str, float], expected: dict[str, float], rel: float, what: str) -> None:
    """Every result equal within ``rel`` (relative); the message lists each one that is not."""
    assert got.keys() == expected.keys()
    wrong = [f"{key}: got {got[key]!r}, expected {expected[key]!r}" for key in expected
             if not math.isclose(got[key], expected[key], rel_tol=rel)]
    assert not wrong, f"{what}:\n  " + "\n  ".join(wrong)


def _number(value: float) -> str:
    """A number as written to an input file: the shortest text that reads back as the same double."""
    return repr(float(value))


def scaled(frame: pd.DataFrame, column: str, k: float) -> pd.DataFrame:
    out = frame.copy()
    out[column] = [_number(float(value) * k) for value in frame[column]]
    return out


def in_boundary_rows(sample: Sample, name: str) -> list[int]:
    """Positions of the rows of ``name`` whose site is inside the FY2018 boundary (the rows that count)."""
    return [i for i, site in enumerate(sample.tables[name]["site_id"]) if site in sample.inside]


# --- 1. scaling every activity by k scales every emission by k -----------------------------------

PRODUCTION_ACTIVITY = {"fuel_use": ("quantity",), "purchased_energy": ("quantity",),
                       "non_co2_ghg": ("quantity",), "renewable_energy": ("generated", "used_on_site")}
#: k for the production tables: up to 50, because JP-05's 132,800 MWh of electricity times 76 passes the
#: most one site can plausibly buy in a year (10,000,000 MWh, data/README.md), which the loader refuses.
PRODUCTION_K = st.floats(min_value=0.01, max_value=50)


@PROPERTY
@given(k=PRODUCTION_K, with_output=st.booleans())
@example(k=0.0, with_output=False)
@example(k=0.01, with_output=True)
@example(k=50.0, with_output=False)
@example(k=50.0, with_output=True)
def test_scaling_every_production_activity_by_k_scales_emissions_and_energy_by_k(sample, original, k, with_output):
    """Fuel quantities, purchased electricity and heat, non-CO2 gas masses and on-site renewable
    generation (generated and used) times k → PRD-01 (both parts), PRD-03, PRD-04, PRD-05, PRD-06 and
    PRD-07 times k.

    PRD-02, the chained intensity index: only this year's factor A_N depends on this year's data.
    - Production output unchanged: A_N = Σ CO2_N / Σ I_(N−1)·output_N is linear in this year's CO2 (the
      sites that enter A_N depend on the outputs and last year's data only, so k = 0 leaves them in,
      each with a ratio of 0): PRD-02 times k.
    - Production output times k too: each site's intensity CO2_N/output_N and the weights
      I_(N−1)·output_N / Σ … are unchanged: PRD-02 unchanged. (Not with k = 0: a site with zero output
      cannot enter the index, which would then have no site.)
    """
    changed = {}
    for name, columns in PRODUCTION_ACTIVITY.items():
        frame = sample.frame(name)
        for column in columns:
            frame = scaled(frame, column, k)
        changed[name] = frame
    if with_output:
        changed["production_output"] = scaled(sample.frame("production_output"), "output", k)
    expected = {key: (value if key == "PRD-02" and with_output else k * value)
                for key, value in original["production"].items()}
    assert_results(results_of(sample, "production", **changed), expected, REL,
                   f"k = {k!r}, production output {'times k' if with_output else 'unchanged'}")


# Counts are whole numbers, so k cannot be any float for the product tables: k = p/q with the sample's
# counts (and PV capacities) times q as the base and times p as the scaled case. p and q are even, so
# that every teleconferencing count is even and makes whole sets (⌊units/2⌋ is not linear in units:
# an odd count leaves one unpaired unit, which the standard does not count). k runs from 0 and 2/200 = 0.01
# to 200/2 = 100, and no count exceeds 200 times the sample's (within the plausible ranges).
SCALED_BY = st.integers(min_value=0, max_value=100).map(lambda n: 2 * n)
BASE = st.sampled_from([2, 4, 10, 20, 50, 100, 200])


def _product_tables_times(sample: Sample, family: str, multiplier: int) -> dict[str, pd.DataFrame]:
    """The count (and PV capacity) columns of a family's tables times a whole ``multiplier``."""
    columns = ({"product_use": "units_sold"} if family == "product_use"
               else {**AVOIDED_COUNTS, "pv_shipments": "capacity_shipped"})
    changed = {}
    for name, column in columns.items():
        frame = sample.frame(name)
        if name == "pv_shipments":
            frame = scaled(frame, column, multiplier)
        else:
            frame[column] = [str(int(count) * multiplier) for count in frame[column]]
        changed[name] = frame
    return changed


@lru_cache(maxsize=None)
def _results_times(sample: Sample, family: str, multiplier: int) -> tuple[tuple[str, float], ...]:
    return tuple(results_of(sample, family, **_product_tables_times(sample, family, multiplier)).items())


@PROPERTY
@given(family=st.sampled_from(["avoided_emissions", "product_use"]), p=SCALED_BY, q=BASE)
@example(family="avoided_emissions", p=0, q=2)
@example(family="avoided_emissions", p=2, q=200)
@example(family="avoided_emissions", p=200, q=2)
@example(family="product_use", p=0, q=2)
@example(family="product_use", p=200, q=2)
def test_scaling_units_shipped_or_sold_and_pv_capacity_by_k_scales_product_emissions_by_k(sample, family, p, q):
    """Avoided emissions: every count (units shipped, houses, vehicles, teleconferencing units) and the
    PV capacity times k → CO2-01 (both parts), CO2-02 (its negative row included), the seven lines of
    CO2-03 and the total times k. Product use: units sold times k → CO2-04 times k. The per-unit figures
    (kWh/year of models and references, savings per unit) are properties of the products, not
    activities: they stay."""
    event(family)
    k = p / q
    base = dict(_results_times(sample, family, q))
    got = dict(_results_times(sample, family, p))
    assert_results(got, {key: k * value for key, value in base.items()}, REL, f"{family}, k = {p}/{q}")


# --- 2. row order changes no result --------------------------------------------------------------

#: The tables each family reads. Not the outdoor temperature series: its rows must be in time order
#: (the data dictionary: hourly, in time order, no gaps), so a permutation of it is not a valid input.
FAMILY_TABLES = {
    "production": ("sites", "fuel_use", "purchased_energy", "renewable_energy", "non_co2_ghg", "production_output",
                   "site_history"),
    "avoided_emissions": ("pv_shipments", "fuel_cell_shipments", "energy_saving_products", "housing_insulation",
                          "compressors_motors", "automotive_batteries", "vacuum_insulation_panels",
                          "teleconference_systems", "energy_management_systems", "heat_exchange_ventilation",
                          "avoided_history"),
    "product_use": ("product_use",),
}


@PROPERTY
@given(family=st.sampled_from(sorted(FAMILY_TABLES)), data=st.data())
def test_row_order_of_the_input_tables_changes_no_result(sample, original, family, data):
    """Every table of the family (its history included) with its rows permuted → the same results,
    within 1e-12 relative (:data:`ORDER_REL`), not exactly: the sums over rows and sites follow the row
    order of the files, and floating-point addition is not associative, so the last bits may differ."""
    event(family)
    changed = {}
    for name in FAMILY_TABLES[family]:
        frame = sample.frame(name)
        order = data.draw(st.permutations(range(len(frame))), label=f"{name} rows")
        changed[name] = frame.iloc[order].reset_index(drop=True)
    assert_results(results_of(sample, family, **changed), original[family], ORDER_REL, f"{family}, rows permuted")


# --- 3. a record split into two with the same total changes no total ------------------------------

def _split(frame: pd.DataFrame, position: int, parts: dict[str, tuple[str, str]], **second: str) -> pd.DataFrame:
    """Row ``position`` as two rows placed one after the other: ``parts`` gives each split column's text
    in the first and the second row; the second row's other cells are the row's, or ``second``."""
    row = frame.iloc[position]
    first, other = row.copy(), row.copy()
    for column, (one, two) in parts.items():
        first[column], other[column] = one, two
    for column, value in second.items():
        other[column] = value
    return pd.concat([frame.iloc[:position], first.to_frame().T, other.to_frame().T, frame.iloc[position + 1:]],
                     ignore_index=True)


def _fractions(row: pd.Series, columns: tuple[str, ...], fraction: float) -> dict[str, tuple[str, str]]:
    """Each of ``columns`` as ``fraction`` of its value and the rest."""
    parts = {}
    for column in columns:
        whole = float(row[column])
        part = whole * fraction
        parts[column] = (_number(part), _number(whole - part))
    return parts


#: The share of a split quantity in the first row: below one half, so that the two rows always differ
#: (two rows the same in every cell are refused as a duplicate).
FRACTION = st.floats(min_value=0.01, max_value=0.45)


def _split_production(sample: Sample, data: st.DataObject) -> dict[str, pd.DataFrame]:
    changed = {}
    for name in ("fuel_use", "non_co2_ghg"):
        frame = sample.frame(name)
        position = data.draw(st.sampled_from(in_boundary_rows(sample, name)), label=f"{name} row")
        fraction = data.draw(FRACTION, label=f"{name} fraction")
        changed[name] = _split(frame, position, _fractions(frame.iloc[position], ("quantity",), fraction))
    renewable = sample.frame("renewable_energy")
    position = data.draw(st.sampled_from(in_boundary_rows(sample, "renewable_energy")), label="renewable_energy row")
    site = renewable.loc[position, "site_id"]
    sources = RENEWABLE_ENERGY.column("source").allowed  # the sources the data dictionary allows
    free = sorted(set(sources) - set(renewable.loc[renewable["site_id"] == site, "source"]))
    fraction = data.draw(FRACTION, label="renewable_energy fraction")
    changed["renewable_energy"] = _split(renewable, position,
                                         _fractions(renewable.iloc[position], ("generated", "used_on_site"), fraction),
                                         source=data.draw(st.sampled_from(free), label="second source"))
    return changed


def _split_shipments(sample: Sample, data: st.DataObject) -> dict[str, pd.DataFrame]:
    changed = {}
    splits = (("heat_exchange_ventilation", "units_shipped", "product", None),
              ("housing_insulation", "houses_delivered", "house_type", None),
              ("compressors_motors", "units_shipped", "component", None),
              ("fuel_cell_shipments", "units_shipped", "region",
               sorted(set(sample.params.product_regions) - set(sample.tables["fuel_cell_shipments"]["region"]))))
    for name, column, key, regions in splits:
        frame = sample.frame(name)
        position = data.draw(st.integers(0, len(frame) - 1), label=f"{name} row")
        count = int(frame.loc[position, column])
        first = data.draw(st.integers(1, count - 1), label=f"{name} count in the first row")
        other_key = (data.draw(st.sampled_from(regions), label="second region") if regions
                     else f"{frame.loc[position, key]} (second line)")
        changed[name] = _split(frame, position, {column: (str(first), str(count - first))}, **{key: other_key})
    return changed


@PROPERTY
@given(family=st.sampled_from(["production", "avoided_emissions"]), data=st.data())
def test_splitting_a_record_into_two_with_the_same_total_changes_no_total(sample, original, family, data):
    """A record split into two rows whose quantities add up to the original, in every table where the
    data dictionary allows two such rows → every result unchanged.

    Production: a fuel row and a non-CO2 gas row (tables without a key: the same site, fuel or gas and
    unit, two different quantities, so never a duplicate); an on-site renewable row across its key
    (site, source), into its source and a source the site does not have, generated and used on site
    split alike (used ≤ generated holds in both); PRD-04's breakdown by source changes, its total not.
    Not split: purchased_energy, whose key (site, carrier) sets the factor (the site's country for
    electricity, the carrier's for heat), and production_output (one row per site).

    Avoided emissions, counts split into two whole numbers across a key that sets no factor: a
    heat-exchange ventilation product and a house type (free-text names; the same per-unit figures)
    into the original name and a new one; a compressor or motor into a second component name with the
    same host and consumptions; the fuel cells of a region into a region not in the table (the standard
    fixes generation, lifetime and factor for every region). Not split: PV, energy-saving products and
    teleconferencing (the region sets the yield, the electricity factor or the trip), vacuum panels,
    vehicles and HEMS/BEMS (the key sets the lifetime or saving). Product use (CO2-04) has no such
    split either: its key (category, region) sets the lifetime and the electricity factor.
    """
    event(family)
    changed = _split_production(sample, data) if family == "production" else _split_shipments(sample, data)
    assert_results(results_of(sample, family, **changed), original[family], REL, f"{family}, rows split")


# --- 4. converting a column with its unit changes no result --------------------------------------

#: Unit → (the other unit the data dictionary allows for the same column, and the value in it: times
#: 1000 or divided by 1000). Per table, so that ``t`` converts to ``kg`` for a gas mass and not for LPG.
TIMES_1000, BY_1000 = (lambda v: v * 1000), (lambda v: v / 1000)
CONVERSIONS = {
    "fuel_use": {"kL": ("L", TIMES_1000), "L": ("kL", BY_1000), "kNm3": ("Nm3", TIMES_1000), "Nm3": ("kNm3", BY_1000)},
    "purchased_energy": {"MWh": ("kWh", TIMES_1000), "kWh": ("MWh", BY_1000)},
    "renewable_energy": {"MWh": ("kWh", TIMES_1000), "kWh": ("MWh", BY_1000)},
    "non_co2_ghg": {"kg": ("t", BY_1000), "t": ("kg", TIMES_1000)},
    "pv_shipments": {"kW": ("MW", BY_1000), "MW": ("kW", TIMES_1000)},
}
#: The columns whose values are in each table's ``unit`` column.
VALUES = {"fuel_use": ("quantity",), "purchased_energy": ("quantity",), "non_co2_ghg": ("quantity",),
          "renewable_energy": ("generated", "used_on_site"), "pv_shipments": ("capacity_shipped",)}
CONVERTED_TABLES = {"production": ("fuel_use", "purchased_energy", "renewable_energy", "non_co2_ghg"),
                    "avoided_emissions": ("pv_shipments",)}


def _converted(frame: pd.DataFrame, name: str, rows: set[int]) -> pd.DataFrame:
    out = frame.copy()
    for i in sorted(rows):
        unit, convert = CONVERSIONS[name][frame.loc[i, "unit"]]
        for column in VALUES[name]:
            out.loc[i, column] = _number(convert(float(frame.loc[i, column])))
        out.loc[i, "unit"] = unit
    return out


@PROPERTY
@given(family=st.sampled_from(list(CONVERTED_TABLES)), data=st.data())
def test_converting_a_column_with_its_unit_changes_no_result(sample, original, family, data):
    """Any rows converted to the other unit the data dictionary allows, value and unit cell together —
    kL ↔ L and kNm3 ↔ Nm3 (fuel_use), MWh ↔ kWh (purchased electricity; renewable generation and use,
    which share the unit cell), kg ↔ t (non_co2_ghg), kW ↔ MW (pv_shipments) — → the same results.
    CO2-04 has no unit column (kWh/year and counts are fixed units), so it has no case."""
    event(family)
    changed = {}
    for name in CONVERTED_TABLES[family]:
        frame = sample.frame(name)
        convertible = [i for i, unit in enumerate(frame["unit"]) if unit in CONVERSIONS[name]]
        rows = data.draw(st.sets(st.sampled_from(convertible), min_size=1), label=f"{name} rows converted")
        changed[name] = _converted(frame, name, rows)
    assert_results(results_of(sample, family, **changed), original[family], REL, f"{family}, units converted")
