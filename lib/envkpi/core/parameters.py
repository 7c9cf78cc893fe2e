"""Parameter files: load, merge and validate, so that every number carries a unit and a source.

A fiscal year's file (``parameters/FY2018.yaml``) ``extends`` the common method file
(``parameters/common.yaml``) and overrides only what changes that year, as USEPA flowsa's year
files do. Both are merged (the year file wins, leaf by leaf) and validated by pydantic models that
reject unknown keys (with a suggestion), missing units or sources, and units of the wrong
dimension — every problem at once, each with its file and key path::

    parameters/FY2018.yaml: <family>.electricity_factors.CN.unit: 'kg CO2 / MJ' ...
    parameters/FY2018.yaml: <family>.fuels.lpg.calorific_valu: unknown key; did you mean calorific_value?
    parameters/FY2018.yaml: <family>.<product>.lifetime: 25000 year is outside the plausible range 1–60 year ...

Every numeric kind of parameter has a plausible range (:class:`Plausible`, in the annotated types
below, each with its reasoning), checked after conversion to a reference unit: a value outside it
is an error, like a wrong unit.

The files are read defensively, as they come from users: at most :data:`MAX_FILE_BYTES` each;
YAML anchors and aliases (``&name``, ``*name``) are refused, so nothing can expand (a "billion
laughs" file); ``extends`` names a file in the folder of the year file (no absolute path, no
``..`` or link leading out of it); every problem line is cut to :data:`MAX_PROBLEM_CHARS` and a
message shows at most :data:`MAX_PROBLEMS_SHOWN` of them.
"""

from __future__ import annotations

import difflib
import functools
import math
import os
import re
import reprlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import pint
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from envkpi.core.catalogue import catalogue
from envkpi.core.inputs import ENCODINGS
from envkpi.core.provenance import FileRecord, file_record
from envkpi.core.units import GASES, UnitError, format_unit, gas_unit, parse_unit, ureg

__all__ = [
    "Confidence",
    "Param",
    "Sourced",
    "Plausible",
    "Explanation",
    "Parameters",
    "Inputs",
    "INPUT_ENCODINGS",
    "ParameterError",
    "WHAT_CHANGED_PLACEHOLDER",
    "what_changed_placeholder",
    "what_changed_problems",
    "load_parameters",
    "parameter_file",
]


#: A parameter file larger than this is refused before it is parsed [bytes]. The sample common.yaml
#: is about 40 kB; a hand-written method file 25 times larger is not a parameter file.
MAX_FILE_BYTES = 1_000_000
#: A problem line longer than this is cut [characters]: a line names a file, a key path and what was
#: expected, which fits in well under 300 characters unless it repeats a huge value.
MAX_PROBLEM_CHARS = 300
#: The message of a ParameterError shows at most this many problems, then "… and N more problems".
MAX_PROBLEMS_SHOWN = 50
#: The longest unit string accepted [characters]; the longest real one, ``kWh / (kW year)``, has 15.
MAX_UNIT_CHARS = 100


#: ``parse_unit`` remembered: a file has a few dozen distinct units and each parse costs about 0.4 ms.
_unit = functools.lru_cache(maxsize=1024)(parse_unit)


def _cut(line: str, limit: int = MAX_PROBLEM_CHARS) -> str:
    """``line`` on one line, at most ``limit`` characters (cut with "…")."""
    line = " ".join(line.split("\n"))
    return line if len(line) <= limit else line[:limit - 1] + "…"


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxtuple = 2, 4, 4, 4


def _short(value: Any) -> str:
    """A bounded ``repr`` of a value from a file: never longer than about 100 characters, however
    large or deeply nested the value is (the repr is never built in full)."""
    return _SHORT.repr(value)


