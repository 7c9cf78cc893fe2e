"""Input tables of the resources family (RES-01 … RES-08): specifications and loader.

:func:`load_resources_inputs` reads the site register and every table of the family, validates each
one and the rules between them (site ids, the categories of the parameters, a recycled mass never
above the mass it is part of, the routes of each waste row adding up to what was generated, the rows
each site inside the boundary needs), and raises one :class:`envkpi.core.inputs.InputError` listing
every problem of every file. ``data/README.md`` documents the same columns, units and plausible
ranges for people; ``tests/families/test_data_dictionary.py`` keeps the two in step.

Per-site tables (``resource_input``, ``recycled_resin``, ``factory_waste``) follow the site register
(``envkpi.core.sites``): the boundary as of the fiscal year, no rows for a site outside the group that
year; rows of sites outside the boundary are set aside before any calculation. The tables of products
taken back (``appliance_recycling``, ``weee_collection``, ``us_ewaste_collection``) are of the group
in a country or region, not of a site.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from envkpi.core.columns import SITE
from envkpi.core.inputs import (
    Column,
    Plausible,
    Problem,
    Table,
    TableSpec,
    check_rows,
    raise_problems,
    read_table,
    warnings_of,
    with_rows,
)
from envkpi.core.parameters import Parameters
from envkpi.core.provenance import FileRecord
from envkpi.core.sites import (
    SITES,
    boundary_of,
    exclusion_problems,
    fiscal_years_problems,
    in_boundary_sites,
    rows_out_of_the_group,
    split_by_boundary,
)

from .parameters import INPUT_METHODS

__all__ = ["RESOURCE_INPUT", "RECYCLED_RESIN", "APPLIANCE_RECYCLING", "WEEE_COLLECTION", "US_EWASTE_COLLECTION",
           "FACTORY_WASTE", "TABLES", "MASS_UNITS", "WASTE_STREAMS", "WASTE_ROUTES", "INPUT_ITEMS",
           "ResourcesInputs", "load_resources_inputs", "load_inputs"]

#: Units of every mass column of the family.
MASS_UNITS = ("t", "kg")

# --- plausible ranges (data/README.md, "Plausible ranges", gives the reasoning) ----------------------

_SITE_MATERIAL = Plausible("t", error_above=10_000_000, typical=(None, 1_000_000),
                           reason="one site's materials, auxiliary materials or products in a year")
_SITE_RESIN = Plausible("t", error_above=1_000_000, typical=(None, 100_000),
                        reason="one resin used by one site in a year")
_APPLIANCES = Plausible("t", error_above=10_000_000, typical=(None, 1_000_000),
                        reason="one category of home appliances taken back in Japan in a year")
_SCHEME = Plausible("t", error_above=10_000_000, typical=(None, 1_000_000),
                    reason="WEEE collected by one collection scheme in a year")
_SHARE = Plausible("percent", error_above=100, typical=(None, 50),
                   reason="the group's share of the products put on one scheme's market")
_PROGRAMME = Plausible("t", error_above=1_000_000, typical=(None, 100_000),
                       reason="e-waste collected by one US programme in a year")
_SITE_WASTE = Plausible("t", error_above=10_000_000, typical=(None, 100_000),
                        reason="one stream of waste or valuables of one site in a year")


def _mass(name: str, description: str, plausible: Plausible) -> Column:
    return Column(name, "number", description, unit_column="unit", minimum=0, plausible=(plausible,))


_UNIT = Column("unit", "unit", "t or kg; applies to every mass of the row", dimensions=("[mass]",), allowed=MASS_UNITS)

#: The items of RES-01 (standard, 投入資源) a site reports.
INPUT_ITEMS = {
    "materials": "purchased materials and parts, auxiliary materials apart (購入材料)",
    "auxiliary_materials": "auxiliary materials (副資材)",
    "products_shipped": "products shipped (出荷製品量)",
}

RESOURCE_INPUT = TableSpec("resource_input", "Materials bought, auxiliary materials and products shipped by each site "
                           "(RES-01).", (
    SITE,
    Column("item", "text", "materials, auxiliary_materials or products_shipped", allowed=tuple(INPUT_ITEMS)),
    _mass("quantity", "mass in the fiscal year", _SITE_MATERIAL),
    _UNIT,
), unique=("site_id", "item"))

#: Resins of the recycled-resin table.
RESINS = ("PP", "PS", "ABS", "PC", "other")

RECYCLED_RESIN = TableSpec("recycled_resin", "Recycled-resin compounds used by each site and what was mixed into "
                           "them (RES-02).", (
    SITE,
    Column("resin", "text", "resin of the compound", allowed=RESINS),
    _mass("compound_mass", "mass of the recycled-resin compound used in the fiscal year", _SITE_RESIN),
    _mass("added_virgin_mass", "part of it that is not recycled material: virgin resin, new additives and fillers "
          "mixed in (≤ compound_mass)", _SITE_RESIN),
    _UNIT,
), unique=("site_id", "resin"))

APPLIANCE_RECYCLING = TableSpec("appliance_recycling", "Home appliances of the group taken back in Japan, by "
                                "category of the Home Appliance Recycling Law (RES-03).", (
    Column("category", "text", "category key of the parameters (resources.appliance_statutory_rates)"),
    _mass("processed", "weight taken in for recycling (再商品化等処理重量)", _APPLIANCES),
    _mass("recycled", "weight recycled (再商品化重量): parts and materials separated and made fit for use or for "
          "sale or transfer (≤ processed)", _APPLIANCES),
    _UNIT,
), unique=("category",))

WEEE_COLLECTION = TableSpec("weee_collection", "WEEE collected by each collection scheme in Europe and the group's "
                            "market share in it (RES-04).", (
    Column("country", "text", "ISO 3166-1 alpha-2 code of the scheme's country, e.g. DE"),
    Column("scheme", "text", "collection scheme (compliance scheme) name"),
    _mass("collected", "weight of WEEE the scheme collected in the fiscal year", _SCHEME),
    _UNIT,
    Column("group_share", "number", "the group's weight-based share of the products put on the market in that scheme "
           "[percent]", unit="percent", minimum=0, plausible=(_SHARE,)),
), unique=("country", "scheme"))

#: The kinds of US e-waste collection (standard, 米国の廃電子機器回収量: 州法に基づく回収量および自主取り組みによる回収量など).
US_KINDS = ("state_law", "voluntary", "other")

US_EWASTE_COLLECTION = TableSpec("us_ewaste_collection", "E-waste collected in the United States by programme "
                                 "(RES-05).", (
    Column("programme", "text", "collection programme"),
    Column("kind", "text", "state_law (under a state's e-waste law), voluntary (the group's own take-back) or other",
           allowed=US_KINDS),
    Column("state", "text", "two-letter code of the state whose law the programme serves; empty for voluntary and "
           "other programmes", required=False),
    _mass("collected", "weight collected in the fiscal year", _PROGRAMME),
    _UNIT,
), unique=("programme", "state"))

#: The streams of factory waste and valuables (standard, 工場廃棄物・有価物発生量: 産業廃棄物と一般廃棄物、有価物).
WASTE_STREAMS = {
    "industrial_waste": "industrial waste (産業廃棄物)",
    "general_waste": "general waste (一般廃棄物)",
    "valuables": "valuables (有価物): sold to recyclers or processors",
}

#: Where each tonne generated goes: exactly one of these routes.
WASTE_ROUTES = ("recycled", "thermal_recovery", "incinerated", "landfilled")

FACTORY_WASTE = TableSpec("factory_waste", "Waste and valuables generated at each site and where they went "
                          "(RES-06 … RES-08).", (
    SITE,
    Column("stream", "text", "industrial_waste, general_waste or valuables", allowed=tuple(WASTE_STREAMS)),
    _mass("generated", "mass generated in the fiscal year (= recycled + thermal_recovery + incinerated + landfilled)",
          _SITE_WASTE),
    _mass("recycled", "part recycled as material (再資源化量), thermal recovery excluded", _SITE_WASTE),
    _mass("thermal_recovery", "part burnt with energy recovery (サーマルリサイクル)", _SITE_WASTE),
    _mass("incinerated", "part burnt without energy recovery", _SITE_WASTE),
    _mass("landfilled", "part landfilled directly", _SITE_WASTE),
    _mass("incineration_residue", "ash and residue of the parts burnt (thermal_recovery and incinerated) that was "
          "landfilled (焼却残渣; ≤ thermal_recovery + incinerated)", _SITE_WASTE),
    _UNIT,
), unique=("site_id", "stream"))

#: The tables of the family, in the order they are read.
TABLES = (SITES, RESOURCE_INPUT, RECYCLED_RESIN, APPLIANCE_RECYCLING, WEEE_COLLECTION, US_EWASTE_COLLECTION,
          FACTORY_WASTE)

#: The per-site tables.
_SITE_TABLES = ("resource_input", "recycled_resin", "factory_waste")

_COUNTRY = re.compile(r"[A-Z]{2}")

#: What a route sum may differ from ``generated`` by, relative to it: the rounding of reported figures.
_BALANCE_TOLERANCE = 1e-6


@dataclass
class ResourcesInputs:
    """Validated inputs of the resources family; the per-site tables restricted to the boundary.

    Each frame has a ``row`` column: the row of the source file (header = row 1). ``boundary`` is the
    decision for every site of the register as of the fiscal year; ``excluded_rows`` lists, per
    table, the rows set aside because their site is outside it. ``methods`` gives the RES-01 method
    of every site inside the boundary. ``warnings`` lists the values outside their typical range.
    """

    fiscal_year: int
    boundary: pd.DataFrame
    resource_input: pd.DataFrame
    recycled_resin: pd.DataFrame
    appliance_recycling: pd.DataFrame
    weee_collection: pd.DataFrame
    us_ewaste_collection: pd.DataFrame
    factory_waste: pd.DataFrame
    excluded_rows: pd.DataFrame
    methods: dict[str, str]
    files: list[FileRecord] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def sites_in_boundary(self) -> pd.Index:
        return in_boundary_sites(self.boundary)


def table_references(params: Parameters, spec: TableSpec | None = None) -> dict[str, list[str]]:
    """The known keys of the family's tables from the parameters: the appliance categories of the statutory
    rates (the same for every table ``spec``; site ids come from the site register)."""
    return {"category": list(params.resources.appliance_statutory_rates)}


def load_resources_inputs(params: Parameters, folder: str | Path, *, root: str | Path | None = None) -> ResourcesInputs:
    """Read and validate the resources family's inputs; keep the per-site rows of sites inside the boundary.

    Parameters
    ----------
    params : Parameters
        The fiscal year's parameters (the RES-01 method, the statutory rates, the boundary).
    folder : str or Path
        The year's input folder, e.g. ``data/FY2018``.
    root : str or Path, optional
        Project root, for file names in messages and provenance.

    Raises
    ------
    InputError
        Listing every problem in every table and in the rules between them.
    """
    __tracebackhide__ = True
    folder = Path(folder)
    section = params.resources
    problems: list[Problem] = []
    sites = read_table(folder / SITES.file_name, SITES, root=root, encodings=params.inputs.encodings, problems=problems)
    references = table_references(params)
    if sites is not None:
        references["site_id"] = [s for s in sites.data["site_id"] if s]
    tables: dict[str, Table | None] = {
        spec.name: read_table(folder / spec.file_name, spec, root=root, encodings=params.inputs.encodings, references=references, problems=problems)
        for spec in TABLES[1:]
    }
    boundary = None
    if sites is not None:
        problems += exclusion_problems(sites, params, root)
        problems += fiscal_years_problems(sites)
        boundary = boundary_of(sites, params)
        problems += rows_out_of_the_group({name: tables[name] for name in _SITE_TABLES}, sites, params.fiscal_year)
    problems += _row_rules(tables)
    methods: dict[str, str] = {}
    if sites is not None and boundary is not None:
        inside = list(boundary.loc[boundary["in_boundary"], "site_id"])
        methods = {site: str(section.input_method.value) for site in inside}
        problems += _site_method_problems(params, sites, inside, methods, root)
        problems += _required_rows(tables, sites, set(inside), methods)
        problems += _required_categories(tables["appliance_recycling"], list(section.appliance_statutory_rates))
    warnings = warnings_of(sites, *tables.values())
    raise_problems(problems, warnings)

    frames = {name: with_rows(table) for name, table in tables.items()}
    kept, excluded = split_by_boundary({name: frames[name] for name in _SITE_TABLES}, boundary)
    frames.update(kept)
    return ResourcesInputs(
        fiscal_year=params.fiscal_year,
        boundary=boundary,
        excluded_rows=excluded,
        methods=methods,
        files=[*params.files, *sites.records, *(r for t in tables.values() for r in t.records)],
        warnings=sorted(warnings),
        **frames,
    )


def _row_rules(tables: dict[str, Table | None]) -> list[Problem]:
    """Rules between the cells of a row: a part is never more than its whole; routes add up; codes are codes."""
    problems: list[Problem] = []

    def resin_rule(row: dict) -> str | None:
        if row["added_virgin_mass"] > row["compound_mass"]:
            return (f"added_virgin_mass: got {row['added_virgin_mass']:g} {row['unit']}; expected at most the "
                    f"compound_mass {row['compound_mass']:g} {row['unit']} it is part of")
        return None

    def appliance_rule(row: dict) -> str | None:
        if row["recycled"] > row["processed"]:
            return (f"recycled: got {row['recycled']:g} {row['unit']}; expected at most the weight processed "
                    f"{row['processed']:g} {row['unit']}")
        return None

    def country_rule(row: dict) -> str | None:
        if not _COUNTRY.fullmatch(row["country"]):
            return f"country: got {row['country']!r}; expected an ISO 3166-1 alpha-2 code such as DE"
        return None

    def state_rule(row: dict) -> str | None:
        state = row["state"] or ""
        if row["kind"] == "state_law" and not _COUNTRY.fullmatch(state):
            return f"state: got {state!r}; expected the two-letter code of the state whose law the programme serves"
        if row["kind"] != "state_law" and state:
            return f"state: got {state!r}; expected empty for a {row['kind']} programme (only state_law names a state)"
        return None

    def waste_rule(row: dict) -> str | None:
        routes = sum(row[route] for route in WASTE_ROUTES)
        if not math.isclose(routes, row["generated"], rel_tol=_BALANCE_TOLERANCE, abs_tol=1e-9):
            return (f"generated: got {row['generated']:g} {row['unit']}; expected recycled + thermal_recovery + "
                    f"incinerated + landfilled = {routes:g} {row['unit']} (every tonne generated goes one way)")
        return None

    def residue_rule(row: dict) -> str | None:
        burnt = row["thermal_recovery"] + row["incinerated"]
        if row["incineration_residue"] > burnt:
            return (f"incineration_residue: got {row['incineration_residue']:g} {row['unit']}; expected at most what "
                    f"was burnt, thermal_recovery + incinerated = {burnt:g} {row['unit']}")
        return None

    rules = (("recycled_resin", resin_rule, ("compound_mass", "added_virgin_mass", "unit")),
             ("appliance_recycling", appliance_rule, ("processed", "recycled", "unit")),
             ("weee_collection", country_rule, ("country",)),
             ("us_ewaste_collection", state_rule, ("kind", "state")),
             ("factory_waste", waste_rule, ("generated", *WASTE_ROUTES, "unit")),
             ("factory_waste", residue_rule, ("thermal_recovery", "incinerated", "incineration_residue", "unit")))
    for name, rule, needs in rules:
        if tables[name] is not None:
            problems += check_rows(tables[name], rule, needs=needs)
    return problems


def _site_method_problems(params: Parameters, sites: Table, inside: list[str], methods: dict[str, str],
                          root) -> list[Problem]:
    """Apply ``resources.site_input_methods`` to ``methods``; a key that is not a site inside the boundary is
    a mistake (its method would silently not apply)."""
    problems = []
    file = next((r.path for r in params.files if "site_input_methods" in _text(r.path, root)),
                params.files[0].path if params.files else "parameters")
    for site, method in params.resources.site_input_methods.items():
        if site in methods:
            methods[site] = str(method.value)
        else:
            problems.append(Problem(file, None, None, f"resources.site_input_methods.{site}: {site} is not a site inside "
                                    f"the boundary in {sites.display} for FY{params.fiscal_year}; expected one of "
                                    f"{', '.join(inside)}"))
    return problems


def _text(path: str, root) -> str:
    full = Path(path) if Path(path).is_absolute() or root is None else Path(root) / path
    try:
        return full.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _required_rows(tables: dict[str, Table | None], sites: Table, inside: set[str],
                   methods: dict[str, str]) -> list[Problem]:
    """Every site inside the boundary has its waste rows and the RES-01 rows its method needs."""
    wanted = {"purchased_materials": ("materials", "auxiliary_materials"),
              "products_auxiliary_waste": ("products_shipped", "auxiliary_materials")}
    problems = []
    present: dict[str, set] = {name: set() for name in ("resource_input", "factory_waste")}
    unsure: dict[str, set] = {name: set() for name in present}
    for name, key in (("resource_input", "item"), ("factory_waste", "stream")):
        table = tables[name]
        if table is None:
            continue
        known, site_known = table.parsed_rows(("site_id", key)), table.parsed_rows(("site_id",))
        present[name] = set(zip(table.data["site_id"][known], table.data[key][known]))
        # a row whose key cell is wrong may be the one missing: that is reported, the site is not judged
        unsure[name] = set(table.data["site_id"][site_known & ~known])
    sites_with_waste = {site for site, _ in present["factory_waste"]}
    for index, site in enumerate(sites.data["site_id"]):
        if site not in inside:
            continue
        where = f"{sites.where(index)}, inside the boundary"
        if tables["resource_input"] is not None and site not in unsure["resource_input"]:
            missing = [item for item in wanted[methods[site]] if (site, item) not in present["resource_input"]]
            if missing:
                problems.append(Problem(tables["resource_input"].display, None, None,
                                        f"no {' or '.join(missing)} row for site {site} ({where}); RES-01 by method "
                                        f"{methods[site]} ({INPUT_METHODS[methods[site]][0]}) needs one row of each of "
                                        f"{', '.join(wanted[methods[site]])}"))
        if tables["factory_waste"] is not None and site not in unsure["factory_waste"]:
            if site not in sites_with_waste:
                problems.append(Problem(tables["factory_waste"].display, None, None,
                                        f"no row for site {site} ({where}); expected one row per stream it generates "
                                        f"({', '.join(WASTE_STREAMS)})"))
    return problems


def _required_categories(table: Table | None, categories: list[str]) -> list[Problem]:
    """Every category of the statutory rates has its row: a category left out would understate RES-03."""
    if table is None:
        return []
    if any(not table.parsed(index, ("category",)) for index in range(len(table.data))):
        return []  # a category cell is wrong: that is reported, and may be the missing one
    present = set(table.data["category"])
    return [Problem(table.display, None, None, f"no row for category {category} (resources.appliance_statutory_rates); "
                    "expected one row per category, 0 when none was taken back")
            for category in categories if category not in present]


def load_inputs(params: Parameters, folder: Path, root: Path) -> ResourcesInputs:
    """:func:`load_resources_inputs`, as the family's declaration calls it."""
    return load_resources_inputs(params, folder, root=root)
