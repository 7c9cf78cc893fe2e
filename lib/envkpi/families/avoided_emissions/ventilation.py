"""Heat-exchange ventilation: a transparent model of the saving of CO2-03.7.

The calculation standard's note ※5 [1]_ counts the avoided emissions of heat-exchange ventilation as

    (equipment energy use of the air conditioning without heat exchange) × (saving from heat exchange)
    × product lifetime (10 y) × units shipped × CO2 emission factor,

where the first two factors come from the company's own simulation (Tokyo, intermittent
air-conditioning), whose conditions the standard lists in the table
■熱交換システム導入による省エネ効果評価のシミュレーション条件 (``METHODOLOGY.md``, "Heat-exchange
ventilation simulation conditions (CO2-03.7)"). The simulation itself is not public. This module is
an open replacement: it takes the listed conditions as parameters (:class:`SimulationConditions`)
and an outdoor-temperature series as input, and returns the energies of one simulated dwelling with
and without heat exchange (:func:`simulate_ventilation` → :class:`VentilationResult`);
:func:`saving_share` turns them into the formula's saving under a stated reading of the fans, and
:func:`heat_exchange_avoided_emissions` is the formula itself.

Readings of ※5 (each a parameter of ``avoided_emissions.heat_exchange``, stated in the report with
the other reading's figure beside it):

* **The base is the air conditioning.** 非熱交換システム使用時(空調)の機器エネルギー使用量 is read as the
  energy of the air-conditioning equipment without heat exchange (heat pump, and the boiler and
  humidifier the 別表 lists), *not* the ventilation fans (:attr:`VentilationResult.air_conditioning_without`).
* **The fans' power** (``fan_energy``): ``excluded`` reads the saving as that of the
  air-conditioning equipment alone, :math:`s = (AC_{without} - AC_{with}) / AC_{without}`; ``netted``
  also counts the difference of the fans' own energy (4 plain fans against 2 heat-exchange units),
  :math:`s = (E_{without} - E_{with}) / AC_{without}`, where :math:`E` = AC + fans. Which set of fans
  draws more is a matter of the parameters, never assumed here.
* **Units and dwellings** (``heat_exchange_units``): the 別表 simulates one dwelling fitted with
  FY-12VBD2SCL × 2台, so the saving is a dwelling's, and 当年度出荷台数 (units shipped) is turned into
  dwellings fitted: units ÷ units per dwelling (:func:`dwellings_fitted`). The other reading, a
  dwelling's saving for every unit shipped, doubles the figure.

Model
-----
For every hour h of the series (weight :math:`w_h` hours, 1 for an hourly series) and every
air-conditioned room r whose operating window contains the hour, the sensible load that the
ventilation air brings into the room is, without heat exchange,

.. math::

    Q_{heat} = \\rho \\, c_p \\, \\dot V_r \\, \\max(0, T_{set,heat} - T_{out}) \\, w_h / 3600
    \\quad \\text{(heating period)}, \\qquad
    Q_{cool} = \\rho \\, c_p \\, \\dot V_r \\, \\max(0, T_{out} - T_{set,cool}) \\, w_h / 3600
    \\quad \\text{(cooling period)}

[kWh] (ρ [kg/m3], c_p [kJ/(kg·K)], :math:`\\dot V` [m3/h]; /3600 turns kJ into kWh), and with heat
exchange :math:`Q_{hx} = Q \\, (1 - \\eta)`. The energies are

* heat-pump air conditioner [kWh electricity]: :math:`((1 - s) Q_{heat} + Q_{cool}) / APF`;
* kerosene boiler [kWh heat content of kerosene]: :math:`s \\, Q_{heat} / COP_{boiler}`;
* humidifier [kWh electricity]: :math:`e_{hum} \\, \\rho \\, \\dot V_r \\, \\max(0, x_{target} - x_{out})
  \\, (1 - \\eta_x) \\, w_h / 1000` in the heating period (water [L] × 60 Wh/L);
* ventilation fans [kWh electricity]: :math:`n \\, P \\, \\sum_h w_h` — 4 plain fans without heat
  exchange, 2 heat-exchange units with it, running 24 h a day all year.

The totals are :math:`E = AC + boiler + humidifier + fans` for each configuration; the air
conditioning is :math:`AC + boiler + humidifier` (the standard's "(空調)").

Assumptions
-----------
Every one of these is a choice of this model, not of the standard.

1. **Ventilation load only.** Only the sensible load of the ventilation air is modelled. Envelope
   conduction, solar and internal gains and infiltration are the same with and without heat
   exchange, so they drop out of the *difference* :math:`AC_{without} - AC_{with}`, but they are not
   in :math:`AC_{without}` either: ``air_conditioning_without`` is the ventilation-related
   air-conditioning energy of a dwelling, not its whole air-conditioning energy, and a saving share
   is relative to it (so it is much larger than a share of the whole air-conditioning energy would
   be; with every load met by the heat pump it is the exchange efficiency η itself). The two
   factors of ※5 are meaningful as a **product**: :math:`AC_{without} \\times s` is exactly the
   annual saving of the reading, whatever loads both configurations share.
2. **Fans.** Both sets run 24 h/day, all year, at constant power, moving the same airflow; all of
   it passes through the exchanger in the heat-exchange configuration. Their energies are computed
   in both configurations whichever reading is taken, so that the report can show the other one.
   Where a reading's saving is negative (the heat-exchange units' extra fan energy exceeding the
   heat they recover) it is returned as such, not clipped to 0.
3. **Intermittent air-conditioning.** A room is at its set point during its operating window and
   the equipment meets the ventilation load at once; outside the window no equipment runs, so no
   load is counted (free-floating room temperature, heat stored in the structure and pre-heating are
   not modelled). The standard gives the living/dining room (LD) 18 h/day and private rooms
   3–5 h/day; the windows are parameters (:class:`Room`): by default LD 6:00–24:00 and private rooms
   20:00–24:00 (4 h, the middle of 3–5 h), see :func:`standard_rooms`.
4. **Airflow per room.** The dwelling's 24-h mechanical ventilation is split over the
   air-conditioned rooms (:attr:`Room.airflow`); air supplied to rooms that are never
   air-conditioned (corridors, sanitary rooms) brings no equipment load and is left out. The
   standard gives no airflow, exchange efficiency or fan power: they are required parameters and
   must come with their source (product catalogues of FY-08PFE9D and FY-12VBD2SCL).
5. **Exchanger.** The temperature-exchange efficiency η is applied to the indoor–outdoor
   difference at the set point: supply temperature :math:`T_{out} + \\eta (T_{set} - T_{out})`.
   One η for heating and cooling; no bypass, frost protection or motor heat.
6. **Heat pump.** The APF (4.9, JIS C 9612 annual performance factor) is used as a constant
   seasonal COP for heating and cooling: no dependence on outdoor temperature or part load.
7. **Kerosene boiler.** The standard lists a kerosene boiler (COP 0.821) without saying what it
   heats. Read here as an optional heating device: ``boiler_heating_share`` of the heating load is
   met by the boiler, the rest by the heat pump. Default 0 (all heating by the heat pump). Boiler
   energy is counted as the heat content of the kerosene burnt [kWh].
8. **Latent loads.** Dehumidification in cooling (RH ≤ 60 %) is not modelled. Humidification in
   heating (RH ≥ 50 %) is counted only if the series has a column ``outdoor_abs_humidity_g_per_kg``
   and ``humidification_target`` [g/kg] is given; otherwise the humidifier term is 0. The water
   needed is that of bringing the outdoor air's humidity up to the target (1 kg water = 1 L), less
   the share ``moisture_exchange_efficiency`` recovered by an enthalpy exchanger (0 for a
   temperature-only exchanger, the default).
9. **Energies are added as delivered energy** in kWh (electricity, and kerosene by heat content);
   no primary-energy weighting. With the default boiler share 0 every term is electricity, which is
   what the ※5 formula's electricity emission factor assumes.
10. **Time.** A row's ``timestamp`` is the local start of its hour; its date decides the heating
    and cooling periods (both end days included; the heating period wraps the year end) and its
    clock hour decides the operating windows. The sums over the series are read as **one year**:
    they are per year only if the series covers one year (``covered_hours`` says how many hours it
    covers; 8,760 or 8,784 for a full year). A typical-day series carries the number of days each
    row stands for in ``weight``.
11. **Air properties** ρ = 1.2 kg/m3 and c_p = 1.005 kJ/(kg·K) are constants (parameters).
12. **Costs** (27 JPY/kWh electricity, 75 JPY/L kerosene, kerosene 36.7 GJ/kL) are a transparency
    extra; they do not enter the avoided emissions.

References
----------
.. [1] 主な環境パフォーマンス指標の算定基準 (calculation standard), FY2018 edition, row
   商品による間接的なCO2削減貢献量, note ※5, and 別表
   ■熱交換システム導入による省エネ効果評価のシミュレーション条件 (東京・間欠空調).
.. [2] JIS C 9612:2013 room air conditioners (APF); JIS B 8628:2017 air-to-air heat exchangers
   (temperature exchange efficiency).
.. [3] Japan Meteorological Agency, climatological normals 1991–2020, Tokyo (monthly mean
   temperature), for :func:`typical_day_series_from_monthly_means`.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pint

from envkpi.core.units import Quantity, quantity_text
from envkpi.families.avoided_emissions.parameters import HeatExchange

__all__ = [
    "Period",
    "Room",
    "standard_rooms",
    "SimulationConditions",
    "VentilationResult",
    "validated_series",
    "ventilation_loads",
    "hourly_energy",
    "simulate_ventilation",
    "FAN_ENERGY_READINGS",
    "saving_share",
    "dwellings_fitted",
    "heat_exchange_avoided_emissions",
    "fan_power_sentence",
    "conditions_from_parameters",
    "heat_exchange_table",
    "heat_exchange_readings",
    "reading_sentences",
    "typical_day_series_from_monthly_means",
    "TOKYO_MONTHLY_MEAN_1991_2020",
]

#: JMA climatological normals 1991–2020, Tokyo, monthly mean air temperature [°C] (month → °C).
TOKYO_MONTHLY_MEAN_1991_2020: dict[int, float] = {
    1: 5.4, 2: 6.1, 3: 9.4, 4: 14.3, 5: 18.8, 6: 21.9, 7: 25.7, 8: 26.9, 9: 23.3, 10: 18.0, 11: 12.5, 12: 7.7,
}

_HUMIDITY_COLUMN = "outdoor_abs_humidity_g_per_kg"
_KJ_PER_KWH = 3600.0


# --- conditions ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """A period of the year from ``start`` to ``end``, both days included; may wrap the year end.

    Attributes
    ----------
    start_month, start_day, end_month, end_day : int
        E.g. heating in Tokyo ``Period(11, 6, 4, 13)`` (6 Nov – 13 Apr, wraps the year end).
    """

    start_month: int
    start_day: int
    end_month: int
    end_day: int

    def __post_init__(self) -> None:
        for month, day in ((self.start_month, self.start_day), (self.end_month, self.end_day)):
            if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(2000, month)[1]):
                raise ValueError(f"period {self}: {month}/{day} is not a day of the year")

    def contains(self, month: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Boolean mask: which (month, day) pairs fall inside the period (both ends included)."""
        key = np.asarray(month) * 100 + np.asarray(day)
        start = self.start_month * 100 + self.start_day
        end = self.end_month * 100 + self.end_day
        if start <= end:
            return (key >= start) & (key <= end)
        return (key >= start) | (key <= end)