def _quoted(text: str, limit: int = 200) -> str:
    """``repr`` of a path or name, in full up to ``limit`` characters (a path is useful only whole)."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"


class ParameterError(ValueError):
    """A parameter file that cannot be used; ``problems`` lists every reason, one line each.

    Each line is cut to :data:`MAX_PROBLEM_CHARS`; the message lists the first
    :data:`MAX_PROBLEMS_SHOWN` lines and says how many more there are.
    """

    def __init__(self, problems: list[str]):
        self.problems = [_cut(p) for p in problems]
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        more = len(self.problems) - len(shown)
        tail = [f"… and {more} more problem{'s' if more != 1 else ''}"] if more else []
        super().__init__(f"{count} in the parameters:\n" + "\n".join(f"  {p}" for p in shown + tail))


class Confidence(str, Enum):
    """How far a value can be trusted, after the labels of ``REFERENCE_FACTS.md``."""

    primary = "primary"            # [P] the primary document or official text
    secondary = "secondary"        # [S] a secondary source quoting the primary
    computed = "computed"          # [C] computed from sourced values, method stated
    substitute = "substitute"      # stands in for a document that could not be obtained
    unverified = "unverified"      # widely quoted, but its source text was not seen: verify before relying on it
    illustrative = "illustrative"  # a placeholder for the sample; not a published figure
    assumption = "assumption"      # a workbook assumption, stated in the report


def _source_text(text: str) -> str:
    if len(text.strip()) < 3:
        raise ValueError(f"source {text!r} is blank; expected the document, table or clause, and edition")
    return text.strip()


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Param(Strict):
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
        if len(text) > MAX_UNIT_CHARS:  # pint parses by recursion: a huge expression exhausts the stack
            raise ValueError(f"unit of {len(text):,} characters; expected a unit such as 'kg CO2 / kWh' "
                             f"(at most {MAX_UNIT_CHARS} characters)")
        try:
            _unit(text)
        except (UnitError, RecursionError) as exc:
            raise ValueError(str(exc) if isinstance(exc, UnitError) else f"{_short(text)} is not a unit") from None
        return text

    @property
    def quantity(self) -> pint.Quantity:
        """The value as a pint quantity."""
        return ureg.Quantity(self.value, _unit(self.unit))

    @property
    def text(self) -> str:
        """The value in full (``repr``, never rounded) and its unit, as shown next to the rows it applies to."""
        return f"{self.value!r} {format_unit(self.unit)}"


class Sourced(Strict):
    """A non-numeric setting (a year, a name, a choice) with its source."""

    value: StrictInt | StrictStr
    source: str
    note: str | None = None
    carried_over_from: int | None = None

    _source_given = field_validator("source")(lambda cls, text: _source_text(text))


@dataclass(frozen=True)
class Plausible:
    """The plausible range of one kind of parameter, in a reference unit.

    A value outside ``low … high`` (both included, after conversion to ``unit``) is an error when
    the file is loaded: it is far more likely a typing or unit mistake than a real figure
    (a product lifetime of 25,000 years, a grid factor in g typed as kg). ``what`` names the kind in the
    message; ``whole`` requires a whole number (a count).
    """

    low: float
    high: float
    unit: str
    what: str
    whole: bool = False

    @property
    def text(self) -> str:
        """The range as shown in messages, e.g. ``1–60 year`` or ``-90 to 90 degree``."""
        join = " to " if self.low < 0 else "–"
        return f"{self.low:,.10g}{join}{self.high:,.10g} {self.unit}"

    def problem(self, value: float, unit: str) -> str | None:
        """Why ``value`` [``unit``] is implausible, or None when it lies in the range."""
        shown = f"{value:.10g} {unit}"
        if self.whole and value != math.floor(value):
            return f"{shown} is not a whole number; expected a count of {self.what}"
        converted = ureg.Quantity(value, _unit(unit)).m_as(_unit(self.unit))
        slack = 1e-9 * max(abs(self.low), abs(self.high))  # the rounding of a unit conversion
        if self.low - slack <= converted <= self.high + slack:
            return None
        if _unit(unit) != _unit(self.unit):
            shown += f" (= {converted:.6g} {self.unit})"
        return f"{shown} is outside the plausible range {self.text} for {self.what}"


def _dimension(*expected: str, example: str, positive: bool = True, plausible: Plausible | tuple[Plausible, ...]):
    """Validator: the parameter's unit converts to one of the ``expected`` dimensionalities, the value
    is positive (for factors, unless ``positive=False``) and within the ``plausible`` range (one per
    expected dimensionality, in the same order)."""
    wanted = [ureg.get_dimensionality(e) for e in expected]
    ranges = plausible if isinstance(plausible, tuple) else (plausible,)
    assert len(ranges) == len(wanted) and all(
        parse_unit(r.unit).dimensionality == w for r, w in zip(ranges, wanted)), "one range per dimensionality"

    def check(param: Param) -> Param:
        dimensionality = _unit(param.unit).dimensionality
        if dimensionality not in wanted:
            raise ValueError(f"unit {param.unit!r} is not a unit of this kind of factor; expected a unit like {example}")
        if positive and not param.value > 0:
            raise ValueError(f"value {param.value!r} must be positive for a factor [{example}]")
        problem = ranges[wanted.index(dimensionality)].problem(param.value, param.unit)
        if problem:
            raise ValueError(problem)
        return param

    return AfterValidator(check)


def _whole_in(low: int, high: int, what: str):
    """Validator of a :class:`Sourced` number: a whole number from ``low`` to ``high``, both included."""

    def check(setting: Sourced) -> Sourced:
        value = setting.value
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{_short(value)} is not a whole number; expected {what} from {low} to {high}")
        if not low <= value <= high:
            raise ValueError(f"{value} is outside the plausible range {low}–{high} for {what}")
        return setting

    return AfterValidator(check)


def one_of(*choices: str, what: str):
    """Validator of a :class:`Sourced` choice: its value is one of ``choices``."""

    def check(setting: Sourced) -> Sourced:
        if setting.value not in choices:
            raise ValueError(f"{_short(setting.value)} is not {what}; expected one of {', '.join(choices)}")
        return setting

    return AfterValidator(check)


# The plausible ranges. Each says why its bounds are where they are; they are wide on purpose (a
# real value must never be refused) and catch what is off by a unit or a few digits.

#: The longest-lived product line counted is housing (30 years in the sample); 47 years is the
#: statutory useful life of a reinforced-concrete building in Japan. 60 leaves a margin; no product's
#: savings can be counted for longer. Below one year nothing is a durable product.
LIFETIME = Plausible(1, 60, "year", "a product lifetime")
#: One product's, home's or building's yearly electricity (fuel cell 1,870; home 4,500; office
#: building 1,500,000 kWh in the sample); the largest single buildings use about 1e8 kWh a year.
ENERGY_PER_YEAR = Plausible(0, 1e8, "kWh / year", "the yearly energy of one product or building")
#: A share of a whole: 0 to 100 percent by definition.
PERCENT = Plausible(0, 100, "percent", "a share of a whole")
#: A number of people or units per trip, set or dwelling (2 to 4 in the sample).
COUNT = Plausible(1, 100, "count", "people or units per trip, set or dwelling", whole=True)
#: Half the Earth's circumference: no two places on Earth are farther apart along its surface.
DISTANCE = Plausible(0, 20_040, "km", "a distance between two places on Earth")
#: Polar radius 6,356.8 km, equatorial 6,378.1 km (WGS 84); the mean radius is 6,371.0 km.
EARTH_RADIUS = Plausible(6_350, 6_390, "km", "the radius of the Earth")
#: A passenger car drives about 10,000 km a year (the sample), a taxi about 100,000.
DISTANCE_PER_YEAR = Plausible(0, 200_000, "km / year", "the yearly distance of one vehicle")
#: Trips per year of one department (46 and 24 in the standard); 1,000 is about three every day.
PER_YEAR = Plausible(0, 1_000, "1 / year", "a number of events per year")
#: Per passenger-km: rail about 20 g, aviation about 100–250 g, a car with its driver alone about 300 g.
CO2_PER_DISTANCE = Plausible(0, 1_000, "g CO2 / km", "CO2 per passenger-kilometre")
#: A fuel saving per km: a whole passenger car burns 0.04–0.15 L/km, a heavy truck about 0.35 L/km.
VOLUME_PER_DISTANCE = Plausible(0, 0.5, "L / km", "fuel per vehicle-kilometre")
#: A compact EV draws about 0.12 kWh/km (JC08), a large electric SUV about 0.3; 2 kWh/km would be a bus.
ENERGY_PER_DISTANCE = Plausible(0, 2, "kWh / km", "electricity per vehicle-kilometre")
#: A target of avoided CO2 (300 Mt by 2050 in the sample); the world emits about 37,000 Mt of
#: fossil CO2 in a whole year, so a company's target cannot reach 40,000 Mt.
CO2_MASS = Plausible(0, 40_000, "Mt CO2", "a company's CO2 target")
LATITUDE = Plausible(-90, 90, "degree", "a latitude")
LONGITUDE = Plausible(-180, 180, "degree", "a longitude")
#: Indoor set points: heating 20 °C and cooling 27 °C in the standard; building codes use 17–28 °C.
SET_POINT = Plausible(10, 35, "degC", "an indoor temperature set point")
#: One fan or heat-exchange unit that airs a home draws 5–100 W (8 and 12 W in the sample).
FAN_POWER = Plausible(0, 1_000, "W", "the power of one fan that airs a home")
#: The fresh air of a home: half its air volume an hour is about 150 m³/h for 120 m² (60 m³/h per zone
#: in the sample); 2,000 m³/h allows a large house ventilated several times an hour.
AIRFLOW = Plausible(0, 2_000, "m**3 / h", "the fresh-air flow of a home")
#: Air from about −30 °C to 50 °C and from sea level to 2,000 m (1.2 kg/m³ at 20 °C, sea level).
AIR_DENSITY = Plausible(0.9, 1.5, "kg / m**3", "the density of air")
#: Dry air 1.003–1.010 kJ/(kg K) from −50 °C to 100 °C; humid air up to about 1.03.
AIR_SPECIFIC_HEAT = Plausible(0.95, 1.1, "kJ / (kg K)", "the specific heat of air")
#: Per volume: liquid fuels 34–42 GJ/kL (gasoline … C heavy oil), gases per normal m³ about a
#: thousandth of that; nothing burns with more than 50 GJ per kL.
ENERGY_PER_VOLUME = Plausible(0, 50, "GJ / kL", "energy per volume")
#: Per mass: hydrogen has the highest heating value of any fuel, about 142 GJ/t (LPG 50.8, LNG 54.6).
ENERGY_PER_MASS = Plausible(0, 150, "GJ / t", "energy per mass of fuel")
#: Japanese household tariffs were 20–40 JPY/kWh in 2000–2024 (27 in the standard).
PRICE_PER_ENERGY = Plausible(0, 200, "JPY / kWh", "an electricity price")
#: Kerosene cost 50–130 JPY/L in Japan in 2000–2024 (75 in the standard).
PRICE_PER_VOLUME = Plausible(0, 1_000, "JPY / L", "a fuel price")
#: IPCC 2006 default carbon contents: natural gas 15.3, oils 19–21, coals 25–27, peat 28.9 kg C/GJ.
CARBON_PER_ENERGY = Plausible(0, 0.035, "t C / GJ", "the carbon content of a fuel")
#: The most carbon-intensive electricity (lignite, oil shale) emits about 1.2–1.3 kg CO2/kWh; heat
#: from a fuel (0.057–0.060 t CO2/GJ = 0.21 kg CO2/kWh in the sample) emits less.
CO2_PER_ENERGY = Plausible(0, 1.5, "kg CO2 / kWh", "an emission factor per energy")
#: Primary energy per delivered energy: 1 for heat counted at its content; 2.71 for Japan's
#: 9.76 GJ/MWh; 4 would be a 25 % efficient thermal plant.
ENERGY_RATIO = Plausible(1, 4, "GJ / GJ", "primary energy per delivered energy")
#: A heat pump's seasonal COP (APF 4.9; the best room air conditioners reach about 7.5) or a
#: boiler's efficiency (0.821).
RATIO = Plausible(0, 10, "dimensionless", "a coefficient of performance")
#: Yearly yield of 1 kW of panels: about 950–1,350 kWh in the sample regions, 2,000–2,400 at the
#: sunniest sites; 3,000 allows for tracking panels.
PV_YIELD = Plausible(0, 3_000, "kWh / (kW year)", "the yearly yield of 1 kW of photovoltaic panels")
#: A threshold of a relative change: more than 100 % would flag only changes beyond a doubling.
THRESHOLD = Plausible(0, 100, "percent", "a threshold of a relative change")
#: 100-year GWPs of IPCC AR4–AR6: CO2 1 by definition, SF6 the highest at 22,800–25,200 (mass of
#: CO2e per mass of the gas; the unit of the range is set per gas, e.g. CO2e / SF6).
GWP = Plausible(1, 30_000, "dimensionless", "a 100-year global warming potential")

Years = Annotated[Param, _dimension("[time]", example="year", plausible=LIFETIME)]
EnergyPerYear = Annotated[Param, _dimension("[energy] / [time]", example="kWh / year", plausible=ENERGY_PER_YEAR)]
Fraction = Annotated[Param, _dimension("[]", example="percent", plausible=PERCENT)]
Share = Annotated[Param, _dimension("[]", example="percent", positive=False, plausible=PERCENT)]
Count = Annotated[Param, _dimension("[]", example="count", plausible=COUNT)]
Distance = Annotated[Param, _dimension("[length]", example="km", plausible=DISTANCE)]
EarthRadius = Annotated[Param, _dimension("[length]", example="km", plausible=EARTH_RADIUS)]
DistancePerYear = Annotated[Param, _dimension("[length] / [time]", example="km / year", plausible=DISTANCE_PER_YEAR)]
PerYear = Annotated[Param, _dimension("1 / [time]", example="1 / year", plausible=PER_YEAR)]
CO2PerDistance = Annotated[Param, _dimension("[mass] * [carbon] / [length]", example="g CO2 / km",
                                             plausible=CO2_PER_DISTANCE)]
VolumePerDistance = Annotated[Param, _dimension("[volume] / [length]", example="L / km", plausible=VOLUME_PER_DISTANCE)]
EnergyPerDistance = Annotated[Param, _dimension("[energy] / [length]", example="kWh / km", plausible=ENERGY_PER_DISTANCE)]
CO2Mass = Annotated[Param, _dimension("[mass] * [carbon]", example="Mt CO2", plausible=CO2_MASS)]
Latitude = Annotated[Param, _dimension("[]", example="degree", positive=False, plausible=LATITUDE)]
Longitude = Annotated[Param, _dimension("[]", example="degree", positive=False, plausible=LONGITUDE)]
Temperature = Annotated[Param, _dimension("[temperature]", example="degC", positive=False, plausible=SET_POINT)]
Power = Annotated[Param, _dimension("[power]", example="W", plausible=FAN_POWER)]
Airflow = Annotated[Param, _dimension("[volume] / [time]", example="m**3 / h", plausible=AIRFLOW)]
AirDensity = Annotated[Param, _dimension("[mass] / [volume]", example="kg / m**3", plausible=AIR_DENSITY)]
AirSpecificHeat = Annotated[Param, _dimension("[energy] / [mass] / [temperature]", example="kJ / (kg K)",
                                              plausible=AIR_SPECIFIC_HEAT)]
EnergyPerVolume = Annotated[Param, _dimension("[energy] / [volume]", example="Wh / L or GJ / kL",
                                              plausible=ENERGY_PER_VOLUME)]
PricePerEnergy = Annotated[Param, _dimension("[currency] / [energy]", example="JPY / kWh", plausible=PRICE_PER_ENERGY)]
PricePerVolume = Annotated[Param, _dimension("[currency] / [volume]", example="JPY / L", plausible=PRICE_PER_VOLUME)]
EnergyPerActivity = Annotated[
    Param, _dimension("[energy] / [volume]", "[energy] / [mass]", example="GJ / kL or GJ / t",
                      plausible=(ENERGY_PER_VOLUME, ENERGY_PER_MASS))
]
CarbonPerEnergy = Annotated[Param, _dimension("[mass] * [carbon] / [energy]", example="t C / GJ",
                                              plausible=CARBON_PER_ENERGY)]
CO2PerEnergy = Annotated[Param, _dimension("[mass] * [carbon] / [energy]", example="kg CO2 / kWh",
                                           plausible=CO2_PER_ENERGY)]
EnergyRatio = Annotated[Param, _dimension("[]", example="GJ / MWh (energy per energy)", plausible=ENERGY_RATIO)]
Ratio = Annotated[Param, _dimension("[]", example="dimensionless (e.g. APF 4.9)", plausible=RATIO)]
PVYield = Annotated[Param, _dimension("[]", example="kWh / (kW year)", plausible=PV_YIELD)]
Threshold = Annotated[Param, _dimension("[]", example="percent", plausible=THRESHOLD)]

FiscalYear = Annotated[Sourced, _whole_in(1990, 2100, "a fiscal year")]
Month = Annotated[Sourced, _whole_in(1, 12, "a month of the year")]
HourOfDay = Annotated[Sourced, _whole_in(0, 23, "an hour of the day")]
HoursPerDay = Annotated[Sourced, _whole_in(1, 24, "hours per day")]


class Exclusion(Strict):
    """An entity outside the boundary, with the reason and where the exclusion is stated."""

    name: str
    reason: str
    source: str
    carried_over_from: int | None = None

    _source_given = field_validator("source")(lambda cls, text: _source_text(text))


class Boundary(Strict):
    """Site boundary: manufacturing sites with an environmental management system, minus exclusions."""

    description: str
    excluded_entities: list[Exclusion] = []


class Organisation(Strict):
    name: str
    note: str | None = None


class Standard(Strict):
    """The calculation standard the year is reported under."""

    title: str
    title_ja: str | None = None
    edition: str
    source: str
    carried_over_from: int | None = None


class GwpSet(Strict):
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
                continue
            plausible = Plausible(GWP.low, GWP.high, f"CO2e / {gas_unit(gas)}", GWP.what)
            problem = plausible.problem(param.value, param.unit)
            if problem:
                problems.append(f"values.{gas}: {problem}")
        if problems:
            raise ValueError("\n".join(problems))
        return self


class Fuel(Strict):
    """A fuel: names, unit calorific value (absent for city gas, which is per supplier) and carbon factor."""

    name_en: str
    name_ja: str
    calorific_value: EnergyPerActivity | None = None
    carbon_factor: CarbonPerEnergy


class Airport(Strict):
    """An airport: the end of a business trip by air (coordinates from OpenFlights airports.dat)."""

    code: str
    city: str
    latitude: Latitude
    longitude: Longitude


class Region(Strict):
    """A sales region of products: its electricity factor and the figures set per region."""

    name: str
    emission_factor: CO2PerEnergy
    pv_annual_generation: PVYield
    airport: Airport | None = None  # main airport of the region's representative country (teleconferencing)


class Changes(Strict):
    """How year-on-year changes are judged (the yearly cycle: changes report, restatements)."""

    flag_threshold: Threshold
    indicator_thresholds: dict[str, Threshold] = {}
    significance_threshold: Threshold
    # how far the change an explanation states may be from the observed change [percentage points]
    explanation_tolerance: Threshold


#: The encodings a CSV input may be declared in (``inputs.encodings``).
INPUT_ENCODINGS = ENCODINGS


class Inputs(Strict):
    """How the year's input files are read: ``encodings`` declares the encoding of a CSV file of the year's
    folder that is not UTF-8, by file name (``<table>.csv: cp932``, as Japanese Excel saves *CSV*).
    A file not declared is read as UTF-8 (a UTF-8 byte-order mark is accepted)."""

    encodings: dict[str, str] = {}

    @field_validator("encodings")
    @classmethod
    def _known(cls, encodings: dict[str, str]) -> dict[str, str]:
        problems = []
        checked = {}
        for name, encoding in encodings.items():
            if not isinstance(name, str) or not name.endswith(".csv") or "/" in name or "\\" in name:
                problems.append(f"{name}: expected the name of a CSV file of the year's folder, e.g. <table>.csv")
                continue
            value = str(encoding).strip().lower().replace("_", "-")
            if value not in INPUT_ENCODINGS:
                hint = "; Shift_JIS as Japanese Excel writes it is cp932" if value in ("shift-jis", "sjis", "ms932") else ""
                problems.append(f"{name}: unknown encoding {encoding!r}; expected one of {', '.join(INPUT_ENCODINGS)}"
                                + hint)
                continue
            checked[name] = value
        if problems:
            raise ValueError("\n".join(problems))
        return checked


_SIGNED_PERCENT = re.compile(r"^\s*(?P<sign>[+\-−])\s*(?P<number>\d+(?:\.\d*)?|\.\d+)\s*%\s*$")

#: What an explanation looks like, for messages and the new year's template.
EXPLANATION_FORM = '{change: "+12 %", text: "why it moved"}'


class Explanation(Strict):
    """Why a headline result moved since last year, bound to the change it explains.

    In a year file, keyed by indicator id::

        explanations:
          <indicator id>: {change: "+36 %", text: "product lifetime 20 → 25 years (the standard's note) …"}

    ``change`` is the signed relative change of the indicator's headline value since last year, in
    percent, as a person writes it (``"+36 %"``, ``"-4.5 %"``; the sign is required). The changes
    report compares it with the observed change: an explanation covers a change of the same sign
    within ``changes.explanation_tolerance`` percentage points, so a text cannot go on explaining a
    change it was not written for.
    """

    change: str
    text: str

    @model_validator(mode="before")
    @classmethod
    def _not_plain_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            raise ValueError(f"plain text {_short(data)}; expected {EXPLANATION_FORM}: the signed percent change of "
                             "the headline since last year that the text explains, and the text")
        return data

    @field_validator("change", mode="before")
    @classmethod
    def _signed_percent(cls, change: Any) -> str:
        if not isinstance(change, str) or not _SIGNED_PERCENT.match(change):
            raise ValueError(f"{_short(change)} is not a signed percent change; expected text such as \"+36 %\" "
                             "or \"-12 %\" (the change of the headline since last year)")
        return change.strip()

    @field_validator("text")
    @classmethod
    def _text_given(cls, text: str) -> str:
        if len(text.strip()) < 3:
            raise ValueError(f"text {_short(text)} is blank; expected why the result moved")
        return text.strip()

    @property
    def percent(self) -> float:
        """The stated change [percent], e.g. 36.0 for ``"+36 %"``."""
        match = _SIGNED_PERCENT.match(self.change)
        return (-1.0 if match["sign"] in "-−" else 1.0) * float(match["number"])


class Parameters(Strict):
    """The shared sections of one fiscal year's parameters, merged from the year file and the common file.

    Each family adds its own section (``<family>:``, the model its folder declares): the registry
    assembles the model of a year (:func:`envkpi.families.parameters_model`), and
    :func:`envkpi.families.load_parameters` validates a file against it.

    ``what_changed`` is the year's own statement of what changed from the previous year (method,
    factors, boundary, sites), in the reporting team's words; it is shown at the top of the changes
    report and of the year's index page. It may be absent or still the placeholder of ``envkpi
    new-year`` when the file is loaded (so that every other problem is listed too); a run refuses it
    then (:func:`what_changed_problems`). ``restatement_reason`` says why a published year is restated,
    when a rerun of it differs (``envkpi run --reason`` gives it on the command line instead); ``envkpi
    new-year`` does not carry it.
    """

    fiscal_year: int = Field(ge=1990, le=2100)
    extends: str | None = None
    what_changed: str | None = None  # the year's statement of what changed from the previous year
    restatement_reason: str | None = None  # why a published year is restated (envkpi run --reason wins)
    organisation: Organisation
    standard: Standard
    fiscal_year_start_month: Month
    boundary: Boundary
    gwp_sets: dict[str, GwpSet]
    product_regions: dict[str, Region]
    changes: Changes
    explanations: dict[str, Explanation] = {}  # indicator id → the change since last year and why
    inputs: Inputs = Inputs()  # how the year's input files are read (declared encodings)

    _files: list[FileRecord] = PrivateAttr(default_factory=list)
    _origins: dict[tuple[str, ...], str] = PrivateAttr(default_factory=dict)

    @field_validator("explanations")
    @classmethod
    def _indicator_ids(cls, explanations: dict[str, Explanation]) -> dict[str, Explanation]:
        known = [entry.id for entry in catalogue()]
        problems = []
        for key in explanations:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"did you mean {close[0]}?" if close else "expected an id of the catalogue (envkpi indicators)"
                problems.append(f"{key}: unknown indicator; {hint}")
        if problems:
            raise ValueError("\n".join(problems))
        return explanations

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

    def file_of(self, path: str) -> str | None:
        """The file (as shown in messages, e.g. ``parameters/FY2018.yaml``) that gives the key at a
        dotted key path such as ``"explanations.<indicator id>"``; None for an object not read from files."""
        keys = tuple(path.split("."))
        for cut in range(len(keys), 0, -1):
            if keys[:cut] in self._origins:
                return self._origins[keys[:cut]]
        return None

    def get(self, path: str) -> Any:
        """The value at a dotted key path, e.g. ``"<family>.electricity_factors.JP"``."""
        node: Any = self
        for part in path.split("."):
            node = node[part] if isinstance(node, dict) else getattr(node, part)
        return node

    def flat(self, prefix: str = "") -> Iterator[tuple[str, Param | Sourced | Exclusion]]:
        """Every :class:`Param`, :class:`Sourced` and :class:`Exclusion` under ``prefix``, with its key path."""
        start = self.get(prefix) if prefix else self
        yield from _walk(start, prefix)


#: The statement ``envkpi new-year`` writes in ``what_changed:``, to be replaced by the team's own
#: (``{previous}``: the previous fiscal year). A run refuses a statement that still holds it.
WHAT_CHANGED_PLACEHOLDER = "(write here: what changed from FY{previous}: method, factors, boundary, sites)"
#: What is left of any version of the placeholder once a person starts writing around it.
_PLACEHOLDER_MARK = re.compile(r"\(write here\b", re.IGNORECASE)


def what_changed_placeholder(previous_year: int) -> str:
    """The placeholder of ``what_changed:`` in a year made from ``previous_year``'s file."""
    return WHAT_CHANGED_PLACEHOLDER.format(previous=previous_year)


