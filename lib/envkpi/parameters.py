"""Parameter files: load, merge and validate, so that every number carries a unit and a source.

A fiscal year's file (``parameters/FY2018.yaml``) ``extends`` the common method file
(``parameters/common.yaml``) and overrides only what changes that year, as USEPA flowsa's year
files do. Both are merged (the year file wins, leaf by leaf) and validated by pydantic models that
reject unknown keys (with a suggestion), missing units or sources, and units of the wrong
dimension — every problem at once, each with its file and key path::

    parameters/FY2018.yaml: production.electricity_factors.CN.unit: 'kg CO2 / MJ' ...
    parameters/FY2018.yaml: production.fuels.lpg.calorific_valu: unknown key; did you mean calorific_value?
"""

from __future__ import annotations

import difflib
import re
from datetime import date, timedelta
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import pint
import yaml
from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, StrictFloat, StrictInt, StrictStr,
                      ValidationError, field_validator, model_validator)

from .provenance import FileRecord, file_record
from .units import GASES, UnitError, format_unit, gas_unit, parse_unit, ureg

__all__ = [
    "Confidence",
    "Param",
    "Sourced",
    "Parameters",
    "ParameterError",
    "load_parameters",
    "parameter_file",
]


class ParameterError(ValueError):
    """A parameter file that cannot be used; ``problems`` lists every reason, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"{count} in the parameters:\n" + "\n".join(f"  {p}" for p in problems))


class Confidence(str, Enum):
    """How far a value can be trusted, after the labels of ``REFERENCE_FACTS.md``."""

    primary = "primary"            # [P] the primary document or official text
    secondary = "secondary"        # [S] a secondary source quoting the primary
    computed = "computed"          # [C] computed from sourced values, method stated
    substitute = "substitute"      # stands in for a document that could not be obtained
    illustrative = "illustrative"  # a placeholder for the sample; not a published figure
    assumption = "assumption"      # a workbook assumption, stated in the report


def _source_text(text: str) -> str:
    if len(text.strip()) < 3:
        raise ValueError(f"source {text!r} is blank; expected the document, table or clause, and edition")
    return text.strip()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Param(_Strict):
    """A number with its unit and its source: the only way a number enters the workbook."""

    value: Annotated[StrictFloat, Field(allow_inf_nan=False)]
    unit: str
    source: str
    confidence: Confidence | None = None
    note: str | None = None
    carried_over_from: int | None = None  # set by `envkpi new-year`; a run refuses it until confirmed

    _source_given = field_validator("source")(lambda cls, text: _source_text(text))

    @field_validator("unit")
    @classmethod
    def _unit_parses(cls, text: str) -> str:
        try:
            parse_unit(text)
        except UnitError as exc:
            raise ValueError(str(exc)) from None
        return text

    @property
    def quantity(self) -> pint.Quantity:
        """The value as a pint quantity."""
        return ureg.Quantity(self.value, parse_unit(self.unit))

    @property
    def text(self) -> str:
        """The value in full (``repr``, never rounded) and its unit, as shown next to the rows it applies to."""
        return f"{self.value!r} {format_unit(self.unit)}"


class Sourced(_Strict):
    """A non-numeric setting (a year, a name, a choice) with its source."""

    value: StrictInt | StrictStr
    source: str
    note: str | None = None
    carried_over_from: int | None = None

    _source_given = field_validator("source")(lambda cls, text: _source_text(text))


def _dimension(*expected: str, example: str, positive: bool = True):
    """Validator: the parameter's unit converts to one of the ``expected`` dimensionalities (and,
    for factors, the value is positive)."""
    wanted = [ureg.get_dimensionality(e) for e in expected]

    def check(param: Param) -> Param:
        if parse_unit(param.unit).dimensionality not in wanted:
            raise ValueError(f"unit {param.unit!r} is not a unit of this kind of factor; expected a unit like {example}")
        if positive and not param.value > 0:
            raise ValueError(f"value {param.value!r} must be positive for a factor [{example}]")
        return param

    return AfterValidator(check)


Years = Annotated[Param, _dimension("[time]", example="year")]
EnergyPerYear = Annotated[Param, _dimension("[energy] / [time]", example="kWh / year")]
Fraction = Annotated[Param, _dimension("[]", example="percent")]
Count = Annotated[Param, _dimension("[]", example="count")]
Distance = Annotated[Param, _dimension("[length]", example="km")]
DistancePerYear = Annotated[Param, _dimension("[length] / [time]", example="km / year")]
PerYear = Annotated[Param, _dimension("1 / [time]", example="1 / year")]
CO2PerDistance = Annotated[Param, _dimension("[mass] * [carbon] / [length]", example="g CO2 / km")]
VolumePerDistance = Annotated[Param, _dimension("[volume] / [length]", example="L / km")]
CO2Mass = Annotated[Param, _dimension("[mass] * [carbon]", example="Mt CO2")]
Angle = Annotated[Param, _dimension("[]", example="degree", positive=False)]
Temperature = Annotated[Param, _dimension("[temperature]", example="degC", positive=False)]
Power = Annotated[Param, _dimension("[power]", example="W")]
Airflow = Annotated[Param, _dimension("[volume] / [time]", example="m**3 / h")]
Density = Annotated[Param, _dimension("[mass] / [volume]", example="kg / m**3")]
SpecificHeat = Annotated[Param, _dimension("[energy] / [mass] / [temperature]", example="kJ / (kg K)")]
EnergyPerVolume = Annotated[Param, _dimension("[energy] / [volume]", example="Wh / L or GJ / kL")]
PricePerEnergy = Annotated[Param, _dimension("[currency] / [energy]", example="JPY / kWh")]
PricePerVolume = Annotated[Param, _dimension("[currency] / [volume]", example="JPY / L")]
EnergyPerActivity = Annotated[
    Param, _dimension("[energy] / [volume]", "[energy] / [mass]", example="GJ / kL or GJ / t")
]
CarbonPerEnergy = Annotated[Param, _dimension("[mass] * [carbon] / [energy]", example="t C / GJ")]
CO2PerEnergy = Annotated[Param, _dimension("[mass] * [carbon] / [energy]", example="kg CO2 / kWh")]
EnergyRatio = Annotated[Param, _dimension("[]", example="GJ / MWh (energy per energy)")]


class Exclusion(_Strict):
    """An entity outside the boundary, with the reason and where the exclusion is stated."""

    name: str
    reason: str
    source: str
    carried_over_from: int | None = None

    _source_given = field_validator("source")(lambda cls, text: _source_text(text))


class Boundary(_Strict):
    """Site boundary: manufacturing sites with an environmental management system, minus exclusions."""

    description: str
    excluded_entities: list[Exclusion] = []


class Organisation(_Strict):
    name: str
    note: str | None = None


class Standard(_Strict):
    """The calculation standard the year is reported under."""

    title: str
    title_ja: str | None = None
    edition: str
    source: str
    carried_over_from: int | None = None


class GwpSet(_Strict):
    """A set of 100-year global warming potentials, e.g. IPCC AR4."""

    source: str
    values: dict[str, Param]

    _source_given = field_validator("source")(lambda cls, text: _source_text(text))

    @model_validator(mode="after")
    def _gases_and_units(self) -> "GwpSet":
        problems = []
        for gas, param in self.values.items():
            if gas not in GASES:
                problems.append(f"values.{gas}: unknown gas; known gases: {', '.join(GASES)}")
                continue
            expected = ureg.get_dimensionality(f"CO2e / {gas_unit(gas)}")
            if parse_unit(param.unit).dimensionality != expected:
                problems.append(f"values.{gas}.unit: {param.unit!r}; expected CO2e / {gas_unit(gas)}")
        if problems:
            raise ValueError("\n".join(problems))
        return self


class Fuel(_Strict):
    """A fuel: names, unit calorific value (absent for city gas, which is per supplier) and carbon factor."""

    name_en: str
    name_ja: str
    calorific_value: EnergyPerActivity | None = None
    carbon_factor: CarbonPerEnergy


class CityGasSupplier(_Strict):
    name: str
    calorific_value: EnergyPerActivity


class HeatCarrier(_Strict):
    name_en: str
    name_ja: str
    emission_factor: CO2PerEnergy


class Production(_Strict):
    """Parameters of the production family (PRD-01 … PRD-07)."""

    gwp_set: Sourced
    base_fiscal_year: Sourced
    fuels: dict[str, Fuel]
    city_gas_fuel: str = "city_gas"
    city_gas_suppliers: dict[str, CityGasSupplier]
    electricity_energy_factor: EnergyRatio
    heat_energy_factor: EnergyRatio
    electricity_factors: dict[str, CO2PerEnergy]
    heat_carriers: dict[str, HeatCarrier]

    @model_validator(mode="after")
    def _fuels_complete(self) -> "Production":
        problems = []
        for key, fuel in self.fuels.items():
            if key != self.city_gas_fuel and fuel.calorific_value is None:
                problems.append(f"fuels.{key}.calorific_value: required (only {self.city_gas_fuel} takes it per supplier)")
        if self.city_gas_fuel not in self.fuels:
            problems.append(f"fuels.{self.city_gas_fuel}: city_gas_fuel names a fuel that is not defined")
        for country in self.electricity_factors:
            if len(country) != 2 or not country.isupper():
                problems.append(f"electricity_factors.{country}: expected an ISO 3166-1 alpha-2 country code")
        if problems:
            raise ValueError("\n".join(problems))
        return self


class Airport(_Strict):
    """An airport: the end of a business trip by air (coordinates from OpenFlights airports.dat)."""

    code: str
    city: str
    latitude: Angle
    longitude: Angle


class Region(_Strict):
    """A sales region of products: its electricity factor and the figures set per region."""

    name: str
    emission_factor: CO2PerEnergy
    pv_annual_generation: Annotated[Param, _dimension("[]", example="kWh / (kW year)")]
    airport: Airport | None = None  # main airport of the region's representative country (teleconferencing)


class PV(_Strict):
    lifetime: Years
    emission_factor: CO2PerEnergy
    reference_scenario: Sourced


class FuelCell(_Strict):
    annual_generation: EnergyPerYear
    lifetime: Years
    emission_factor: CO2PerEnergy
    reference_scenario: Sourced


class EnergySaving(_Strict):
    reference_fiscal_year: Sourced
    lifetimes: dict[str, Years]
    reference_scenario: Sourced


class Housing(_Strict):
    lifetime: Years
    reference_scenario: Sourced


class HostLifetimes(_Strict):
    """A line whose saving lasts the life of another maker's product that hosts the group's part."""

    host_lifetimes: dict[str, Years]
    emission_factor: CO2PerEnergy
    reference_scenario: Sourced


class VehicleType(_Strict):
    service_life: Years
    annual_distance: DistancePerYear
    fuel_saving: VolumePerDistance


class AutomotiveBatteries(_Strict):
    vehicle_types: dict[str, VehicleType]
    fuel: Sourced  # a key of production.fuels: the fuel the improvement saves
    reference_scenario: Sourced


class TripType(_Strict):
    trips_per_year: PerYear
    travellers: Count
    emission_factor: CO2PerDistance


class Teleconference(_Strict):
    """CO2-03.5: the standard's 別表 (a, b, c, d, e, f)."""

    units_per_set: Count
    lifetime: Years
    domestic: TripType
    domestic_one_way_distance: Distance
    overseas: TripType
    origin_airport: Airport
    earth_radius: Distance
    system_electricity: EnergyPerYear
    system_emission_factor: CO2PerEnergy
    reference_scenario: Sourced