@dataclass(frozen=True)
class Room:
    """An air-conditioned room type, its share of the ventilation airflow and its operating window.

    Attributes
    ----------
    name : str
        E.g. ``"LD"``, ``"private rooms"``.
    airflow : Quantity
        Ventilation airflow through the room type [m3/h] (for several private rooms, their sum).
    start_hour : int
        Clock hour at which air-conditioning starts [h, 0–23].
    hours : int
        Operating hours per day [h, 0–24]; the window ``start_hour … start_hour + hours`` may pass
        midnight. ``Room("LD", q, 6, 18)`` runs 6:00–24:00.
    """

    name: str
    airflow: pint.Quantity
    start_hour: int
    hours: int

    def __post_init__(self) -> None:
        if not 0 <= self.start_hour <= 23:
            raise ValueError(f"room {self.name!r}: start_hour must be 0–23, got {self.start_hour}")
        if not 0 <= self.hours <= 24:
            raise ValueError(f"room {self.name!r}: hours must be 0–24, got {self.hours}")
        if self.airflow.m_as("m**3 / h") < 0:
            raise ValueError(f"room {self.name!r}: airflow must not be negative, got {self.airflow}")

    def operating(self, hour: np.ndarray) -> np.ndarray:
        """Boolean mask: which clock hours (0–23) are inside the operating window."""
        return (np.asarray(hour) - self.start_hour) % 24 < self.hours


