"""Input tables of the logistics family (LOG-01 … LOG-04): specifications and loader.

A transport record (``transport_records.csv``) is one lane, or one carrier's contract, on which the
group is the shipper (荷主) in the fiscal year, domestic or international, with the activity data its
method needs: the fuel used (燃料法), the distance driven and the fuel economy (燃費法), or the weight
carried over the lane's distance with, for trucks, the loading rate and the maximum payload
(改良トンキロ法) or, for any mode, the mode's energy intensity (従来トンキロ法). The weight the group
shipped in the year (``shipped_weight.csv``, by scope) is the denominator of LOG-03 and LOG-04; the
published intensities of earlier years (``data/history/logistics_history.csv``) chain LOG-04.

:func:`load_logistics_inputs` reads them, checks every rule between columns, tables and parameters,
and raises one :class:`envkpi.core.inputs.InputError` listing every problem with file, row and column.
When the method of a record changed this year (``logistics.method_changes``), the previous year's
tables are read too and checked with the new method: LOG-04 restates that year from them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from envkpi.core.columns import YEAR
from envkpi.core.inputs import (
    Column,
    Plausible,
    Problem,
    Table,
    TableSpec,
    raise_problems,
    read_table,
    warnings_of,
    with_rows,
)
from envkpi.core.parameters import Inputs, Parameters, load_document, parameter_file
from envkpi.core.provenance import FileRecord, history_record

from .parameters import FUEL_METHODS, METHODS, MODES

__all__ = ["TRANSPORT_RECORDS", "SHIPPED_WEIGHT", "LOGISTICS_HISTORY", "LOGISTICS_HISTORY_FILE", "TABLES",
           "SCOPES", "INTENSITY_UNIT", "LogisticsInputs", "load_logistics_inputs", "load_inputs"]

#: Domestic transport (LOG-04 counts it alone) and international legs (aggregated the same way).
SCOPES = ("domestic", "international")
#: The unit of the intensities of the history (LOG-03's unit).
INTENSITY_UNIT = "kg CO2 / t"

# --- plausible ranges (data/README.md, "Plausible ranges", gives the reasoning) ----------------------

_RECORD_FUEL = Plausible("L", error_above=1_000_000_000, typical=(None, 100_000_000),
                         reason="fuel of one transport record in a year")
_VEHICLE_KM = Plausible("km", error_above=1_000_000_000, typical=(None, 100_000_000),
                        reason="distance driven on one transport record in a year")
_FUEL_ECONOMY = Plausible("km / L", error_above=100, error_below=0.5, typical=(1, 30),
                          reason="fuel economy of a freight vehicle")
_CARGO = Plausible("t", error_above=100_000_000, typical=(None, 10_000_000),
                   reason="weight carried on one transport record in a year")
_LANE = Plausible("km", error_above=40_000, typical=(None, 25_000), reason="length of one lane")
_LOADING_RATE = Plausible("percent", error_above=100, typical=(10, None),
                          reason="a truck's loading rate: load over maximum payload")
_PAYLOAD = Plausible("kg", error_above=100_000, error_below=100, typical=(350, 50_000),
                     reason="a truck's maximum payload in kg: below 100 it is probably in tonnes")
_WEIGHT = Plausible("t", error_above=1_000_000_000, typical=(None, 100_000_000),
                    reason="the group's shipped weight in a year")
_INTENSITY = Plausible(INTENSITY_UNIT, error_above=100_000, typical=(None, 1_000),
                       reason="CO2 of transport per tonne shipped")

TRANSPORT_RECORDS = TableSpec("transport_records", "Transport where the group is the shipper, one row per lane or "
                              "contract, with the activity data of its method (illustrative sample).", (
    Column("record_id", "text", "identifier of the lane or contract, the same every year (LOG-04 restates by it)"),
    Column("scope", "text", "domestic or international", allowed=SCOPES),
    Column("mode", "text", "truck, rail, ship or air", allowed=MODES),
    Column("method", "text", "method of the shipper guidebook: fuel, fuel_economy, improved_tonkm (trucks) or "
           "conventional_tonkm", allowed=METHODS),
    Column("fuel", "text", "fuel key of the parameters (production.fuels); required by fuel, fuel_economy and "
           "improved_tonkm; conventional_tonkm takes the mode's fuel (logistics.conventional_tonkm) and uses this "
           "cell only when the record is restated with another method", required=False),
    Column("fuel_used_l", "number", "fuel used in the fiscal year (fuel method) [L]", unit="L", required=False,
           minimum=0, plausible=(_RECORD_FUEL,)),
    Column("vehicle_km", "number", "distance driven in the fiscal year (fuel_economy method) [km]", unit="km",
           required=False, minimum=0, plausible=(_VEHICLE_KM,)),
    Column("fuel_economy_km_per_l", "number", "fuel economy of the vehicles (fuel_economy method) [km/L]",
           unit="km / L", required=False, minimum=0, plausible=(_FUEL_ECONOMY,)),
    Column("cargo_t", "number", "weight carried on the lane in the fiscal year (ton-kilo methods) [t]", unit="t",
           required=False, minimum=0, plausible=(_CARGO,)),
    Column("distance_km", "number", "length of the lane (ton-kilo methods) [km]", unit="km", required=False,
           minimum=0, plausible=(_LANE,)),
    Column("loading_rate_percent", "number", "mean loading rate x of the trucks, more than 0 and at most 100 "
           "(improved_tonkm) [percent]", unit="percent", required=False, minimum=0, plausible=(_LOADING_RATE,)),
    Column("max_payload_kg", "number", "maximum payload z of the trucks, in kg (improved_tonkm) [kg]", unit="kg",
           required=False, minimum=0, plausible=(_PAYLOAD,)),
    Column("notes", "text", "free text", required=False),
), unique=("record_id",))

SHIPPED_WEIGHT = TableSpec("shipped_weight", "Weight the group shipped in the fiscal year, by scope: the "
                           "denominator of LOG-03 and LOG-04 (illustrative sample).", (
    Column("scope", "text", "domestic or international", allowed=SCOPES),
    Column("weight", "number", "weight shipped (物流重量)", unit_column="unit", minimum=0, plausible=(_WEIGHT,)),
    Column("unit", "unit", "t or kt", dimensions=("[mass]",), allowed=("t", "kt")),
), unique=("scope",))

#: The published intensities, relative to the project root.
LOGISTICS_HISTORY_FILE = "data/history/logistics_history.csv"

LOGISTICS_HISTORY = TableSpec("logistics_history", "Published logistics CO2 intensities of earlier fiscal years "
                              "(LOG-04 chains them).", (
    Column("fiscal_year", "integer", "fiscal year (April to March), e.g. 2016", minimum=1990, plausible=(YEAR,)),
    Column("domestic_intensity", "number", "CO2 of domestic transport per tonne shipped in Japan (LOG-03 "
           "scope=domestic)", unit="from intensity_unit", unit_column="intensity_unit", minimum=0,
           plausible=(_INTENSITY,)),
    Column("all_intensity", "number", "CO2 of all transport per tonne shipped (LOG-03)", unit="from intensity_unit",
           unit_column="intensity_unit", minimum=0, plausible=(_INTENSITY,)),
    Column("intensity_unit", "unit", "kg CO2 / t", dimensions=("[carbon]",), allowed=(INTENSITY_UNIT,)),
    Column("domestic_restated_prior", "number", "the previous year's domestic intensity recomputed with this "
           "year's method, when the method changed this year; empty otherwise", unit="from intensity_unit",
           unit_column="intensity_unit", required=False, minimum=0, plausible=(_INTENSITY,)),
    Column("all_restated_prior", "number", "the same for all transport", unit="from intensity_unit",
           unit_column="intensity_unit", required=False, minimum=0, plausible=(_INTENSITY,)),
    Column("source", "text", "where the published figure comes from"),
    Column("domestic_intensity_as_published", "number", "the figure first published, when a restatement replaced "
           "it (envkpi publish --restatement writes it)", unit="from intensity_unit", unit_column="intensity_unit",
           required=False, header_optional=True, minimum=0, plausible=(_INTENSITY,)),
    Column("all_intensity_as_published", "number", "the figure first published, when a restatement replaced it",
           unit="from intensity_unit", unit_column="intensity_unit", required=False, header_optional=True,
           minimum=0, plausible=(_INTENSITY,)),
), unique=("fiscal_year",))

#: The tables of the logistics family, in the order they are read.
TABLES = (TRANSPORT_RECORDS, SHIPPED_WEIGHT)

#: The cells each method needs (besides record_id, scope, mode, method).
_NEEDS = {
    "fuel": ("fuel", "fuel_used_l"),
    "fuel_economy": ("fuel", "vehicle_km", "fuel_economy_km_per_l"),
    "improved_tonkm": ("fuel", "cargo_t", "distance_km", "loading_rate_percent", "max_payload_kg"),
    "conventional_tonkm": ("cargo_t", "distance_km"),
}
_METHOD_NAMES = {"fuel": "the fuel method", "fuel_economy": "the fuel-economy method",
                 "improved_tonkm": "the improved ton-kilo method", "conventional_tonkm": "the conventional ton-kilo method"}


@dataclass
class LogisticsInputs:
    """Validated inputs of the logistics family.

    ``records`` and ``weight`` are this year's tables, each with its ``row`` (file line, header = 1);
    ``history`` the published rows before the fiscal year; ``previous_records`` and ``previous_weight``
    the previous year's tables when a method changed this year (else ``None``), with the new methods of
    ``changes`` (record_id → method) already applied in ``method`` and the method used then in
    ``method_reported``.
    """

    fiscal_year: int
    records: pd.DataFrame
    weight: pd.DataFrame
    history: pd.DataFrame
    changes: dict[str, str]
    previous_records: pd.DataFrame | None = None
    previous_weight: pd.DataFrame | None = None
    files: list[FileRecord] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _record_problems(table: Table, params: Parameters, methods: dict[int, str] | None = None,
                     why: str = "") -> list[Problem]:
    """The rules of each record: the cells its method needs, the fuel, the mode's parameters.

    ``methods`` (data row → method) replaces the method of the file (a restatement), and ``why`` says so in
    the messages. The rows breaking a rule are found column by column (a table of 200,000 records is
    checked in a fraction of a second); the problems come in the order of the rows, each row's in the
    order of its rules.
    """
    section = params.logistics
    fuels = params.production.fuels
    data = table.data
    method = data["method"].to_numpy(dtype=object).copy()
    for index, changed in (methods or {}).items():
        method[index] = changed
    checked = table.parsed_rows(("method", "mode")) & pd.Series(method, dtype=object).isin(list(_NEEDS)).to_numpy()
    mode = data["mode"].to_numpy(dtype=object)
    found: list[tuple[int, int, Problem]] = []  # (data row, order of the rule in the row, problem)

    def add(rows, order: int, column: str, message) -> None:
        for index in np.flatnonzero(rows):
            found.append((int(index), order, table.problem(int(index), column, message(int(index)))))

    for name_of, needs in _NEEDS.items():
        rows = checked & (method == name_of)
        if not rows.any():
            continue
        name = _METHOD_NAMES[name_of] + why
        for order, column in enumerate(needs):
            usable = rows & table.parsed_rows((column,))
            raw = table.raw.column(column)
            empty = usable & (raw == "")
            add(empty, order, column, lambda i, column=column, name=name: f"missing value; {name} needs {column}")
            if column in ("fuel_economy_km_per_l", "loading_rate_percent"):
                values = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype=float)
                with np.errstate(invalid="ignore"):
                    below = usable & ~empty & (values <= 0)
                tail = ("(distance is divided by it)" if column == "fuel_economy_km_per_l" else
                        "and at most 100 [percent] (the regression takes its logarithm)")
                add(below, order, column, lambda i, raw=raw, tail=tail: f"got {raw[i]!r}; expected more than 0 {tail}")
    last = max(len(needs) for needs in _NEEDS.values())
    improved = checked & (method == "improved_tonkm")
    add(improved & (mode != "truck"), last, "method",
        lambda i: f"{_METHOD_NAMES['improved_tonkm'] + why} is for trucks; got mode {mode[i]!r}: "
                  "expected conventional_tonkm, fuel or fuel_economy for it")
    fuel = data["fuel"].to_numpy(dtype=object)
    burning = (checked & pd.Series(method, dtype=object).isin(list(FUEL_METHODS)).to_numpy()
               & table.parsed_rows(("fuel",)) & pd.Series(fuel, dtype=object).fillna("").astype(bool).to_numpy())
    judged: dict[tuple[str, bool], str | None] = {}  # each fuel judged once per kind of method
    for index in np.flatnonzero(burning):
        key = (fuel[index], method[index] == "improved_tonkm")
        if key not in judged:
            judged[key] = _fuel_problem(*key, section, fuels)
        message = judged[key]
        if message:
            found.append((int(index), last + 1, table.problem(int(index), "fuel", message)))
    conventional = checked & (method == "conventional_tonkm")
    add(conventional & ~pd.Series(mode, dtype=object).isin(list(section.conventional_tonkm)).to_numpy(), last + 2,
        "mode", lambda i: f"{mode[i]!r} has no energy intensity for {_METHOD_NAMES['conventional_tonkm'] + why} "
                          f"(logistics.conventional_tonkm has {', '.join(section.conventional_tonkm) or 'none'})")
    return [problem for *_, problem in sorted(found, key=lambda item: item[:2])]


def _fuel_message(fuel: str, known: tuple[str, ...], where: str, liquid: bool) -> str | None:
    """The message of a fuel not ``known`` (with a hint), or without a calorific value per volume."""
    if fuel not in known:
        hint = difflib.get_close_matches(fuel, list(known), n=1)
        return (f"got {fuel!r}; expected one of {where} ({', '.join(known)})"
                + (f"; did you mean {hint[0]}?" if hint else ""))
    if not liquid:
        return f"{fuel!r} has no calorific value per volume (production.fuels); expected a liquid fuel measured in litres"
    return None


def _fuel_problem(fuel: str, improved: bool, section, fuels) -> str | None:
    """What is wrong with the fuel of a record by a fuel method (None when nothing): a fuel the parameters
    do not know (``logistics.truck_regressions`` for the improved ton-kilo method, else ``production.fuels``),
    or one without a calorific value per volume."""
    known = section.truck_regressions if improved else fuels
    where = "logistics.truck_regressions" if improved else "production.fuels"
    liquid = fuel in fuels and fuels[fuel].calorific_value is not None and \
        fuels[fuel].calorific_value.quantity.check("[energy] / [volume]")
    return _fuel_message(fuel, tuple(known), where, bool(liquid))


def _weight_problems(weight: Table, records: Table | None) -> list[Problem]:
    """A weight row for each scope that has records, and a weight above zero."""
    problems = []
    present = set()
    for index, row in enumerate(weight.data.to_dict("records")):
        if not weight.parsed(index, ("scope",)):
            continue
        present.add(row["scope"])
        if weight.parsed(index, ("weight",)) and row["weight"] <= 0:
            problems.append(weight.problem(index, "weight", f"got {weight.raw[index]['weight']!r}; expected more than 0 "
                                           "(the intensity divides by it)"))
    wanted = {"domestic"}
    if records is not None:
        wanted |= set(records.data["scope"][records.parsed_rows(("scope",))])
    for scope in sorted(wanted - present):
        problems.append(Problem(weight.display, None, None, f"no row for scope {scope}; expected one weight row per "
                                "scope that has transport records (and always domestic)"))
    return problems


def _frames(records: Table, weight: Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = with_rows(records)
    frame["fuel"] = frame["fuel"].fillna("")
    return frame, with_rows(weight)


def load_logistics_inputs(params: Parameters, folder: str | Path, history_file: str | Path,
                          previous_folder: str | Path | None = None, *,
                          root: str | Path | None = None) -> LogisticsInputs:
    """Read and validate the logistics family's inputs.

    Parameters
    ----------
    params : Parameters
        The fiscal year's parameters (``logistics`` and ``production.fuels``).
    folder : str or Path
        The year's input folder, e.g. ``data/FY2018``.
    history_file : str or Path
        ``data/history/logistics_history.csv``: the rows from the base year to the year before are used,
        and each must be there.
    previous_folder : str or Path, optional
        The previous year's input folder, read only when a method changed this year; default: the folder
        ``FY<yyyy-1>`` beside ``folder``.
    root : str or Path, optional
        Project root, for file names in messages and provenance.

    Raises
    ------
    InputError
        Listing every problem in every table read, and in the rules between them.
    """
    __tracebackhide__ = True
    folder = Path(folder)
    fiscal_year = params.fiscal_year
    section = params.logistics
    problems: list[Problem] = []
    records = read_table(folder / TRANSPORT_RECORDS.file_name, TRANSPORT_RECORDS, root=root, encodings=params.inputs.encodings, problems=problems)
    weight = read_table(folder / SHIPPED_WEIGHT.file_name, SHIPPED_WEIGHT, root=root, encodings=params.inputs.encodings, problems=problems)
    history = read_table(history_file, LOGISTICS_HISTORY, root=root, role="history", problems=problems)
    if records is not None:
        problems += _record_problems(records, params)
    if weight is not None:
        problems += _weight_problems(weight, records)

    base = int(section.base_fiscal_year.value)
    used: list[int] = []
    if history is not None:
        years = {}
        for index, row in enumerate(history.data.to_dict("records")):
            if history.parsed(index, ("fiscal_year",)) and base <= row["fiscal_year"] < fiscal_year:
                years[row["fiscal_year"]] = index
        used = sorted(years.values(), key=lambda i: history.data["fiscal_year"].iloc[i])
        missing = [y for y in range(base, fiscal_year) if y not in years]
        if missing:
            problems.append(Problem(history.display, None, None, "no row for FY" + ", FY".join(map(str, missing))
                                    + f"; LOG-04 chains every year from FY{base} (envkpi publish writes a year's row)"))

    changes = section.changes_in(fiscal_year)
    previous = previous_weight = None
    files: list[FileRecord] = []
    if changes:
        previous_folder = Path(previous_folder) if previous_folder else folder.parent / f"FY{fiscal_year - 1}"
        encodings = _previous_encodings(root, fiscal_year)
        previous = read_table(previous_folder / TRANSPORT_RECORDS.file_name, TRANSPORT_RECORDS, root=root,
                              problems=problems, encodings=encodings)
        previous_weight = read_table(previous_folder / SHIPPED_WEIGHT.file_name, SHIPPED_WEIGHT, root=root,
                                     problems=problems, encodings=encodings)
        for table, year in ((records, fiscal_year), (previous, fiscal_year - 1)):
            if table is None:
                continue
            ids = set(table.data["record_id"][table.parsed_rows(("record_id",))])
            for record in changes:
                if record not in ids:
                    problems.append(Problem(table.display, None, "record_id", f"no record {record!r}; "
                                            f"logistics.method_changes.{record} changes its method in FY{fiscal_year}, "
                                            f"so FY{year} must have it"))
        if records is not None:
            changing = np.flatnonzero(records.data["record_id"].isin(list(changes)).to_numpy())
            for index, row in zip(changing.tolist(), records.data.iloc[changing].to_dict("records")):
                if records.parsed(index, ("method",)) and row["method"] != changes[row["record_id"]]:
                    problems.append(records.problem(index, "method", f"got {row['method']!r}; logistics.method_changes."
                                                    f"{row['record_id']} says it moved to {changes[row['record_id']]!r} "
                                                    f"in FY{fiscal_year}"))
        if previous is not None:
            ids = previous.data["record_id"]
            methods = {int(i): changes[ids.iloc[i]] for i in np.flatnonzero(ids.isin(list(changes)).to_numpy())}
            problems += _record_problems(previous, params)
            problems += _record_problems(previous, params, methods,
                                         f" (FY{fiscal_year - 1} recomputed with the method of FY{fiscal_year}, "
                                         "logistics.method_changes)")
        if previous_weight is not None:
            problems += _weight_problems(previous_weight, previous)
    at_fault = {(p.file, p.row, p.column) for p in problems}  # a cell that is an error is not also a warning
    warnings = [w for w in warnings_of(records, weight, history, previous, previous_weight)
                if (w.file, w.row, w.column) not in at_fault]
    raise_problems(problems, warnings)

    frame, weights = _frames(records, weight)
    previous_frame = previous_weights = None
    if previous is not None:
        previous_frame, previous_weights = _frames(previous, previous_weight)
        previous_frame["method_reported"] = previous_frame["method"]
        changed = previous_frame["record_id"].isin(list(changes))
        previous_frame["method"] = previous_frame["method"].where(~changed, previous_frame["record_id"].map(changes))
        files = [*previous.records, *previous_weight.records]
    past = with_rows(history).iloc[used].reset_index(drop=True)
    return LogisticsInputs(
        fiscal_year=fiscal_year, records=frame, weight=weights, history=past, changes=changes,
        previous_records=previous_frame, previous_weight=previous_weights,
        files=[*params.files, *records.records, *weight.records, *files,
               history_record(history_file, fiscal_year, root=root)],
        warnings=sorted(warnings),
    )


def _previous_encodings(root: str | Path | None, fiscal_year: int) -> dict[str, str]:
    """The encodings that the previous year's parameters declare for its input files (``inputs.encodings``;
    none without a project root or a readable file: its files are then read as UTF-8)."""
    path = parameter_file(Path(root), fiscal_year - 1) if root is not None else None
    if path is None or not path.is_file():
        return {}
    try:
        return Inputs.model_validate(load_document(path).get("inputs") or {}).encodings
    except Exception:  # noqa: BLE001 - a broken file of another year: its run names the problem
        return {}


def load_inputs(params: Parameters, folder: Path, root: Path) -> LogisticsInputs:
    """:func:`load_logistics_inputs` with the project's history, as the notebook reads it by default."""
    return load_logistics_inputs(params, folder, root / LOGISTICS_HISTORY_FILE, root=root)