class EnergyManagement(_Strict):
    """HEMS or BEMS (CO2-03.6): consumption of the home or building × saving × lifetime."""

    annual_consumption: EnergyPerYear
    saving: Fraction
    lifetime: Years


class EnergyManagementSystems(_Strict):
    hems: EnergyManagement
    bems: EnergyManagement
    emission_factor: CO2PerEnergy
    reference_scenario: Sourced


Ratio = Annotated[Param, _dimension("[]", example="dimensionless (e.g. APF 4.9)")]


class HeatExchange(_Strict):
    """CO2-03.7: conditions of the heat-exchange ventilation simulation (standard's 別表) and the model's own."""

    heating_period: Sourced  # "MM-DD/MM-DD", both days included, may wrap the year end
    cooling_period: Sourced
    heating_set_point: Temperature
    cooling_set_point: Temperature
    ld_airflow: Airflow
    ld_start_hour: Sourced
    ld_hours: Sourced
    private_airflow: Airflow
    private_start_hour: Sourced
    private_hours: Sourced
    exchange_efficiency: Fraction
    apf: Ratio
    boiler_cop: Ratio
    boiler_heating_share: Annotated[Param, _dimension("[]", example="percent", positive=False)]
    humidifier_energy: EnergyPerVolume
    plain_fans: Count
    plain_fan_power: Power
    heat_exchange_units: Count
    heat_exchange_unit_power: Power
    air_density: Density
    specific_heat: SpecificHeat
    electricity_price: PricePerEnergy
    kerosene_price: PricePerVolume
    kerosene_heating_value: EnergyPerVolume
    lifetime: Years
    emission_factor: CO2PerEnergy
    reference_scenario: Sourced


