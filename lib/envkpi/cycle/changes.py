"""The yearly cycle: what changed since last year, and must last year's figures be restated?

The workbook is rerun every year with new parameters and data. Before anything else the reporting
team and the auditor ask *what changed?*:

* which factors and assumptions moved since last year — :func:`parameter_diff` compares two
  fiscal years' :class:`~envkpi.core.parameters.Parameters` key path by key path, and
  :func:`isolatable` picks the changes whose effect a rerun with that one value reverted can show;
* which results moved, and whether each large move is explained by an explanation that states that
  change — :func:`year_on_year`, :func:`unexplained`, :func:`covers`, :func:`explanation_table`,
  :func:`mismatched_explanations`;
* whether last year's published numbers must be restated — :func:`restatement` (published versus
  recomputed, with a significance threshold) and :func:`results_equal` (does a rerun reproduce the
  published year at all?);
* whether this year's results hold together — :func:`reconciliations`, returned as
  :class:`~envkpi.core.results.Check` rows for the report.

Every function is pure: it reads its arguments and returns a value; nothing is written or printed.

Conventions
-----------
A *headline* row is a result row with ``breakdown == ""``; a year has at most one per indicator.
Relative changes are taken against the magnitude of the reference value,
:math:`100 \\times (x_{new} - x_{old}) / |x_{old}|` in percent, so the sign always gives the
direction; they are NaN when the reference is zero or missing. A threshold is a pint quantity of
dimension one (``Quantity(10, "percent")``) or a :class:`~envkpi.core.parameters.Param` in such a unit
(``params.changes.flag_threshold``); a change is *over* the threshold when its magnitude is
strictly greater.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pint
from pydantic import BaseModel

from envkpi.core.catalogue import catalogue
from envkpi.core.family import BreakdownSum, Identity, MoveTogether
from envkpi.core.parameters import Exclusion, Explanation, Param, Parameters, Sourced
from envkpi.core.results import Check, ResultRow
from envkpi.core.units import parse_unit, ureg
from envkpi.families import families, section_families

__all__ = [
    "GENERAL_SECTIONS",
    "family_of_section",
    "GENERAL",
    "DIFF_COLUMNS",
    "YEAR_ON_YEAR_COLUMNS",
    "RESTATEMENT_COLUMNS",
    "family_of",
    "parameter_diff",
    "isolatable",
    "year_on_year",
    "unexplained",
    "unexplained_changes",
    "explanation_column",
    "covers",
    "EXPLANATION_COLUMNS",
    "explanation_table",
    "mismatched_explanations",
    "restatement",
    "results_equal",
    "differing_indicators",
    "reconciliations",
]

#: The family of the changes that apply to every report (the standard, the organisation, …).
GENERAL = "general"

#: Top-level keys of the parameters that apply to every report.
GENERAL_SECTIONS = ("standard", "organisation", "fiscal_year_start_month", "changes", "explanations", "what_changed",
                    "restatement_reason", "inputs")


def family_of_section() -> dict[str, str]:
    """Top-level key (or key path) of the parameters → the families whose results it can move, named
    together when several read it (e.g. ``"<a>, <b>"``), or :data:`GENERAL`: each family's own section and
    what its declaration ``reads`` (:func:`envkpi.families.section_families`). A key path under a section
    belongs to the families of the section and of every key path above it (:func:`family_of`)."""
    found = {section: ", ".join(names) for section, names in section_families().items()}
    return {**found, **{section: GENERAL for section in GENERAL_SECTIONS}}


#: Keys that are not parameters of the method: the year itself, the file chain, the explanations of
#: this year's changes (they are compared with the results, not with last year's file) and the year's
#: statement of what changed (a statement about the diff, not a part of it), why the year is restated, and how
#: the year's input files are read (``inputs``: their encodings, which change the bytes read, not the method).
_IGNORED_SECTIONS = frozenset({"fiscal_year", "extends", "explanations", "what_changed", "restatement_reason",
                               "inputs"})
#: Fields that never make a change: the marker of ``envkpi new-year`` and free-text notes.
_IGNORED_FIELDS = frozenset({"carried_over_from", "note"})

DIFF_COLUMNS = ("family", "path", "change", "old_value", "old_unit", "old_source", "new_value", "new_unit",
                "new_source", "numeric", "old_confidence", "new_confidence")
YEAR_ON_YEAR_COLUMNS = ("indicator_id", "name_en", "unit", "this_year", "last_year", "change", "change_percent",
                        "threshold_percent", "flagged")
RESTATEMENT_COLUMNS = ("indicator_id", "unit", "published", "restated", "difference", "difference_percent",
                       "significant", "identical")

_SECTION = re.compile(r"[.\[]")


def family_of(path: str) -> str:
    """The indicator family a parameter key path belongs to, by its top-level key.

    Parameters
    ----------
    path : str
        A key path as written by :func:`parameter_diff` or :meth:`Parameters.flat`, e.g.
        ``"<family>.<group>.lifetime"`` or ``"boundary.excluded_entities[Costa Mirrors S.A.]"``.

    Returns
    -------
    str
        A family's name, several joined by ", " (a shared section that several read) or
        ``"general"``; see :func:`family_of_section`.

    Raises
    ------
    KeyError
        When no family reads the top-level key and it is not general (a new shared section of the
        parameters must be named in the ``reads`` of the families it moves).
    """
    section = _SECTION.split(path, maxsplit=1)[0]
    if section in GENERAL_SECTIONS:
        return GENERAL
    order = {family.name: number for number, family in enumerate(families())}
    readers = {name for key, names in section_families().items() if _under(path, key) for name in names}
    if not readers:
        raise KeyError(f"{path}: top-level key {section!r} is read by no family (a family's declaration names the "
                       f"shared sections it reads)")
    return ", ".join(sorted(readers, key=order.__getitem__))


def _under(path: str, key: str) -> bool:
    """Whether the key path ``path`` is ``key`` or lies under it (``a.b`` is under ``a``, ``a.b[x]`` under ``a.b``)."""
    return path == key or path.startswith((f"{key}.", f"{key}["))


# --- parameters ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Entry:
    """One comparable item of a parameter set."""

    kind: str  # "param", "sourced", "exclusion" or "text"
    value: Any
    unit: str | None
    source: str
    confidence: str | None
    item: Any = None  # the Param, for unit-aware comparison


def _entry(item: Param | Sourced | Exclusion) -> _Entry:
    if isinstance(item, Param):
        confidence = item.confidence.value if item.confidence is not None else None
        return _Entry("param", item.value, item.unit, item.source, confidence, item)
    if isinstance(item, Exclusion):
        return _Entry("exclusion", f"{item.name} — {item.reason}", "", item.source, None)
    return _Entry("sourced", item.value, "", item.source, None)


def _entries(params: Parameters) -> dict[str, _Entry]:
    """Every comparable item of ``params`` by key path (see :func:`parameter_diff`)."""
    found: dict[str, _Entry] = {}
    for name in type(params).model_fields:
        if name not in _IGNORED_SECTIONS:
            for path, entry in _walk(getattr(params, name), name, ""):
                found[path] = entry
    return found


def _walk(node: Any, path: str, source: str) -> Iterator[tuple[str, _Entry]]:
    """Like :meth:`Parameters.flat`, and also the plain text of models (a title, a name, a description),
    with the ``source`` of the model that holds them; exclusions are keyed by name, not position."""
    if node is None:
        return
    if isinstance(node, (Param, Sourced, Exclusion)):
        yield path, _entry(node)
    elif isinstance(node, list):
        seen: dict[str, int] = defaultdict(int)
        for number, item in enumerate(node):
            if isinstance(item, Exclusion):
                seen[item.name] += 1
                key = item.name if seen[item.name] == 1 else f"{item.name} ({seen[item.name]})"
                yield from _walk(item, f"{path}[{key}]", source)
            else:
                yield from _walk(item, f"{path}[{number}]", source)
    elif isinstance(node, BaseModel):
        fields = [f for f in type(node).model_fields if f not in _IGNORED_FIELDS]
        own_source = getattr(node, "source", None) if "source" in fields else None
        model_source = own_source if isinstance(own_source, str) else source
        texts = 0
        for name in fields:
            if name == "source" and own_source is not None:
                continue
            value = getattr(node, name)
            child = f"{path}.{name}"
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                texts += 1
                yield child, _Entry("text", value, "", model_source, None)
            else:
                yield from _walk(value, child, model_source)
        if own_source is not None and texts == 0:
            # a model whose only text is its source (a GWP set): the source stands for the model itself
            yield path, _Entry("text", None, "", own_source, None)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}", source)
    elif isinstance(node, (str, int, float)) and not isinstance(node, bool):
        yield path, _Entry("text", node, "", source, None)


def _same_value(old: _Entry, new: _Entry) -> bool:
    if old.kind != new.kind:
        return False
    if old.kind != "param" or old.unit == new.unit:
        return old.value == new.value
    try:
        converted = new.item.quantity.m_as(old.item.quantity.units)
    except pint.DimensionalityError:
        return False
    return math.isclose(converted, old.value, rel_tol=1e-12, abs_tol=0.0)


def _diff_row(path: str, change: str, old: _Entry | None, new: _Entry | None) -> dict:
    present = [e for e in (old, new) if e is not None]
    row = {"family": family_of(path), "path": path, "change": change}
    for side, entry in (("old", old), ("new", new)):
        row[f"{side}_value"] = entry.value if entry else None
        row[f"{side}_unit"] = entry.unit if entry else None
        row[f"{side}_source"] = entry.source if entry else None
        row[f"{side}_confidence"] = entry.confidence if entry else None
    row["numeric"] = all(e.kind == "param" for e in present)
    return row


def parameter_diff(old: Parameters, new: Parameters) -> pd.DataFrame:
    """What moved between two parameter sets (last year's and this year's), key path by key path.

    Compared are every :class:`~envkpi.core.parameters.Param` (value, unit, source, confidence), every
    :class:`~envkpi.core.parameters.Sourced` (text or integer and source), every
    :class:`~envkpi.core.parameters.Exclusion` of the boundary (matched by name, so a reordered list is no
    change; path ``boundary.excluded_entities[<name>]``, value ``"<name> — <reason>"``) and the plain
    text of the models (``standard.edition``, ``boundary.description``, a fuel's name …, with the
    ``source`` of the model that holds it, e.g. ``standard.source``). Not compared: ``fiscal_year``,
    ``extends``, ``explanations``, ``what_changed``, the ``carried_over_from`` marker and free-text
    ``note`` fields.

    Parameters
    ----------
    old, new : Parameters
        Last year's and this year's parameters.

    Returns
    -------
    DataFrame
        One row per key path that was added, removed or changed, sorted by family then path, with
        the columns of :data:`DIFF_COLUMNS`:

        ``family``
            :func:`family_of` the path.
        ``change``
            ``"added"``, ``"removed"``, ``"value changed"`` (value or unit; wins over a source
            change) or ``"source changed"`` (source or confidence only).
        ``old_value, old_unit, old_source, new_value, new_unit, new_source``
            As written in each file; ``None`` on the side where the path is absent; unit ``""``
            for a non-numeric item.
        ``numeric``
            True when the item is a :class:`Param` (on every side where it is present).
        ``old_confidence, new_confidence``
            Confidence labels of a Param, else ``None``.

    Notes
    -----
    Param values in different units are compared in the old unit: ``1.5 MWh`` and ``1500 kWh``
    are the same value (equal to a relative 1e-12, to absorb the rounding of the conversion).
    Values in units of different dimensions always differ.
    """
    before, after = _entries(old), _entries(new)
    rows = []
    for path in before.keys() | after.keys():
        was, now = before.get(path), after.get(path)
        if was is None:
            rows.append(_diff_row(path, "added", None, now))
        elif now is None:
            rows.append(_diff_row(path, "removed", was, None))
        elif not _same_value(was, now):
            rows.append(_diff_row(path, "value changed", was, now))
        elif (was.source, was.confidence) != (now.source, now.confidence):
            rows.append(_diff_row(path, "source changed", was, now))
    table = pd.DataFrame(rows, columns=list(DIFF_COLUMNS))
    table["numeric"] = table["numeric"].astype(bool)
    for column in DIFF_COLUMNS[3:9] + DIFF_COLUMNS[10:]:
        # pandas reads a missing side as NaN; keep None (no parameter value is ever NaN)
        values = table[column].astype(object)
        table[column] = values.where(values.notna(), None)
    return table.sort_values(["family", "path"], kind="stable").reset_index(drop=True)


def isolatable(diff: pd.DataFrame) -> pd.DataFrame:
    """The changes whose effect a rerun with that one value reverted isolates.

    Parameters
    ----------
    diff : DataFrame
        A table of :func:`parameter_diff`.

    Returns
    -------
    DataFrame
        The rows with ``change == "value changed"`` of a numeric parameter (a :class:`Param` on
        both sides) of a family other than ``"general"``; index renumbered from 0.
    """
    keep = (diff["change"] == "value changed") & diff["numeric"].astype(bool) & (diff["family"] != GENERAL)
    return diff[keep].reset_index(drop=True)


# --- results -------------------------------------------------------------------------------------

def _percent(threshold: pint.Quantity | Param) -> float:
    """A threshold in percent (a pint quantity of dimension one, or a Param such as ``flag_threshold``)."""
    quantity = threshold.quantity if isinstance(threshold, Param) else threshold
    if not isinstance(quantity, pint.Quantity):
        raise TypeError(f"a threshold must be a quantity with its unit, e.g. Quantity(10, 'percent'); "
                        f"got {threshold!r}")
    return float(quantity.m_as("percent"))


def _headlines(rows: Iterable[ResultRow], what: str) -> dict[str, ResultRow]:
    heads: dict[str, ResultRow] = {}
    for row in rows:
        if row.breakdown == "":
            if row.indicator_id in heads:
                raise ValueError(f"{what}: {row.indicator_id} has more than one headline value "
                                 f"(FY{heads[row.indicator_id].fiscal_year} and FY{row.fiscal_year})")
            heads[row.indicator_id] = row
    return heads


def _convert(value: float, unit: str, to: str, indicator_id: str) -> float:
    if unit == to:
        return float(value)
    try:
        return float(ureg.Quantity(value, parse_unit(unit)).m_as(parse_unit(to)))
    except pint.DimensionalityError:
        raise ValueError(f"{indicator_id}: {unit!r} cannot be converted to {to!r}") from None


def _catalogue_order(ids: Iterable[str]) -> list[str]:
    position = {entry.id: number for number, entry in enumerate(catalogue())}
    return sorted(set(ids), key=lambda i: (position.get(i, len(position)), i))


def _relative_percent(new: float, old: float) -> float:
    """``100 (new − old) / |old|``; NaN when ``old`` is zero or either value is missing."""
    if old == 0 or math.isnan(old) or math.isnan(new):
        return math.nan
    return 100.0 * (new - old) / abs(old)


def _over(new: float, old: float, percent: float, threshold: float) -> bool:
    """A move over the threshold: beyond it, or from zero to non-zero, or in or out of the results."""
    if math.isnan(new) or math.isnan(old):
        return True
    if old == 0:
        return new != 0
    return abs(percent) > threshold


def year_on_year(current: list[ResultRow], previous: list[ResultRow], flag_threshold: pint.Quantity | Param,
                 indicator_thresholds: Mapping[str, pint.Quantity | Param] | None = None) -> pd.DataFrame:
    """This year's headline results next to last year's, with the changes to explain flagged.

    Parameters
    ----------
    current, previous : list of ResultRow
        This year's and last year's results (breakdown rows are ignored).
    flag_threshold : Quantity or Param
        A change of more than this is flagged, e.g. ``Quantity(10, "percent")`` or
        ``params.changes.flag_threshold``.
    indicator_thresholds : mapping of str to Quantity or Param, optional
        Thresholds of single indicators, overriding ``flag_threshold``
        (``params.changes.indicator_thresholds``).

    Returns
    -------
    DataFrame
        One row per headline indicator of this year, then those only in last year's results, in
        catalogue order; columns :data:`YEAR_ON_YEAR_COLUMNS`:

        ``name_en``
            The catalogue name (``""`` for an id not in the catalogue).
        ``unit``
            This year's unit (last year's for an indicator that disappeared); last year's value is
            converted to it.
        ``this_year, last_year``
            Values; NaN where the indicator is absent.
        ``change``
            ``this_year − last_year`` in ``unit`` (percentage points for a percent indicator).
        ``change_percent``
            ``100 × change / |last_year|``; NaN when last year is 0 or missing.
        ``threshold_percent``
            The threshold that applies, in percent.
        ``flagged``
            ``|change_percent| > threshold_percent``; also an indicator that appears or disappears,
            and one that moves from zero to non-zero.

    Raises
    ------
    ValueError
        If a year has two headline values of one indicator, or the units of the two years do not
        convert.

    Examples
    --------
    an indicator at 110 t CO2 this year, 100 t CO2 last year: change +10 t CO2, +10 %; flagged at a 5 %
    threshold, not at 10 % (10 is not more than 10).
    """
    general = _percent(flag_threshold)
    special = {key: _percent(value) for key, value in (indicator_thresholds or {}).items()}
    now, before = _headlines(current, "this year's results"), _headlines(previous, "last year's results")
    names = {entry.id: entry.name_en for entry in catalogue()}
    rows = []
    for indicator_id in _catalogue_order(now.keys() | before.keys()):
        unit = (now.get(indicator_id) or before[indicator_id]).unit
        this_year = now[indicator_id].value if indicator_id in now else math.nan
        last_year = (_convert(before[indicator_id].value, before[indicator_id].unit, unit, indicator_id)
                     if indicator_id in before else math.nan)
        percent = _relative_percent(this_year, last_year)
        threshold = special.get(indicator_id, general)
        rows.append({
            "indicator_id": indicator_id,
            "name_en": names.get(indicator_id, ""),
            "unit": unit,
            "this_year": float(this_year),
            "last_year": float(last_year),
            "change": this_year - last_year,
            "change_percent": percent,
            "threshold_percent": threshold,
            "flagged": _over(this_year, last_year, percent, threshold),
        })
    table = pd.DataFrame(rows, columns=list(YEAR_ON_YEAR_COLUMNS))
    table["flagged"] = table["flagged"].astype(bool)
    return table


def unexplained(yoy: pd.DataFrame, explanations: Mapping[str, Explanation]) -> list[str]:
    """Flagged indicators that have no explanation.

    Parameters
    ----------
    yoy : DataFrame
        A table of :func:`year_on_year`.
    explanations : mapping of str to Explanation
        Indicator id → the change it explains and why (``params.explanations``).

    Returns
    -------
    list of str
        The ids of flagged rows without an explanation, in the order of ``yoy``.
    """
    return [i for i, flagged in zip(yoy["indicator_id"], yoy["flagged"]) if flagged and i not in explanations]


def _moved(row: Any) -> str:
    """How a row of :func:`year_on_year` moved, with its figures: ``<id> moved +35.52 % (4,440,924.338 →
    6,018,559.83 t CO2)``; for a move without a percent, what happened instead."""
    if math.isnan(row.last_year):
        return f"{row.indicator_id} has no value last year ({_number(row.this_year)} {row.unit} this year)"
    if math.isnan(row.this_year):
        return f"{row.indicator_id} has no value this year ({_number(row.last_year)} {row.unit} last year)"
    if math.isnan(row.change_percent):  # last year zero
        return f"{row.indicator_id} moved from {_number(row.last_year)} to {_number(row.this_year)} {row.unit}"
    return (f"{row.indicator_id} moved {row.change_percent:+,.2f} % ({_number(row.last_year)} → "
            f"{_number(row.this_year)} {row.unit})")


def unexplained_changes(yoy: pd.DataFrame, explanations: Mapping[str, Explanation]) -> list[str]:
    """The flagged changes that have no explanation, one line each with the figures of the change.

    The same rows as :func:`unexplained`, said so that the team sees the size of the change it must
    explain.

    Parameters
    ----------
    yoy : DataFrame
        A table of :func:`year_on_year`.
    explanations : mapping of str to Explanation
        ``params.explanations``.

    Returns
    -------
    list of str
        In the order of ``yoy``, e.g. ``<id> moved +12.17 % (9,119,657.179 → 10,229,669.66 t CO2), above
        the flag threshold of 10 %, and has no explanation in explanations: of the year file``, with the
        threshold that applies to the indicator (``threshold_percent``). A change flagged without a
        percent (an indicator new or gone, or last year zero) says what happened and that such a
        change is always flagged.
    """
    missing = set(unexplained(yoy, explanations))
    lines = []
    for row in yoy.itertuples(index=False):
        if row.indicator_id not in missing:
            continue
        why = (f"above the flag threshold of {row.threshold_percent:g} %" if not math.isnan(row.change_percent)
               else "a change that is always flagged")
        lines.append(f"{_moved(row)}, {why}, and has no explanation in explanations: of the year file")
    return lines


def explanation_column(yoy: pd.DataFrame, explanations: Mapping[str, Explanation]) -> pd.Series:
    """The text of the explanation of each row of ``yoy`` (``""`` where there is none), to show beside it.

    Returns
    -------
    Series
        Named ``"explanation"``, on the index of ``yoy``.
    """
    return pd.Series([explanations[i].text if i in explanations else "" for i in yoy["indicator_id"]],
                     index=yoy.index, name="explanation", dtype=object)


def covers(stated_percent: float, observed_percent: float, tolerance: pint.Quantity | Param) -> tuple[bool, str]:
    """Whether an explanation's stated change covers the observed change, and why (or why not).

    Parameters
    ----------
    stated_percent : float
        The change the explanation states [percent], e.g. 36.0 for ``"+36 %"``.
    observed_percent : float
        The observed relative change of the headline [percent] (``change_percent`` of
        :func:`year_on_year`); NaN when last year's value is zero or either value is missing.
    tolerance : Quantity or Param
        How far apart the two may be [percentage points], e.g. ``Quantity(5, "percent")`` or
        ``params.changes.explanation_tolerance``.

    Returns
    -------
    tuple of (bool, str)
        Covered or not, and the reason: ``"the other direction"`` when one is a rise and the other a
        fall; ``"<d> percentage points apart, more than the tolerance of <t>"`` when
        :math:`|observed - stated| > tolerance`; covered otherwise. A change without a percent (NaN)
        cannot be compared: any explanation covers it.

    Examples
    --------
    Stated +36 %, observed +35.52 %, tolerance 5: covered (0.48 points apart). Stated +36 %,
    observed −12 %: the other direction. Stated +12 %, observed +19.5 %: 7.5 points apart, not covered.
    """
    limit = _percent(tolerance)
    if math.isnan(observed_percent):
        return True, "yes (no percent change to compare: last year zero or missing)"
    if stated_percent * observed_percent < 0:
        return False, "the other direction"
    gap = abs(observed_percent - stated_percent)
    if gap > limit * (1 + 1e-12):
        return False, f"{gap:,.1f} percentage points apart, more than the tolerance of {limit:g}"
    return True, f"yes (within {limit:g} percentage points)"


#: Columns that :func:`explanation_table` adds to a year-on-year table.
EXPLANATION_COLUMNS = ("stated_change", "explained", "explanation")


def explanation_table(yoy: pd.DataFrame, explanations: Mapping[str, Explanation],
                      tolerance: pint.Quantity | Param) -> pd.DataFrame:
    """``yoy`` with, beside each row, the change its explanation states and whether that covers the
    observed change (``change_percent``), for the changes report.

    Returns
    -------
    DataFrame
        ``yoy`` and the columns of :data:`EXPLANATION_COLUMNS`: ``stated_change`` as written
        (``"+36 %"``, ``""`` without an explanation); ``explained``: the verdict of :func:`covers`
        (``"yes (within 5 percentage points)"``, ``"no: the other direction"`` …), ``"no explanation"``
        for a flagged row without one, ``""`` for a row that is neither flagged nor explained;
        ``explanation``: the text.
    """
    stated, verdicts = [], []
    for indicator_id, percent, flagged in zip(yoy["indicator_id"], yoy["change_percent"], yoy["flagged"]):
        explanation = explanations.get(indicator_id)
        if explanation is None:
            stated.append("")
            verdicts.append("no explanation" if flagged else "")
            continue
        covered, reason = covers(explanation.percent, float(percent), tolerance)
        stated.append(explanation.change)
        verdicts.append(reason if covered else f"no: {reason}")
    return yoy.assign(stated_change=pd.Series(stated, index=yoy.index, dtype=object),
                      explained=pd.Series(verdicts, index=yoy.index, dtype=object),
                      explanation=explanation_column(yoy, explanations))


def mismatched_explanations(yoy: pd.DataFrame, explanations: Mapping[str, Explanation],
                            tolerance: pint.Quantity | Param, files: Mapping[str, str | None] | None = None) -> list[str]:
    """The explanations whose stated change does not cover the observed change, one line each.

    Every explanation of an indicator in ``yoy`` is compared (flagged or not: a stated change shown
    beside another change would be a wrong statement in the report), with :func:`covers`.

    Parameters
    ----------
    yoy : DataFrame
        A table of :func:`year_on_year`.
    explanations : mapping of str to Explanation
        ``params.explanations``.
    tolerance : Quantity or Param
        ``params.changes.explanation_tolerance`` [percentage points].
    files : mapping of str to str, optional
        Indicator id → the file that gives its explanation (``params.file_of("explanations.<id>")``),
        named in the lines.

    Returns
    -------
    list of str
        In the order of ``yoy``, e.g. ``<id> moved +35.52 % (4,440,924.338 → 6,018,559.83 t CO2), but
        parameters/FY2018.yaml: explanations.<id> states -36 %: the other direction``.
    """
    lines = []
    for row in yoy.itertuples(index=False):
        explanation = explanations.get(row.indicator_id)
        if explanation is None:
            continue
        covered, reason = covers(explanation.percent, float(row.change_percent), tolerance)
        if covered:
            continue
        file = (files or {}).get(row.indicator_id)
        where = f"{file}: " if file else ""
        lines.append(f"{_moved(row)}, but {where}explanations.{row.indicator_id} states {explanation.change}: {reason}")
    return lines


def _close(a: float, b: float, rel: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=rel, abs_tol=0.0)


def restatement(published: list[ResultRow], restated: list[ResultRow],
                significance_threshold: pint.Quantity | Param) -> pd.DataFrame:
    """A year's published headline results against the same year recomputed.

    Parameters
    ----------
    published : list of ResultRow
        The year as published (or last restated).
    restated : list of ResultRow
        The same year computed again (corrected data, method or factors).
    significance_threshold : Quantity or Param
        A difference of more than this is significant, e.g. ``Quantity(5, "percent")`` or
        ``params.changes.significance_threshold``.

    Returns
    -------
    DataFrame
        One row per headline indicator of either list, in catalogue order; columns
        :data:`RESTATEMENT_COLUMNS`: ``unit`` is the published unit (the restated value is converted
        to it; the restated unit for an indicator only restated), ``difference = restated −
        published``, ``difference_percent = 100 × difference / |published|`` (NaN when published is
        0 or either is missing), ``significant`` when ``|difference_percent|`` is more than the
        threshold — and when a value goes from zero to non-zero or is only on one side —,
        ``identical`` when both are present and equal to a relative 1e-12.

    Examples
    --------
    Published 100 t CO2, restated 105 t CO2: difference 5 t CO2, 5 %, not significant at 5 %;
    restated 106 t CO2: 6 %, significant.
    """
    threshold = _percent(significance_threshold)
    old, new = _headlines(published, "published results"), _headlines(restated, "restated results")
    rows = []
    for indicator_id in _catalogue_order(old.keys() | new.keys()):
        unit = (old.get(indicator_id) or new[indicator_id]).unit
        was = old[indicator_id].value if indicator_id in old else math.nan
        now = _convert(new[indicator_id].value, new[indicator_id].unit, unit, indicator_id) \
            if indicator_id in new else math.nan
        percent = _relative_percent(now, was)
        rows.append({
            "indicator_id": indicator_id,
            "unit": unit,
            "published": float(was),
            "restated": float(now),
            "difference": now - was,
            "difference_percent": percent,
            "significant": _over(now, was, percent, threshold),
            "identical": not (math.isnan(was) or math.isnan(now)) and _close(now, was, 1e-12),
        })
    table = pd.DataFrame(rows, columns=list(RESTATEMENT_COLUMNS))
    for column in ("significant", "identical"):
        table[column] = table[column].astype(bool)
    return table


def _by_key(rows: Iterable[ResultRow]) -> dict[tuple, list[float]]:
    values: dict[tuple, list[float]] = defaultdict(list)
    for row in rows:
        values[(row.indicator_id, row.fiscal_year, row.breakdown, row.unit)].append(float(row.value))
    return {key: sorted(found) for key, found in values.items()}


def differing_indicators(a: Iterable[ResultRow], b: Iterable[ResultRow], rel: float = 1e-12) -> list[str]:
    """Indicators whose rows differ between two result lists (see :func:`results_equal`).

    Returns
    -------
    list of str
        Ids, in catalogue order, with a row (``indicator_id, fiscal_year, breakdown, unit``) on one
        side only, or a value that differs by more than ``rel`` relative.
    """
    left, right = _by_key(a), _by_key(b)
    differing = set()
    for key in left.keys() | right.keys():
        one, other = left.get(key, []), right.get(key, [])
        if len(one) != len(other) or not all(_close(x, y, rel) for x, y in zip(one, other)):
            differing.add(key[0])
    return _catalogue_order(differing)


def results_equal(a: Iterable[ResultRow], b: Iterable[ResultRow], rel: float = 1e-12) -> bool:
    """Whether two result lists are the same results: tells a rerun that reproduces a published year
    from a restatement.

    Parameters
    ----------
    a, b : iterable of ResultRow
        E.g. a year as published and the same year computed now.
    rel : float
        Relative tolerance of the values (default 1e-12: the rounding of a different order of
        summation, never a change of data or method). Notebook and cell id are not compared.

    Returns
    -------
    bool
        True when both have the same rows by ``(indicator_id, fiscal_year, breakdown, unit)``
        and each value equals its counterpart to ``rel``.
    """
    return not differing_indicators(a, b, rel)


# --- reconciliations -----------------------------------------------------------------------------

def _number(value: float) -> str:
    return f"{value:,.10g}"


def _signed(percent: float) -> str:
    return "n/a" if math.isnan(percent) else f"{percent:+.2f} %"


def _move_together(rule: MoveTogether, current: list[ResultRow], previous: list[ResultRow] | None,
                   threshold: float) -> Check:
    (first, first_what), (second, second_what) = rule.first, rule.second
    if previous is None:
        return Check(rule.name, True, "skipped: no previous year to compare with")
    now, before = _headlines(current, "this year's results"), _headlines(previous, "last year's results")
    missing = [i for i in (first, second) if i not in now or i not in before]
    if missing:
        return Check(rule.name, True, f"skipped: {', '.join(missing)} not in the results of both years")
    table = year_on_year(current, previous, ureg.Quantity(threshold, "percent")).set_index("indicator_id")
    one, other = table.loc[first], table.loc[second]
    same_sign = np.sign(one["change"]) == np.sign(other["change"])
    within = all(abs(p) <= threshold for p in (one["change_percent"], other["change_percent"]))
    verdict = ("same direction" if same_sign else
               f"opposite directions, both within {threshold:g} %" if within else
               f"opposite directions and not both within {threshold:g} %")
    detail = (f"{first} {first_what} {_signed(one['change_percent'])} ({_number(one['last_year'])} → "
              f"{_number(one['this_year'])} {one['unit']}), {second} {second_what} {_signed(other['change_percent'])} "
              f"({_number(other['last_year'])} → {_number(other['this_year'])} {other['unit']}): {verdict}")
    return Check(rule.name, bool(same_sign or within), detail)


def _sum_check(rule: BreakdownSum, current: list[ResultRow], heads: dict[str, ResultRow]) -> Check:
    indicator_id, dimension, name = rule.indicator_id, rule.dimension, rule.name
    head = heads.get(indicator_id)
    if head is None:
        return Check(name, True, f"skipped: {indicator_id} not in the results")
    parts = [r for r in current if r.indicator_id == indicator_id and r.fiscal_year == head.fiscal_year
             and r.breakdown.startswith(f"{dimension}=")]
    if not parts:
        return Check(name, False, f"no {dimension}= rows of {indicator_id} FY{head.fiscal_year} to add up")
    total = math.fsum(_convert(r.value, r.unit, head.unit, indicator_id) for r in parts)
    passed = math.isclose(total, head.value, rel_tol=1e-9, abs_tol=1e-9)
    relation = "=" if passed else "≠"
    return Check(name, passed, f"sum of {len(parts)} {dimension}= rows {_number(total)} {relation} "
                               f"{indicator_id} {_number(head.value)} {head.unit} (relative 1e-9)")


def _identity(rule: Identity, heads: dict[str, ResultRow]) -> Check:
    ids = (*rule.left, *rule.right)
    missing = [i for i in ids if i not in heads]
    if missing:
        return Check(rule.name, True, f"skipped: {', '.join(missing)} not in the results")
    value = {i: _convert(heads[i].value, heads[i].unit, rule.unit, i) for i in ids}
    left, right = (math.fsum(value[i] for i in side) for side in (rule.left, rule.right))
    passed = math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-9)
    relation = "=" if passed else "≠"

    def terms(side: tuple[str, ...]) -> str:
        return " + ".join(f"{i} {_number(value[i])}" for i in side)

    return Check(rule.name, passed, f"{terms(rule.left)} = {_number(left)} {relation} {terms(rule.right)} = "
                                    f"{_number(right)} {rule.unit} (relative 1e-9)")


def _reconciliation(rule: BreakdownSum | Identity | MoveTogether, current: list[ResultRow],
                    previous: list[ResultRow] | None, heads: dict[str, ResultRow], threshold: float) -> Check:
    if isinstance(rule, MoveTogether):
        return _move_together(rule, current, previous, threshold)
    if isinstance(rule, BreakdownSum):
        return _sum_check(rule, current, heads)
    return _identity(rule, heads)


def _reproduced(current: list[ResultRow], previous: list[ResultRow] | None,
                previous_rerun: list[ResultRow] | None, previous_label: str | None = None) -> Check:
    years = {r.fiscal_year for r in previous or []} or {r.fiscal_year - 1 for r in current}
    year = f"FY{min(years)}" if years else "the previous year"
    name = f"{year} computed now = {previous_label or f'{year} as published'}"
    if previous is None:
        return Check(name, True, "skipped: no previous year's published results")
    if previous_rerun is None:
        return Check(name, True, f"skipped: {year} was not computed again with today's code and inputs")
    differing = differing_indicators(previous_rerun, previous)
    if not differing:
        return Check(name, True, f"all {len(previous)} rows reproduced to a relative 1e-12")
    published = _headlines(previous, "published results")
    rerun = _headlines(previous_rerun, "rerun results")
    shown = []
    for indicator_id in differing:
        if indicator_id in published and indicator_id in rerun:
            was, now = published[indicator_id], rerun[indicator_id]
            shown.append(f"{indicator_id} {_number(was.value)} {was.unit} published, "
                         f"{_number(now.value)} {now.unit} now")
        else:
            shown.append(f"{indicator_id} (rows differ)")
    return Check(name, False, f"{len(differing)} indicator(s) differ: " + "; ".join(shown))


def reconciliations(current: list[ResultRow], previous: list[ResultRow] | None,
                    previous_rerun: list[ResultRow] | None,
                    flag_threshold: pint.Quantity | Param, previous_label: str | None = None) -> list[Check]:
    """Checks that this year's results hold together, and that last year's can be reproduced.

    Parameters
    ----------
    current : list of ResultRow
        This year's results, headline and breakdown rows.
    previous : list of ResultRow or None
        Last year's results as published (or as last restated); None when there is no previous year.
    previous_rerun : list of ResultRow or None
        Last year computed again with today's code and inputs; None when it was not.
    flag_threshold : Quantity or Param
        The threshold of :func:`year_on_year` (``params.changes.flag_threshold``).
    previous_label : str, optional
        Which version ``previous`` is (``FY2017 as published on 2018-06-29``), for the name of check 4.

    Returns
    -------
    list of Check
        Each with a one-line detail that gives the numbers: first the reconciliations each family
        declares (:class:`envkpi.core.family.Family`, ``reconciliations``), in family order, then
        ``FY<n−1> computed now = <previous_label>`` (default ``FY<n−1> as published``). The kinds:

        - :class:`~envkpi.core.family.MoveTogether`: the changes of two indicators from last year
          have the same sign, or both are within the flag threshold;
        - :class:`~envkpi.core.family.BreakdownSum`: the ``<dimension>=`` rows of an indicator add
          up to its headline (relative 1e-9);
        - :class:`~envkpi.core.family.Identity`: the headlines of one side add up to those of the
          other, in the rule's unit (relative 1e-9);
        - the last: :func:`results_equal` of ``previous_rerun`` and ``previous``; the detail names
          the indicators that differ.

        A check that cannot be made (no previous year, no rerun, an indicator not in the results)
        passes, with a detail that starts ``skipped:`` and says why. A headline without any of the
        breakdown rows it should add up from fails.
    """
    threshold = _percent(flag_threshold)
    heads = _headlines(current, "this year's results")
    checks = [_reconciliation(rule, current, previous, heads, threshold)
              for family in families() for rule in family.reconciliations]
    checks.append(_reproduced(current, previous, previous_rerun, previous_label))
    return checks
