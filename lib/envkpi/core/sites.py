"""The site register (``sites.csv``) and the rules every per-site table follows.

The register lists every site with the attributes of the boundary (entity, parent entity,
environmental management system, country) and the fiscal years it belongs to the group. A family
whose inputs are per site reads it with :data:`SITES` and applies the rules below: the boundary
as of the fiscal year, no rows for a site outside the group that year, exclusions that name a real
entity, and history rows judged as of their own year.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from envkpi.core.boundary import fiscal_year_of, in_group, site_boundary, unmatched_exclusions
from envkpi.core.columns import YEAR
from envkpi.core.inputs import Column, Problem, Table, TableSpec, _allowed_message
from envkpi.core.parameters import Parameters

__all__ = ["SITES", "in_boundary_sites", "split_by_boundary", "boundary_of", "fiscal_years_problems", "rows_out_of_the_group", "history_problems",
           "history_used", "exclusion_problems"]

SITES = TableSpec("sites", "Site register with the attributes of the boundary.", (
    Column("site_id", "text", "site identifier, e.g. JP-01"),
    Column("site_name", "text", "display name"),
    Column("country", "text", "ISO 3166-1 alpha-2 country code; selects the electricity emission factor"),
    Column("entity", "text", "legal entity operating the site"),
    Column("parent_entity", "text", "direct parent of the entity; empty for the parent company", required=False),
    Column("has_ems", "boolean", "the site runs an environmental management system"),
    Column("first_fiscal_year", "integer", "first fiscal year the site is part of the group, e.g. 2018; empty: "
           "since before the records", required=False, header_optional=True, minimum=1990, plausible=(YEAR,)),
    Column("last_fiscal_year", "integer", "last fiscal year the site is part of the group (a closed site stays in "
           "the register); empty: still in it", required=False, header_optional=True, minimum=1990,
           plausible=(YEAR,)),
    Column("notes", "text", "free text", required=False),
), unique=("site_id",))


_BOUNDARY_CELLS = ("site_id", "entity", "parent_entity", "has_ems", "first_fiscal_year", "last_fiscal_year")
_YEARS = ("first_fiscal_year", "last_fiscal_year")


def boundary_of(sites: Table, params: Parameters) -> pd.DataFrame:
    """The boundary decision of every site whose boundary attributes were read (the others are unknown),
    as of the fiscal year of the parameters."""
    usable = [index for index in range(len(sites.data)) if sites.parsed(index, _BOUNDARY_CELLS)]
    return site_boundary(sites.data.iloc[usable].reset_index(drop=True), params.boundary.excluded_entities,
                         params.fiscal_year)


def fiscal_years_problems(sites: Table) -> list[Problem]:
    """A site's last fiscal year in the group is not before its first. Such a site's years are unknown
    (marked as failed): its rows are not also reported as those of a site out of the group."""
    problems = []
    for index, row in enumerate(sites.data.to_dict("records")):
        if not sites.parsed(index, _YEARS):
            continue
        first, last = fiscal_year_of(row["first_fiscal_year"]), fiscal_year_of(row["last_fiscal_year"])
        if first is not None and last is not None and last < first:
            problems.append(sites.problem(index, "last_fiscal_year", f"got {last}, before first_fiscal_year {first}; "
                                          f"expected {first} or later (empty: still in the group)"))
            sites.failed.add((index, "last_fiscal_year"))
    return problems


def _register(sites: Table) -> dict[str, tuple[int, int | None, int | None]]:
    """Each site id of the register → (its data row, first and last fiscal year); the first row of a site
    given twice (that is reported), and only the sites whose years were read."""
    register: dict[str, tuple[int, int | None, int | None]] = {}
    for index, row in enumerate(sites.data.to_dict("records")):
        if sites.parsed(index, ("site_id", *_YEARS)) and row["site_id"]:
            register.setdefault(row["site_id"], (index, fiscal_year_of(row["first_fiscal_year"]),
                                                 fiscal_year_of(row["last_fiscal_year"])))
    return register


def rows_out_of_the_group(tables: dict[str, Table | None], sites: Table, fiscal_year: int) -> list[Problem]:
    """A row of this year's tables for a site that is not in the group this year (closed, or not yet
    started) is a mistake: the site has no figures for the year. (A site outside the boundary for its
    entity or its environmental management system may have rows: they are set aside.)"""
    why = {}
    for site, (index, first, last) in _register(sites).items():
        if in_group(first, last, fiscal_year):
            continue
        if last is not None and last < fiscal_year:
            why[site] = f"{site} closed after FY{last} ({sites.where(index)}, last_fiscal_year)"
        else:
            why[site] = (f"{site} joins the group in FY{first} ({sites.where(index)}, "
                         "first_fiscal_year)")
    problems = []
    for table in tables.values():
        if table is None:
            continue
        for index, site in enumerate(table.data["site_id"]):
            if site in why and table.parsed(index, ("site_id",)):
                problems.append(table.problem(index, "site_id", f"{why[site]}; expected no FY{fiscal_year} rows for it"))
    return problems


def history_problems(history: Table, sites: Table, fiscal_year: int) -> list[Problem]:
    """History rows before the fiscal year, judged as of their year: each names a site of the register,
    and its year lies within the site's first and last fiscal years. Rows of the fiscal year or later
    are not judged (this run does not use them)."""
    register = _register(sites)
    known = [site for index, site in enumerate(sites.data["site_id"]) if site and sites.parsed(index, ("site_id",))]
    problems = []
    for index, row in enumerate(history.data.to_dict("records")):
        if not history.parsed(index, ("site_id", "fiscal_year")) or row["fiscal_year"] >= fiscal_year:
            continue
        site, year = row["site_id"], int(row["fiscal_year"])
        if site not in known:
            hint = difflib.get_close_matches(site, known, n=1)
            problems.append(history.problem(index, "site_id", f"got {site!r}; {_allowed_message('site_id', known)}"
                                            + (f"; did you mean {hint[0]}?" if hint else "")
                                            + f" (a site that has closed stays in {sites.display}, with its "
                                              "last_fiscal_year)"))
            continue
        if site not in register:
            continue  # its years could not be read: that is reported
        position, first, last = register[site]
        where = f"{sites.where(position)}"
        if first is not None and year < first:
            problems.append(history.problem(index, "fiscal_year", f"got {year}, before FY{first}, the first fiscal year "
                                            f"of {site} ({where}, first_fiscal_year); expected FY{first} or later"))
        elif last is not None and year > last:
            problems.append(history.problem(index, "fiscal_year", f"got {year}, after FY{last}, the last fiscal year "
                                            f"of {site} ({where}, last_fiscal_year); expected FY{last} or earlier"))
    return problems


def history_used(history: Table, boundary: pd.DataFrame | None, fiscal_year: int) -> list[int]:
    """Positions of the history rows this run uses: before the fiscal year, of a site inside the boundary
    apart from its dates (a site closed since keeps its past years; without a boundary, every site)."""
    scope = None if boundary is None else set(boundary.loc[boundary["in_scope"], "site_id"])
    return [index for index, row in enumerate(history.data.to_dict("records"))
            if history.parsed(index, ("site_id", "fiscal_year")) and row["fiscal_year"] < fiscal_year
            and (scope is None or row["site_id"] in scope)]


def _parameter_file_defining(params: Parameters, key: str, root) -> str:
    """The parameter file (as shown in messages) that sets ``key``: the first of the chain, year file
    first, whose text names it."""
    for record in params.files:
        path = Path(record.path)
        if not path.is_absolute() and root is not None:
            path = Path(root) / path
        try:
            if key in path.read_text(encoding="utf-8"):
                return record.path
        except (OSError, UnicodeDecodeError):
            continue
    return params.files[0].path if params.files else "parameters"


def exclusion_problems(sites: Table, params: Parameters, root) -> list[Problem]:
    """An excluded entity that names no entity (nor parent entity) of the site register is a mistake:
    a mistyped name would silently bring the entity's sites into the boundary."""
    exclusions = params.boundary.excluded_entities
    unmatched = unmatched_exclusions(sites.data, exclusions)
    if not unmatched:
        return []
    file = _parameter_file_defining(params, "excluded_entities", root)
    problems = []
    for position, name, nearest in unmatched:
        hint = (f"did you mean {' or '.join(repr(n) for n in nearest)}?" if nearest
                else "expected the entity or parent_entity of a site, spelt exactly")
        problems.append(Problem(file, None, None, f"boundary.excluded_entities[{position}].name: got {name!r}, "
                                f"which is neither the entity nor the parent_entity of any site in {sites.display}; "
                                f"{hint}"))
    return problems