class Target(_Strict):
    """A long-term avoided-emissions target (seed 000: at least 300 Mt by 2050)."""

    amount: CO2Mass
    target_fiscal_year: Sourced
    counts_from_fiscal_year: Sourced
    counts: Sourced


class AvoidedEmissions(_Strict):
    """Parameters of the avoided-emissions family (CO2-01 … CO2-03) and its long-term target."""

    pv: PV
    fuel_cell: FuelCell
    energy_saving: EnergySaving
    housing: Housing
    compressors_motors: HostLifetimes
    automotive_batteries: AutomotiveBatteries
    vacuum_insulation: HostLifetimes
    teleconference: Teleconference
    energy_management: EnergyManagementSystems
    heat_exchange: "HeatExchange"
    target: Target


class ProductUse(_Strict):
    """Parameters of CO2-04: the years the group keeps repair parts, per category (the product lifetime)."""

    lifetimes: dict[str, Years]


class Changes(_Strict):
    """How year-on-year changes are judged (the yearly cycle: changes report, restatements)."""

    flag_threshold: Annotated[Param, _dimension("[]", example="percent")]
    indicator_thresholds: dict[str, Annotated[Param, _dimension("[]", example="percent")]] = {}
    significance_threshold: Annotated[Param, _dimension("[]", example="percent")]