def what_changed_problems(parameters: Parameters, shown_path: str) -> list[str]:
    """Why the year's statement of what changed cannot be published, as one line; ``[]`` when it can.

    The statement (``what_changed:`` of the year file) must be given, not blank, and no longer hold
    the placeholder of ``envkpi new-year`` (:data:`WHAT_CHANGED_PLACEHOLDER`, "(write here…").

    Parameters
    ----------
    parameters : Parameters
        The year's parameters.
    shown_path : str
        The year file as messages name it, e.g. ``parameters/FY2019.yaml``.

    Returns
    -------
    list of str
        At most one line, e.g. ``parameters/FY2019.yaml: what_changed: still the template's
        placeholder; state what changed from FY2018 (method, factors, boundary, sites)``.
    """
    text = parameters.what_changed
    if text is None:
        given = parameters.file_of("what_changed") is not None  # `what_changed:` with nothing after it
        problem = "empty" if given else "required key is missing"
    elif not text.strip():
        problem = "empty"
    elif _PLACEHOLDER_MARK.search(text):
        problem = "still the template's placeholder"
    elif parameters.files and parameters.file_of("what_changed") not in (None, shown_path, parameters.files[0].path):
        problem = (f"given in {parameters.file_of('what_changed')}, which every year extends; the statement belongs "
                   f"to the year file")
    else:
        return []
    return [f"{shown_path}: what_changed: {problem}; state what changed from FY{parameters.fiscal_year - 1} "
            "(method, factors, boundary, sites)"]


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