def in_boundary_sites(boundary: pd.DataFrame) -> pd.Index:
    """The ids of the sites inside the boundary (:func:`envkpi.core.boundary.site_boundary`), in register order."""
    return pd.Index(boundary.loc[boundary["in_boundary"], "site_id"], name="site_id")


def split_by_boundary(frames: dict[str, pd.DataFrame], boundary: pd.DataFrame
                      ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The rows of the sites inside the boundary, and what was set aside.

    Parameters
    ----------
    frames : dict
        Table name → its validated rows, each with ``site_id`` and ``row`` (the line of the file).
    boundary : DataFrame
        The boundary decision of every site (``in_boundary``).

    Returns
    -------
    (dict, DataFrame)
        Table name → its rows of sites inside the boundary (renumbered from 0), and one row per table:
        ``table`` (file name), ``rows_outside_boundary`` (how many were set aside), ``rows`` (their
        file lines) and ``sites`` (their site ids), for the report.
    """
    inside = set(in_boundary_sites(boundary))
    outside = {name: ~frame["site_id"].isin(inside) for name, frame in frames.items()}
    excluded = pd.DataFrame(
        [{"table": f"{name}.csv", "rows_outside_boundary": int(outside[name].sum()),
          "rows": ", ".join(str(int(r)) for r in frame.loc[outside[name], "row"]),
          "sites": ", ".join(sorted(set(frame.loc[outside[name], "site_id"])))}
         for name, frame in frames.items()],
        columns=["table", "rows_outside_boundary", "rows", "sites"],
    )
    kept = {name: frame[~outside[name]].reset_index(drop=True) for name, frame in frames.items()}
    return kept, excluded