class Parameters(_Strict):
    """All parameters of one fiscal year, merged from the year file and the common file."""

    fiscal_year: int = Field(ge=1990, le=2100)
    extends: str | None = None
    organisation: Organisation
    standard: Standard
    fiscal_year_start_month: Sourced
    boundary: Boundary
    gwp_sets: dict[str, GwpSet]
    production: Production
    product_regions: dict[str, Region]
    avoided_emissions: AvoidedEmissions
    product_use: ProductUse
    changes: Changes
    explanations: dict[str, str] = {}  # indicator id → why its change from last year exceeds the threshold

    _files: list[FileRecord] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> "Parameters":
        if self.production.gwp_set.value not in self.gwp_sets:
            raise ValueError(
                f"production.gwp_set.value: {self.production.gwp_set.value!r} is not one of gwp_sets "
                f"({', '.join(self.gwp_sets)})"
            )
        return self

    @property
    def period(self) -> tuple[date, date]:
        """First and last day of the fiscal year (FY2018 with start month 4: 2018-04-01 … 2019-03-31)."""
        month = int(self.fiscal_year_start_month.value)
        start = date(self.fiscal_year, month, 1)
        end = date(self.fiscal_year + 1, month, 1) - timedelta(days=1)
        return start, end

    @property
    def files(self) -> list[FileRecord]:
        """The parameter files this object was read from (year file first), with SHA-256."""
        return list(self._files)

    def get(self, path: str) -> Any:
        """The value at a dotted key path, e.g. ``"production.electricity_factors.JP"``."""
        node: Any = self
        for part in path.split("."):
            node = node[part] if isinstance(node, dict) else getattr(node, part)
        return node

    def flat(self, prefix: str = "") -> Iterator[tuple[str, Param | Sourced | Exclusion]]:
        """Every :class:`Param`, :class:`Sourced` and :class:`Exclusion` under ``prefix``, with its key path."""
        start = self.get(prefix) if prefix else self
        yield from _walk(start, prefix)