#: libyaml's safe loader when PyYAML has it (the wheels do): its scanner is linear in the size of the
#: text and limits the nesting depth (1,000), where the pure-Python one takes time quadratic in the
#: depth of nested brackets (minutes for a hostile 1 MB file).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SAFE_LOADER):
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


def _anchors_and_aliases(text: str, display: str) -> list[str]:
    """One problem per line of ``text`` that holds a YAML anchor (``&name``) or alias (``*name``).

    Found by scanning the tokens, which is linear in the size of the text: nothing is composed or
    expanded, so an alias bomb ("billion laughs") is refused as fast as any other file. A text that
    does not scan is left to the parser, which reports the syntax error.
    """
    found: dict[int, list[str]] = {}
    try:
        for token in yaml.scan(text, Loader=_SAFE_LOADER):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                mark = "&" if isinstance(token, yaml.AnchorToken) else "*"
                names = found.setdefault(token.start_mark.line + 1, [])
                name = mark + _cut(str(token.value), 40)
                if name not in names:
                    names.append(name)
    except yaml.YAMLError:
        pass
    return [f"{display}: line {line}: YAML aliases (*name) and anchors (&name) are not allowed in parameter files; "
            f"write the value out (found {', '.join(names[:5])}{', …' if len(names) > 5 else ''})"
            for line, names in found.items()]