def standard_rooms(ld_airflow: pint.Quantity, private_airflow: pint.Quantity, private_start_hour: int = 20,
                   private_hours: int = 4) -> tuple[Room, Room]:
    """The standard's two room types: LD 18 h/day (6:00–24:00) and private rooms 3–5 h/day.

    Parameters
    ----------
    ld_airflow : Quantity
        Ventilation airflow of the living/dining room [m3/h].
    private_airflow : Quantity
        Ventilation airflow of all private rooms together [m3/h].
    private_start_hour : int
        Start of the private rooms' evening window [h]; default 20 (20:00).
    private_hours : int
        Operating hours of the private rooms [h/day]; the standard gives 3–5, default 4.

    Returns
    -------
    tuple of Room
    """
    return (Room("LD", ld_airflow, 6, 18), Room("private rooms", private_airflow, private_start_hour, private_hours))


@dataclass(frozen=True, kw_only=True)
class SimulationConditions:
    """Conditions of the heat-exchange simulation (standard's 別表, Tokyo, intermittent AC).

    The four fields without a default are not given by the standard and must come from the
    parameters with their source. The defaults are the standard's values unless marked otherwise.

    Attributes
    ----------
    rooms : tuple of Room
        Air-conditioned room types with airflow [m3/h] and operating window (:func:`standard_rooms`).
    exchange_efficiency : float
        Temperature-exchange efficiency η of the heat-exchange unit [fraction, 0–1].
    plain_fan_power : Quantity
        Power of one plain ventilation fan [W].
    heat_exchange_unit_power : Quantity
        Power of one heat-exchange ventilation unit [W].
    heating_period : Period
        6 Nov – 13 Apr.
    cooling_period : Period
        30 May – 22 Sep.
    heating_set_point, cooling_set_point : Quantity
        20 °C, 27 °C [degC].
    apf : float
        Heat-pump air conditioner APF, used as the seasonal COP for heating and cooling [-]; 4.9.
    boiler_cop : float
        Kerosene boiler COP [-]; 0.821.
    boiler_heating_share : float
        Share of the heating load met by the boiler [fraction, 0–1]; default 0 (this model's reading,
        the standard does not say what the boiler heats).
    humidifier_energy : Quantity
        Humidifier electricity per litre of water [Wh/L]; 60 Wh/L.
    humidification_target : Quantity or None
        Target indoor absolute humidity in heating [g/kg dry air]; None (default, not in the
        standard) leaves the humidifier out.
    moisture_exchange_efficiency : float
        Share of the humidification water recovered with heat exchange [fraction]; default 0
        (temperature-only exchanger; not in the standard).
    plain_fans : int
        Number of plain fans without heat exchange; 4 (FY-08PFE9D × 4).
    heat_exchange_units : int
        Number of heat-exchange units; 2 (FY-12VBD2SCL × 2).
    air_density : Quantity
        [kg/m3]; 1.2 (not in the standard).
    specific_heat : Quantity
        Specific heat of air [kJ/(kg·K)]; 1.005 (not in the standard).
    electricity_price : Quantity
        [JPY/kWh]; 27 (tax included).
    kerosene_price : Quantity
        [JPY/L]; 75.
    kerosene_heating_value : Quantity
        [GJ/kL]; 36.7 (Energy Conservation Act 別表第1; not in the standard's table).
    """

    rooms: tuple[Room, ...]
    exchange_efficiency: float
    plain_fan_power: pint.Quantity
    heat_exchange_unit_power: pint.Quantity
    heating_period: Period = Period(11, 6, 4, 13)
    cooling_period: Period = Period(5, 30, 9, 22)
    heating_set_point: pint.Quantity = field(default_factory=lambda: Quantity(20.0, "degC"))
    cooling_set_point: pint.Quantity = field(default_factory=lambda: Quantity(27.0, "degC"))
    apf: float = 4.9
    boiler_cop: float = 0.821
    boiler_heating_share: float = 0.0
    humidifier_energy: pint.Quantity = field(default_factory=lambda: Quantity(60.0, "Wh / L"))
    humidification_target: pint.Quantity | None = None
    moisture_exchange_efficiency: float = 0.0
    plain_fans: int = 4
    heat_exchange_units: int = 2
    air_density: pint.Quantity = field(default_factory=lambda: Quantity(1.2, "kg / m**3"))
    specific_heat: pint.Quantity = field(default_factory=lambda: Quantity(1.005, "kJ / kg / K"))
    electricity_price: pint.Quantity = field(default_factory=lambda: Quantity(27.0, "JPY / kWh"))
    kerosene_price: pint.Quantity = field(default_factory=lambda: Quantity(75.0, "JPY / L"))
    kerosene_heating_value: pint.Quantity = field(default_factory=lambda: Quantity(36.7, "GJ / kL"))

    def __post_init__(self) -> None:
        for name in ("exchange_efficiency", "boiler_heating_share", "moisture_exchange_efficiency"):
            value = getattr(self, name)
            if not (0.0 <= value <= 1.0):
                raise ValueError(f"{name} must be a fraction in [0, 1], got {value!r}")
        for name in ("apf", "boiler_cop"):
            value = getattr(self, name)
            if not value > 0:
                raise ValueError(f"{name} must be greater than 0, got {value!r}")
        if not self.rooms:
            raise ValueError("at least one air-conditioned room is needed")
        for name in ("plain_fans", "heat_exchange_units"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, got {getattr(self, name)!r}")
        for name in ("plain_fan_power", "heat_exchange_unit_power"):
            if getattr(self, name).m_as("W") < 0:
                raise ValueError(f"{name} must not be negative, got {getattr(self, name)}")


# --- input series --------------------------------------------------------------------------------

def validated_series(series: pd.DataFrame) -> pd.DataFrame:
    """Check an outdoor-temperature series and return it with the columns the model uses.

    Parameters
    ----------
    series : DataFrame
        ``timestamp`` (datetime64, local start of the hour; ISO text is converted),
        ``outdoor_temp_c`` [°C]; optionally ``weight`` [h] (hours each row stands for) and
        ``outdoor_abs_humidity_g_per_kg`` [g/kg dry air].

    Returns
    -------
    DataFrame
        ``timestamp, month, day, hour, outdoor_temp_c, weight`` (and the humidity column if given),
        in the input order.

    Raises
    ------
    ValueError
        A needed column is missing; a timestamp, temperature, humidity or weight is missing or not a
        number; a weight is negative; without ``weight``, the timestamps are not hourly (on the hour
        and exactly one hour apart).
    """
    missing = [c for c in ("timestamp", "outdoor_temp_c") if c not in series.columns]
    if missing:
        raise ValueError(f"the outdoor-temperature series needs the column(s) {', '.join(missing)}; "
                         f"it has {', '.join(map(str, series.columns)) or 'none'}")
    try:
        stamps = pd.to_datetime(series["timestamp"])
    except (ValueError, TypeError) as exc:
        raise ValueError(f"timestamp: not date-times ({exc})") from None
    if stamps.isna().any():
        raise ValueError(f"timestamp: missing at {_where(series, stamps.isna().to_numpy())}")
    out = pd.DataFrame({"timestamp": stamps.to_numpy(), "month": stamps.dt.month.to_numpy(),
                        "day": stamps.dt.day.to_numpy(), "hour": stamps.dt.hour.to_numpy()})
    out["outdoor_temp_c"] = _numbers(series, "outdoor_temp_c")
    if "weight" in series.columns:
        weight = _numbers(series, "weight")
        if (weight < 0).any():
            raise ValueError(f"weight: negative at {_where(series, weight < 0)}")
        out["weight"] = weight
    else:
        _check_hourly(stamps, series)
        out["weight"] = 1.0
    if _HUMIDITY_COLUMN in series.columns:
        out[_HUMIDITY_COLUMN] = _numbers(series, _HUMIDITY_COLUMN)
    return out


def _where(series: pd.DataFrame, mask: np.ndarray, limit: int = 10) -> str:
    """Where ``mask`` is true, as plain numbers: the file rows of the series' ``row`` column (header =
    row 1) when it has one (the loaded inputs do), else positions in the frame (first = 0).

    A guard only: the loader of ``outdoor_temperature.csv`` (``tables.hourly_series_problems``)
    reports these problems with the file, row and column before a model ever sees the series.
    """
    positions = [int(p) for p in np.flatnonzero(mask)]
    if "row" in series.columns:
        rows = [int(r) for r in series["row"].to_numpy()[positions]]
        label = "file row" if len(rows) == 1 else "file rows"
    else:
        rows, label = positions, ("position" if len(positions) == 1 else "positions")
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"{label} {', '.join(map(str, rows[:limit]))}{more}"


def _numbers(series: pd.DataFrame, name: str) -> np.ndarray:
    values = pd.to_numeric(series[name], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValueError(f"{name}: missing or not a number at {_where(series, bad)}")
    return values


def _check_hourly(stamps: pd.Series, series: pd.DataFrame) -> None:
    """Raise unless the timestamps are on the hour and exactly one hour apart (in order)."""
    off_hour = (stamps != stamps.dt.floor("h")).to_numpy()
    if off_hour.any():
        raise ValueError(f"timestamp: not on the hour at {_where(series, off_hour)}; "
                         "a non-hourly series needs a 'weight' column [h]")
    wrong = (stamps.diff() != pd.Timedelta(hours=1)).to_numpy().copy()
    wrong[:1] = False
    if wrong.any():
        raise ValueError(f"timestamp: not hourly (a step other than 1 h before {_where(series, wrong)}); "
                         "give an hourly series in time order, or a 'weight' column [h] for each row")


# --- model ---------------------------------------------------------------------------------------

def ventilation_loads(series: pd.DataFrame, conditions: SimulationConditions) -> pd.DataFrame:
    """Hourly ventilation loads without heat exchange, summed over the operating rooms.

    Parameters
    ----------
    series : DataFrame
        Outdoor-temperature series (see :func:`validated_series`).
    conditions : SimulationConditions

    Returns
    -------
    DataFrame
        The validated series plus ``heating`` and ``cooling`` (in the period, bool),
        ``heating_load_kwh``, ``cooling_load_kwh`` [kWh heat, over the row's weight] and
        ``humidification_water_l`` [L] — all without heat exchange.

    Notes
    -----
    Per room r operating in the hour:
    :math:`Q = \\rho c_p \\dot V_r \\max(0, \\Delta T) w / 3600` [kWh], with
    :math:`\\Delta T = T_{set,heat} - T_{out}` in the heating period and
    :math:`T_{out} - T_{set,cool}` in the cooling period; humidification water
    :math:`\\rho \\dot V_r \\max(0, x_{target} - x_{out}) w / 1000` [L] in the heating period.
    """
    out = validated_series(series)
    rho = conditions.air_density.m_as("kg / m**3")
    cp = conditions.specific_heat.m_as("kJ / kg / K")
    temp = out["outdoor_temp_c"].to_numpy()
    weight = out["weight"].to_numpy()
    heating = conditions.heating_period.contains(out["month"], out["day"])
    cooling = conditions.cooling_period.contains(out["month"], out["day"])
    heat_dt = np.where(heating, np.maximum(0.0, conditions.heating_set_point.m_as("degC") - temp), 0.0)
    cool_dt = np.where(cooling, np.maximum(0.0, temp - conditions.cooling_set_point.m_as("degC")), 0.0)
    humidity_dx = _humidity_deficit(out, conditions, heating)
    airflow = np.zeros(len(out))  # m3/h of the rooms operating in each row's hour
    for room in conditions.rooms:
        airflow += np.where(room.operating(out["hour"]), room.airflow.m_as("m**3 / h"), 0.0)
    out["heating"] = heating
    out["cooling"] = cooling
    out["heating_load_kwh"] = rho * cp * airflow * heat_dt * weight / _KJ_PER_KWH
    out["cooling_load_kwh"] = rho * cp * airflow * cool_dt * weight / _KJ_PER_KWH
    out["humidification_water_l"] = rho * airflow * humidity_dx * weight / 1000.0
    return out


def _humidity_deficit(series: pd.DataFrame, conditions: SimulationConditions, heating: np.ndarray) -> np.ndarray:
    """g water / kg air to add in the heating period; zeros without humidity data or target."""
    if conditions.humidification_target is None or _HUMIDITY_COLUMN not in series.columns:
        return np.zeros(len(series))
    target = conditions.humidification_target.m_as("g / kg")
    return np.where(heating, np.maximum(0.0, target - series[_HUMIDITY_COLUMN].to_numpy()), 0.0)


def hourly_energy(loads: pd.DataFrame, conditions: SimulationConditions, heat_exchange: bool) -> pd.DataFrame:
    """Energy of each row for one configuration, from :func:`ventilation_loads`.

    Parameters
    ----------
    loads : DataFrame
        From :func:`ventilation_loads` (loads without heat exchange).
    conditions : SimulationConditions
    heat_exchange : bool
        False: 4 plain fans, full loads. True: 2 heat-exchange units, loads × (1 − η), water × (1 − η_x).

    Returns
    -------
    DataFrame
        ``heating_load_kwh, cooling_load_kwh`` [kWh heat] of the configuration, ``ac_kwh`` (heat
        pump, electricity), ``boiler_kwh`` (kerosene heat content), ``humidifier_kwh``,
        ``fans_kwh`` (electricity) and ``total_kwh``, indexed like ``loads``.

    Notes
    -----
    :math:`AC = ((1-s) Q_{heat} + Q_{cool}) / APF`; :math:`B = s Q_{heat} / COP_b`;
    :math:`H = W \\, e_{hum}`; :math:`F = n P w`.
    """
    c = conditions
    load_factor = 1.0 - c.exchange_efficiency if heat_exchange else 1.0
    water_factor = 1.0 - c.moisture_exchange_efficiency if heat_exchange else 1.0
    if heat_exchange:
        fans, power = c.heat_exchange_units, c.heat_exchange_unit_power
    else:
        fans, power = c.plain_fans, c.plain_fan_power
    heat = loads["heating_load_kwh"].to_numpy() * load_factor
    cool = loads["cooling_load_kwh"].to_numpy() * load_factor
    out = pd.DataFrame(index=loads.index)
    out["heating_load_kwh"] = heat
    out["cooling_load_kwh"] = cool
    out["ac_kwh"] = ((1.0 - c.boiler_heating_share) * heat + cool) / c.apf
    out["boiler_kwh"] = c.boiler_heating_share * heat / c.boiler_cop
    water = loads["humidification_water_l"].to_numpy() * water_factor
    out["humidifier_kwh"] = water * c.humidifier_energy.m_as("kWh / L")
    out["fans_kwh"] = fans * power.m_as("kW") * loads["weight"].to_numpy()
    out["total_kwh"] = out[["ac_kwh", "boiler_kwh", "humidifier_kwh", "fans_kwh"]].sum(axis=1)
    return out


_PARTS = ("heating_load_kwh", "cooling_load_kwh", "ac_kwh", "boiler_kwh", "humidifier_kwh", "fans_kwh", "total_kwh")


@dataclass(frozen=True, eq=False)
class VentilationResult:
    """Result of :func:`simulate_ventilation`, per dwelling; sums over the series read as one year.

    Attributes
    ----------
    energy_without : Quantity
        Energy without heat exchange: AC + boiler + humidifier + 4 plain fans [kWh/year].
    air_conditioning_without : Quantity
        Its air-conditioning equipment alone, AC + boiler + humidifier (the standard's "(空調)")
        [kWh/year].
    energy_with : Quantity
        Energy with heat exchange: the same terms with 2 heat-exchange units [kWh/year].
    air_conditioning_with : Quantity
        [kWh/year].
    fans_without, fans_with : Quantity
        Energy of the 4 plain fans and of the 2 heat-exchange units [kWh/year].
    saving : Quantity
        ``energy_without - energy_with``, fans included [kWh/year].
    air_conditioning_saving : Quantity
        ``air_conditioning_without - air_conditioning_with`` [kWh/year].
    saving_percent : Quantity
        ``saving / energy_without`` [percent], fans included; NaN if ``energy_without`` is 0. A
        description of the model, not a factor of ※5 (see :func:`saving_share`).
    cost_without, cost_with, cost_saving : Quantity
        At the standard's prices [JPY/year].
    covered_hours : Quantity
        Σ weights of the series [h]: 8,760 (8,784) when it covers one year.
    components : DataFrame
        Index ``heating_load_kwh, cooling_load_kwh, ac_kwh, boiler_kwh, humidifier_kwh, fans_kwh,
        total_kwh``; columns ``without_kwh, with_kwh, saving_kwh`` [kWh/year] (loads are heat,
        not energy use, and are not in the total).
    monthly : DataFrame
        Index month 1–12; columns ``hours`` and each component ``<part>_without`` and
        ``<part>_with`` [kWh], for the chart.
    """

    energy_without: pint.Quantity
    air_conditioning_without: pint.Quantity
    energy_with: pint.Quantity
    air_conditioning_with: pint.Quantity
    fans_without: pint.Quantity
    fans_with: pint.Quantity
    saving: pint.Quantity
    air_conditioning_saving: pint.Quantity
    saving_percent: pint.Quantity
    cost_without: pint.Quantity
    cost_with: pint.Quantity
    cost_saving: pint.Quantity
    covered_hours: pint.Quantity
    components: pd.DataFrame
    monthly: pd.DataFrame


def _cost(energy: pd.DataFrame, conditions: SimulationConditions) -> pint.Quantity:
    """Annual cost [JPY/year]: electricity (AC, humidifier, fans) and kerosene (boiler)."""
    electricity = Quantity(float(energy[["ac_kwh", "humidifier_kwh", "fans_kwh"]].to_numpy().sum()), "kWh / year")
    kerosene = Quantity(float(energy["boiler_kwh"].sum()), "kWh / year") / conditions.kerosene_heating_value
    return (electricity * conditions.electricity_price + kerosene * conditions.kerosene_price).to("JPY / year")


def _monthly(loads: pd.DataFrame, without: pd.DataFrame, with_hx: pd.DataFrame) -> pd.DataFrame:
    months = pd.Index(range(1, 13), name="month")
    table = pd.DataFrame(index=months)
    table["hours"] = loads.groupby("month")["weight"].sum().reindex(months, fill_value=0.0)
    for suffix, energy in (("without", without), ("with", with_hx)):
        sums = energy.groupby(loads["month"].to_numpy()).sum().reindex(months, fill_value=0.0)
        for part in _PARTS:
            table[f"{part}_{suffix}"] = sums[part].to_numpy()
    return table


def simulate_ventilation(series: pd.DataFrame, conditions: SimulationConditions) -> VentilationResult:
    """Annual energy of a dwelling's ventilation with and without heat exchange, and the saving.

    Parameters
    ----------
    series : DataFrame
        ``timestamp`` [datetime64], ``outdoor_temp_c`` [°C], optional ``weight`` [h] and
        ``outdoor_abs_humidity_g_per_kg`` [g/kg]; hourly, or weighted typical days, for one year.
    conditions : SimulationConditions
        The standard's simulation conditions and this model's parameters.

    Returns
    -------
    VentilationResult
        The energies of one dwelling with and without heat exchange [kWh/year]; ※5's two factors
        are ``air_conditioning_without`` and :func:`saving_share` of this result.

    Raises
    ------
    ValueError
        For an invalid series (see :func:`validated_series`).

    Notes
    -----
    :math:`E = \\sum_h (AC_h + B_h + H_h + F_h)` for each configuration,
    :math:`s_{hx} = (E_{without} - E_{with}) / E_{without}`. Standard [1]_ ※5 and its 別表.
    """
    loads = ventilation_loads(series, conditions)
    without = hourly_energy(loads, conditions, heat_exchange=False)
    with_hx = hourly_energy(loads, conditions, heat_exchange=True)
    components = pd.DataFrame({"without_kwh": without[list(_PARTS)].sum(), "with_kwh": with_hx[list(_PARTS)].sum()})
    components["saving_kwh"] = components["without_kwh"] - components["with_kwh"]

    def per_year(value: float) -> pint.Quantity:
        return Quantity(float(value), "kWh / year")

    def air_conditioning(column: str) -> pint.Quantity:
        return per_year(components.loc[["ac_kwh", "boiler_kwh", "humidifier_kwh"], column].sum())

    e_without = per_year(components.loc["total_kwh", "without_kwh"])
    e_with = per_year(components.loc["total_kwh", "with_kwh"])
    saving = e_without - e_with
    percent = saving.m_as("kWh / year") / e_without.m_as("kWh / year") * 100 if e_without.magnitude > 0 else math.nan
    cost_without, cost_with = _cost(without, conditions), _cost(with_hx, conditions)
    ac_without, ac_with = air_conditioning("without_kwh"), air_conditioning("with_kwh")
    return VentilationResult(
        energy_without=e_without,
        air_conditioning_without=ac_without,
        energy_with=e_with,
        air_conditioning_with=ac_with,
        fans_without=per_year(components.loc["fans_kwh", "without_kwh"]),
        fans_with=per_year(components.loc["fans_kwh", "with_kwh"]),
        saving=saving,
        air_conditioning_saving=ac_without - ac_with,
        saving_percent=Quantity(percent, "percent"),
        cost_without=cost_without,
        cost_with=cost_with,
        cost_saving=cost_without - cost_with,
        covered_hours=Quantity(float(loads["weight"].sum()), "h"),
        components=components,
        monthly=_monthly(loads, without, with_hx),
    )


# --- the standard's formula ----------------------------------------------------------------------

#: The readings of the fans' power in ※5's saving: the air-conditioning equipment's saving alone, or
#: that saving plus the difference of the fans' own energy (see the module notes).
FAN_ENERGY_READINGS = ("excluded", "netted")


def saving_share(result: VentilationResult, fan_energy: str) -> pint.Quantity:
    """The saving from heat exchange of ※5, as a share of the air conditioning without it.

    Parameters
    ----------
    result : VentilationResult
        One simulated dwelling (:func:`simulate_ventilation`).
    fan_energy : str
        ``"excluded"``: the air-conditioning equipment's saving alone; ``"netted"``: plus the
        difference of the fans' energy (:data:`FAN_ENERGY_READINGS`).

    Returns
    -------
    Quantity
        :math:`s` [percent]; NaN when the air conditioning without heat exchange is 0.

    Notes
    -----
    ``excluded``: :math:`s = (AC_{without} - AC_{with}) / AC_{without}`;
    ``netted``: :math:`s = \\big((AC_{without} + F_{without}) - (AC_{with} + F_{with})\\big) / AC_{without}`.
    Either way :math:`AC_{without} \\times s` is the dwelling's annual saving under the reading.
    Standard [1]_ ※5: 熱交換システム導入による省エネ効果.
    """
    if fan_energy not in FAN_ENERGY_READINGS:
        raise ValueError(f"fan_energy {fan_energy!r}: expected one of {', '.join(FAN_ENERGY_READINGS)}")
    saved = result.air_conditioning_saving
    if fan_energy == "netted":
        saved = saved + result.fans_without - result.fans_with
    base = result.air_conditioning_without.m_as("kWh / year")
    share = saved.m_as("kWh / year") / base * 100 if base > 0 else math.nan
    return Quantity(share, "percent")


def dwellings_fitted(units_shipped: pint.Quantity, units_per_dwelling: pint.Quantity) -> pint.Quantity:
    """Dwellings fitted with the units shipped: the N of ※5 read per simulated dwelling.

    Parameters
    ----------
    units_shipped : Quantity
        Heat-exchange units shipped in the fiscal year [count].
    units_per_dwelling : Quantity
        Units fitted in the simulated dwelling [count] (the 別表: FY-12VBD2SCL × 2台).

    Returns
    -------
    Quantity
        :math:`N = U / u` [count]; not rounded (an odd unit counts as half a dwelling).
    """
    return (units_shipped / units_per_dwelling).to("count")


def heat_exchange_avoided_emissions(air_conditioning_without: pint.Quantity, saving: pint.Quantity,
                                    lifetime_years: pint.Quantity, dwellings: pint.Quantity,
                                    emission_factor: pint.Quantity) -> pint.Quantity:
    """Avoided emissions of heat-exchange ventilation (CO2-03.7, standard ※5).

    Parameters
    ----------
    air_conditioning_without : Quantity
        Equipment energy use of the air conditioning without heat exchange, per dwelling
        [kWh/year] (:attr:`VentilationResult.air_conditioning_without`).
    saving : Quantity
        Saving from heat exchange, as a share of it [percent] (:func:`saving_share`).
    lifetime_years : Quantity
        Product lifetime [year] (the standard: 10 y).
    dwellings : Quantity
        Dwellings fitted with the units shipped in the fiscal year [count] (:func:`dwellings_fitted`).
    emission_factor : Quantity
        [kg CO2/kWh] (Japan 0.410).

    Returns
    -------
    Quantity
        [t CO2].

    Notes
    -----
    :math:`AE = AC_{without} \\times s \\times L \\times N \\times EF`. Reference scenario: the same
    dwelling ventilated by plain fans. Standard [1]_ row 商品による間接的なCO2削減貢献量, ※5.
    """
    return (air_conditioning_without * saving * lifetime_years * dwellings * emission_factor).to("t CO2")


def fan_power_sentence(conditions: SimulationConditions, result: VentilationResult) -> str:
    """The two sets of fans compared, in words generated from their parameters and energies.

    E.g. "Without heat exchange 4 plain fans of 8 W draw 32 W together (280.3 kWh a year); with it
    2 heat-exchange units of 12 W draw 24 W (210.2 kWh a year): 8 W less, 70.1 kWh a year less."
    """
    plain = conditions.plain_fans * conditions.plain_fan_power.to("W")
    units = conditions.heat_exchange_units * conditions.heat_exchange_unit_power.to("W")
    difference = (units - plain).m_as("W")
    energy = (result.fans_with - result.fans_without).m_as("kWh / year")
    if difference == 0:
        change = "the same power"
    else:
        word = "more" if difference > 0 else "less"
        change = f"{abs(difference):,.4g} W {word}, {abs(energy):,.1f} kWh a year {word}"
    return (f"Without heat exchange {conditions.plain_fans} plain fans of {conditions.plain_fan_power.m_as('W'):,.4g} W "
            f"draw {plain.m_as('W'):,.4g} W together ({result.fans_without.m_as('kWh / year'):,.1f} kWh a year); "
            f"with it {conditions.heat_exchange_units} heat-exchange units of "
            f"{conditions.heat_exchange_unit_power.m_as('W'):,.4g} W draw {units.m_as('W'):,.4g} W "
            f"({result.fans_with.m_as('kWh / year'):,.1f} kWh a year): {change}.")


# --- from the parameters, and per input row ------------------------------------------------------

def _period(text: str) -> Period:
    """``"11-06/04-13"`` → ``Period(11, 6, 4, 13)``."""
    try:
        start, end = text.split("/")
        (start_month, start_day), (end_month, end_day) = (map(int, part.split("-")) for part in (start, end))
    except ValueError:
        raise ValueError(f"period {text!r}: expected MM-DD/MM-DD, e.g. 11-06/04-13") from None
    return Period(start_month, start_day, end_month, end_day)


def conditions_from_parameters(hx: HeatExchange) -> SimulationConditions:
    """The simulation conditions of the fiscal year's parameters (``avoided_emissions.heat_exchange``).

    Every condition is taken from the parameters (none from this module's defaults), so that each
    value the report uses is shown with its source.
    """
    return SimulationConditions(
        rooms=(Room("LD", hx.ld_airflow.quantity, int(hx.ld_start_hour.value), int(hx.ld_hours.value)),
               Room("private rooms", hx.private_airflow.quantity, int(hx.private_start_hour.value),
                    int(hx.private_hours.value))),
        exchange_efficiency=hx.exchange_efficiency.quantity.m_as(""),
        plain_fan_power=hx.plain_fan_power.quantity,
        heat_exchange_unit_power=hx.heat_exchange_unit_power.quantity,
        heating_period=_period(str(hx.heating_period.value)),
        cooling_period=_period(str(hx.cooling_period.value)),
        heating_set_point=hx.heating_set_point.quantity,
        cooling_set_point=hx.cooling_set_point.quantity,
        apf=hx.apf.quantity.m_as(""),
        boiler_cop=hx.boiler_cop.quantity.m_as(""),
        boiler_heating_share=hx.boiler_heating_share.quantity.m_as(""),
        humidifier_energy=hx.humidifier_energy.quantity,
        plain_fans=int(hx.plain_fans.value),
        heat_exchange_units=int(hx.heat_exchange_units.value),
        air_density=hx.air_density.quantity,
        specific_heat=hx.specific_heat.quantity,
        electricity_price=hx.electricity_price.quantity,
        kerosene_price=hx.kerosene_price.quantity,
        kerosene_heating_value=hx.kerosene_heating_value.quantity,
    )


def heat_exchange_table(rows: pd.DataFrame, result: VentilationResult, hx: HeatExchange) -> pd.DataFrame:
    """CO2-03.7 for every product row: AC energy × saving × lifetime × dwellings × EF.

    Parameters
    ----------
    rows : DataFrame
        Validated rows ``row, product, units_shipped`` (``tables.HEAT_EXCHANGE``).
    result : VentilationResult
        The dwelling simulation (:func:`simulate_ventilation`).
    hx : HeatExchange
        Lifetime, emission factor, units per dwelling (``heat_exchange_units``) and the reading of
        the fans (``fan_energy``).

    Returns
    -------
    DataFrame
        The input columns plus ``dwellings`` [count], ``air_conditioning_without`` and ``saving``
        (text with unit), ``lifetime``, ``emission_factor`` (text) and ``co2_t`` [t CO2].
    """
    return _heat_exchange_rows(rows, result, hx, str(hx.fan_energy.value), hx.heat_exchange_units.quantity)


def _heat_exchange_rows(rows: pd.DataFrame, result: VentilationResult, hx: HeatExchange, fan_energy: str,
                        units_per_dwelling: pint.Quantity) -> pd.DataFrame:
    share = saving_share(result, fan_energy)
    dwellings = [dwellings_fitted(Quantity(float(units), "count"), units_per_dwelling) for units in rows["units_shipped"]]
    out = rows.copy()
    out["dwellings"] = np.array([d.m_as("count") for d in dwellings], dtype=float)
    out["air_conditioning_without"] = quantity_text(result.air_conditioning_without.to("kWh / year"))
    out["saving"] = quantity_text(share)
    out["lifetime"] = hx.lifetime.text
    out["emission_factor"] = hx.emission_factor.text
    out["co2_t"] = np.array([
        heat_exchange_avoided_emissions(result.air_conditioning_without, share, hx.lifetime.quantity, d,
                                        hx.emission_factor.quantity).m_as("t CO2")
        for d in dwellings
    ], dtype=float)
    return out


def heat_exchange_readings(rows: pd.DataFrame, result: VentilationResult, hx: HeatExchange) -> pd.DataFrame:
    """The line's total under the readings taken and under each other reading, one change at a time.

    Returns
    -------
    DataFrame
        ``reading`` (what is read how), ``co2_t`` [t CO2] and ``difference_t`` [t CO2] from the
        readings taken (first row).
    """
    fan_energy = str(hx.fan_energy.value)
    other_fans = next(r for r in FAN_ENERGY_READINGS if r != fan_energy)
    per_dwelling = hx.heat_exchange_units.quantity
    cases = [
        (f"as taken: fans' energy {fan_energy}, {per_dwelling.m_as('count'):g} units per dwelling", fan_energy, per_dwelling),
        (f"fans' energy {other_fans}", other_fans, per_dwelling),
        ("every unit shipped credited with a dwelling's saving", fan_energy, Quantity(1.0, "count")),
    ]
    totals = [float(_heat_exchange_rows(rows, result, hx, fans, units)["co2_t"].sum()) for _, fans, units in cases]
    return pd.DataFrame({"reading": [c[0] for c in cases], "co2_t": totals,
                         "difference_t": [t - totals[0] for t in totals]})


def reading_sentences(rows: pd.DataFrame, result: VentilationResult, hx: HeatExchange) -> dict[str, str]:
    """The readings of ※5 taken by the parameters, each a sentence generated from the figures.

    Returns
    -------
    dict
        Topic → sentence: the base (air conditioning), the fans' energy and the dwellings, each with
        the other reading's total from :func:`heat_exchange_readings`.
    """
    readings = heat_exchange_readings(rows, result, hx)
    taken, other_fans, per_unit = (float(t) for t in readings["co2_t"])
    fan_energy = str(hx.fan_energy.value)
    share = saving_share(result, fan_energy).m_as("percent")
    units = float(rows["units_shipped"].sum())
    per_dwelling = hx.heat_exchange_units.quantity.m_as("count")
    fans_saved = (result.fans_without - result.fans_with).m_as("kWh / year")
    if fan_energy == "excluded":
        fans = (f"The saving from heat exchange is read as the air-conditioning equipment's own saving, "
                f"{share:,.1f} % of its energy; the fans' difference ({fans_saved:,.1f} kWh a year per dwelling "
                f"saved) is not counted. Counting it would give {other_fans:,.1f} t CO2 ({other_fans - taken:+,.1f} t).")
    else:
        fans = (f"The saving from heat exchange is read as the air-conditioning equipment's saving plus the fans' "
                f"difference ({fans_saved:,.1f} kWh a year per dwelling saved): {share:,.1f} % of the air "
                f"conditioning's energy. Leaving the fans out would give {other_fans:,.1f} t CO2 "
                f"({other_fans - taken:+,.1f} t).")
    return {
        "CO2-03.7 base": (f"非熱交換システム使用時(空調)の機器エネルギー使用量 is read as the energy of the air-conditioning "
                          f"equipment alone ({result.air_conditioning_without.m_as('kWh / year'):,.1f} kWh a year per "
                          f"dwelling), without the ventilation fans ({result.fans_without.m_as('kWh / year'):,.1f} kWh a year)."),
        "CO2-03.7 fans' energy": fans,
        "CO2-03.7 units and dwellings": (
            f"当年度出荷台数 is turned into dwellings fitted: the 別表 simulates one dwelling with {per_dwelling:g} "
            f"units, so {units:,.0f} units shipped are {units / per_dwelling:,.1f} dwellings. Crediting every "
            f"unit with a dwelling's saving would give {per_unit:,.1f} t CO2 ({per_unit - taken:+,.1f} t)."),
    }


# --- sample series -------------------------------------------------------------------------------

def typical_day_series_from_monthly_means(monthly_means_c: dict[int, float], year: int,
                                          diurnal_amplitude_c: float = 0.0) -> pd.DataFrame:
    """An hourly series for a whole year built from twelve monthly mean temperatures.

    An approximation for a sample (e.g. JMA Tokyo normals 1991–2020,
    :data:`TOKYO_MONTHLY_MEAN_1991_2020`), not a weather data set: every day of a month is the same,
    with no day-to-day variation, so it underestimates the hours far from the mean (and so the
    loads, which are not linear in temperature) compared with extended-AMeDAS hourly data.

    Parameters
    ----------
    monthly_means_c : dict of int to float
        Month (1–12) → mean air temperature [°C]; all twelve months.
    year : int
        Calendar year of the timestamps (a leap year gives 8,784 rows, otherwise 8,760).
    diurnal_amplitude_c : float
        Half the daily range [K]: each hour is ``mean + A × cos(2π (hour − 14) / 24)``, highest at
        14:00, lowest at 02:00. Default 0 gives the flat monthly mean.

    Returns
    -------
    DataFrame
        ``timestamp`` (hourly, local start of the hour) and ``outdoor_temp_c`` [°C].

    Notes
    -----
    The cosine sums to zero over the 24 hours of a day, so every day's mean — and every month's
    mean — equals the given monthly mean for any amplitude.
    """
    if sorted(monthly_means_c) != list(range(1, 13)):
        raise ValueError(f"monthly_means_c needs the months 1–12 exactly, got {sorted(monthly_means_c)}")
    stamps = pd.date_range(f"{year}-01-01 00:00", f"{year}-12-31 23:00", freq="h")
    means = stamps.month.map(lambda m: float(monthly_means_c[m])).to_numpy(dtype=float)
    swing = diurnal_amplitude_c * np.cos(2 * np.pi * (stamps.hour.to_numpy() - 14) / 24)
    return pd.DataFrame({"timestamp": stamps, "outdoor_temp_c": means + swing})