def lookup(mapping: dict, key: str, what: str, where: str, row: Any = None) -> Any:
    """``mapping[key]``, or a ValueError naming the key, the input row (its ``row`` attribute, the line
    in the CSV file) and the keys the parameters know, e.g. ``row 7: region 'atlantis' is not one of
    product_regions (japan, china, …)``."""
    try:
        return mapping[key]
    except KeyError:
        line = getattr(row, "row", None)
        at = f"row {line}: " if line is not None else ""
        raise ValueError(f"{at}{what} {key!r} is not one of {where} ({', '.join(map(str, mapping)) or 'none'})") from None


def _walk(node: Any, path: str) -> Iterator[tuple[str, Param | Sourced | Exclusion]]:
    if isinstance(node, (Param, Sourced, Exclusion)):
        yield path, node
    elif isinstance(node, list):
        for number, item in enumerate(node):
            yield from _walk(item, f"{path}[{number}]")
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name), f"{path}.{name}" if path else name)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}" if path else str(key))


# --- loading -------------------------------------------------------------------------------------

def parameter_file(root: Path, fiscal_year: int) -> Path:
    """Default parameter file of a fiscal year: ``parameters/FY<yyyy>.yaml`` under ``root``."""
    return root / "parameters" / f"FY{fiscal_year}.yaml"


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that rejects a key given twice in one mapping (YAML would keep the last silently)."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice in one mapping (first at line {seen[key] + 1})",
                    key_node.start_mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path, display: str, wanted_by: str | None = None) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if wanted_by:
            raise ParameterError([f"{wanted_by}: extends: {display} not found"]) from None
        raise ParameterError([f"{display}: file not found"]) from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: an impossible date such as 2019-13-01
        where = getattr(exc, "problem_mark", None)
        line = f" line {where.line + 1}" if where is not None else ""
        raise ParameterError([f"{display}:{line} not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    if not isinstance(data, dict):
        raise ParameterError([f"{display}: expected a mapping of keys at the top level"])
    return data


def _merge(base: dict, override: dict, origin: dict, file: str, path: tuple = ()) -> dict:
    """Deep-merge ``override`` into ``base``; a parameter (a mapping with ``value``) is replaced whole."""
    merged = dict(base)
    for key, value in override.items():
        here = path + (key,)
        origin[here] = file
        if (
            isinstance(value, dict) and isinstance(merged.get(key), dict)
            and "value" not in value and "value" not in merged[key]
        ):
            merged[key] = _merge(merged[key], value, origin, file, here)
        else:
            merged[key] = value
            _mark(value, origin, file, here)
    return merged


def _mark(value: Any, origin: dict, file: str, path: tuple) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            origin[path + (key,)] = file
            _mark(inner, origin, file, path + (key,))


def _display(path: Path, root: Path | None) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve())) if root else str(path)
    except ValueError:
        return str(path)


def _load_chain(path: Path, root: Path | None, seen: tuple[Path, ...] = ()) -> tuple[dict, dict, list[Path]]:
    path = path.resolve()
    display = _display(path, root)
    if path in seen:
        raise ParameterError([f"{display}: 'extends' loops back to itself"])
    data = _read_yaml(path, display, wanted_by=_display(seen[-1], root) if seen else None)
    origin: dict = {}
    files = [path]
    merged: dict = {}
    parent = data.get("extends")
    if parent is not None:
        if not isinstance(parent, str):
            raise ParameterError([f"{display}: extends: expected a file name, e.g. common.yaml"])
        merged, origin, parent_files = _load_chain(path.parent / parent, root, seen + (path,))
        files += parent_files
    merged = _merge(merged, data, origin, display)
    return merged, origin, files