def _read_text(path: Path, display: str, wanted_by: str | None) -> str:
    """The text of a parameter file: at most :data:`MAX_FILE_BYTES`, UTF-8."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # never more, whatever the file is (a device, a huge file)
    except FileNotFoundError:
        if wanted_by:
            raise ParameterError([f"{wanted_by}: extends: {display} not found"]) from None
        raise ParameterError([f"{display}: file not found"]) from None
    except OSError as exc:
        raise ParameterError([f"{display}: cannot be read ({exc.strerror or exc})"]) from None
    if len(data) > MAX_FILE_BYTES:
        raise ParameterError([f"{display}: larger than {MAX_FILE_BYTES:,} bytes, the most a parameter file may be; "
                              "expected a YAML file of parameters written by hand"])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ParameterError([f"{display}: line {line}: not UTF-8 text (byte {data[exc.start]:#04x}); "
                              "save the file as UTF-8"]) from None


def _read_yaml(path: Path, display: str, wanted_by: str | None = None) -> dict:
    text = _read_text(path, display, wanted_by)
    refused = _anchors_and_aliases(text, display)
    if refused:
        raise ParameterError(refused)
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: an impossible date such as 2019-13-01
        where = getattr(exc, "problem_mark", None)
        line = f" line {where.line + 1}" if where is not None else ""
        raise ParameterError([f"{display}:{line} not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    except RecursionError:
        raise ParameterError([f"{display}: nested too deeply to be a parameter file"]) from None
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


def _extended(parent: Any, path: Path, folder: Path, display: str, root: Path | None) -> Path:
    """The file that ``extends: parent`` of the file ``path`` names: a relative path from the folder of
    ``path`` that stays, links resolved, inside ``folder`` (the folder of the year file)."""
    expected = f"expected the name of a file in {_display(folder, root)}/, e.g. common.yaml"
    if not isinstance(parent, str) or not parent.strip():
        raise ParameterError([f"{display}: extends: {_short(parent)}; {expected}"])
    if Path(parent).is_absolute() or Path(parent).drive:
        raise ParameterError([f"{display}: extends: {_quoted(parent)} is an absolute path; {expected}"])
    target = path.parent / parent
    if not Path(os.path.normpath(target)).is_relative_to(folder):
        raise ParameterError([f"{display}: extends: {_quoted(parent)} leads out of {_display(folder, root)}/; "
                              f"{expected}"])
    real = target.resolve()
    if not real.is_relative_to(folder):
        raise ParameterError([f"{display}: extends: {_quoted(parent)} is a link to {_quoted(str(real))}, outside "
                              f"{_display(folder, root)}/; {expected}"])
    return real


def _load_chain(path: Path, root: Path | None, seen: tuple[Path, ...] = (),
                folder: Path | None = None) -> tuple[dict, dict, list[Path]]:
    path = path.resolve()
    folder = folder or path.parent
    display = _display(path, root)
    if path in seen:
        raise ParameterError([f"{display}: 'extends' loops back to itself"])
    data = _read_yaml(path, display, wanted_by=_display(seen[-1], root) if seen else None)
    origin: dict = {}
    files = [path]
    merged: dict = {}
    if data.get("extends") is not None:
        parent = _extended(data["extends"], path, folder, display, root)
        merged, origin, parent_files = _load_chain(parent, root, seen + (path,), folder)
        files += parent_files
    merged = _merge(merged, data, origin, display)
    return merged, origin, files


def _suggest(model: type[BaseModel] | None, key: str) -> str:
    if model is None:
        return ""
    close = difflib.get_close_matches(key, list(model.model_fields), n=1)
    return f"; did you mean {close[0]}?" if close else f"; expected one of: {', '.join(model.model_fields)}"


def _model_at(loc: tuple, top: type[BaseModel]) -> type[BaseModel] | None:
    """The pydantic model class that holds the key at ``loc`` (for 'did you mean' suggestions)."""
    model: Any = top
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


def _problems(error: ValidationError, origin: dict, default: str, top: type[BaseModel]) -> list[str]:
    problems = []
    for item in error.errors():
        loc = tuple(str(p) for p in item["loc"])
        if item["type"] == "extra_forbidden":
            messages = [(loc, "unknown key" + _suggest(_model_at(loc, top), loc[-1]))]
        elif item["type"] == "missing":
            messages = [(loc, "required key is missing")]
        else:
            text = item["msg"].removeprefix("Value error, ")
            if item["type"] not in ("value_error", "assertion_error") and "input" in item:
                text += f" (got {_short(item['input'])})"
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


def load_parameters(path: str | Path, root: str | Path | None = None, *, model: type[Parameters] = Parameters) -> Parameters:
    """Load a fiscal year's parameter file, merged with the files it extends, and validate it.

    Parameters
    ----------
    path : str or Path
        The year file, e.g. ``parameters/FY2018.yaml``.
    root : str or Path, optional
        Project root; file names in messages and provenance are shown relative to it.
    model : type of Parameters
        The model to validate against: :class:`Parameters` with a section per family, as
        :func:`envkpi.families.parameters_model` assembles it (``envkpi.families.load_parameters``
        passes it). The shared sections alone refuse every family's section as an unknown key.

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
        params = model.model_validate(merged)
    except ValidationError as exc:
        raise ParameterError(_problems(exc, origin, _display(path, root), model)) from None
    params._files = [file_record(f, root=root, role="parameters") for f in files]
    params._origins = {tuple(str(key) for key in keys): file for keys, file in origin.items()}
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