def _suggest(model: type[BaseModel] | None, key: str) -> str:
    if model is None:
        return ""
    close = difflib.get_close_matches(key, list(model.model_fields), n=1)
    return f"; did you mean {close[0]}?" if close else f"; expected one of: {', '.join(model.model_fields)}"


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The pydantic model class that holds the key at ``loc`` (for 'did you mean' suggestions)."""
    model: Any = Parameters
    for part in loc[:-1]:
        if isinstance(model, type) and issubclass(model, BaseModel):
            field = model.model_fields.get(str(part))
            if field is None:
                return None
            model = field.annotation
        else:
            # a dict[str, X] level: the key itself is free, descend into X
            model = getattr(model, "__args__", (None, None))[-1]
        model = _unwrap(model)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional[...] and Annotated[...] down to the model class or dict type."""
    for _ in range(4):
        args = getattr(annotation, "__args__", None)
        metadata = getattr(annotation, "__metadata__", None)
        if metadata is not None:
            annotation = annotation.__origin__
        elif args and type(None) in args:
            annotation = next(a for a in args if a is not type(None))
        else:
            break
    return annotation


def _origin_of(loc: tuple, origin: dict, default: str) -> str:
    for cut in range(len(loc), 0, -1):
        if loc[:cut] in origin:
            return origin[loc[:cut]]
    return default


_RULE_LINE = re.compile(r"^(?P<path>[\w\-\[\]]+(?:\.[\w\-\[\]]+)*): (?P<message>.+)$")


def _problems(error: ValidationError, origin: dict, default: str) -> list[str]:
    problems = []
    for item in error.errors():
        loc = tuple(str(p) for p in item["loc"])
        if item["type"] == "extra_forbidden":
            messages = [(loc, "unknown key" + _suggest(_model_at(loc), loc[-1]))]
        elif item["type"] == "missing":
            messages = [(loc, "required key is missing")]
        else:
            text = item["msg"].removeprefix("Value error, ")
            if item["type"] not in ("value_error", "assertion_error") and "input" in item:
                text += f" (got {item['input']!r})"
            # a rule of a whole model reports one line per problem, each "relative.key.path: message"
            messages = []
            for line in text.splitlines():
                match = _RULE_LINE.match(line)
                messages.append((loc + tuple(match["path"].split(".")), match["message"]) if match else (loc, line))
        for where, message in messages:
            path = ".".join(where) or "(top level)"
            problems.append(f"{_origin_of(where, origin, default)}: {path}: {message}")
    return problems


def load_document(path: str | Path) -> dict:
    """The merged mapping of a year file and the files it extends, before validation (for tools that
    write a variant of a year's parameters, e.g. with one value reverted)."""
    merged, _, _ = _load_chain(Path(path), None)
    merged.pop("extends", None)
    return merged


def carried_over(params: Parameters) -> list[tuple[str, int]]:
    """Key paths of values that ``envkpi new-year`` carried over and nobody has confirmed yet, with the
    year each was carried from."""
    found = [(path, value.carried_over_from) for path, value in params.flat()
             if getattr(value, "carried_over_from", None) is not None]
    if params.standard.carried_over_from is not None:
        found.insert(0, ("standard", params.standard.carried_over_from))
    return found


def load_parameters(path: str | Path, root: str | Path | None = None) -> Parameters:
    """Load a fiscal year's parameter file, merged with the files it extends, and validate it.

    Parameters
    ----------
    path : str or Path
        The year file, e.g. ``parameters/FY2018.yaml``.
    root : str or Path, optional
        Project root; file names in messages and provenance are shown relative to it.

    Raises
    ------
    ParameterError
        Listing every problem, each with file and key path.
    """
    __tracebackhide__ = True
    path = Path(path)
    root = Path(root) if root is not None else None
    merged, origin, files = _load_chain(path, root)
    try:
        params = Parameters.model_validate(merged)
    except ValidationError as exc:
        raise ParameterError(_problems(exc, origin, _display(path, root))) from None
    params._files = [file_record(f, root=root, role="parameters") for f in files]
    return params


def describe(param: Param | Sourced | Exclusion) -> dict[str, str]:
    """A parameter as a row for a report table: value, unit, source, confidence."""
    if isinstance(param, Exclusion):
        return {"value": f"{param.name} — {param.reason}", "unit": "", "source": param.source, "confidence": ""}
    if isinstance(param, Param):
        return {
            "value": f"{param.value:,.10g}",
            "unit": format_unit(param.unit),
            "source": param.source,
            "confidence": param.confidence.value if param.confidence else "",
        }
    return {"value": str(param.value), "unit": "", "source": param.source, "confidence": ""}
