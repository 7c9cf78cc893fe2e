"""The layout of the library: a family is a folder, shared modules name no family, imports go one way.

Everything specific to a family lives in ``lib/envkpi/families/<name>/``; the shared modules
(``core``, ``cycle``, ``pages``, ``running``, the command line and the registry) learn the families
only from the registry (:mod:`envkpi.families`) and the catalogue. These tests read the source.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

import envkpi
from envkpi.core.catalogue import catalogue
from envkpi.core.sites import SITES
from envkpi.families import families

LIB = Path(envkpi.__file__).parent
FAMILY_DIR = LIB / "families"

#: The layers, lowest first: a module may import from its own layer and the ones below, never above.
#: (``families`` holds the registry, ``families/__init__.py``, and the family folders.)
LAYERS = ("core", "families", "cycle", "pages", "running", "cli")
#: Tables of the ground floor that families read: the site register.
SHARED_TABLES = (SITES,)


def shared_modules() -> list[Path]:
    """Every module of the library outside the family folders."""
    return sorted(p for p in LIB.rglob("*.py")
                  if not (p.is_relative_to(FAMILY_DIR) and p.parent != FAMILY_DIR))


def family_words() -> dict[str, set[str]]:
    """Family → the names that belong to it alone: its name, its modules, its indicator ids, its tables
    and history files, the parameter models, loaders and charts it defines."""
    words: dict[str, set[str]] = {}
    for family in families():
        found = {family.name}
        found |= {entry.id for entry in catalogue() if entry.family == family.name}
        folder = FAMILY_DIR / family.name
        found |= {p.stem for p in folder.glob("*.py") if p.stem not in ("__init__", "calculations", "parameters",
                                                                        "tables", "charts", "history")}
        found |= {spec.name for spec in family.tables if spec not in SHARED_TABLES}
        found |= {h.spec.name for h in family.histories} | {Path(h.path).stem for h in family.histories}
        found |= {spec.name for spec in family.reference_tables}
        for module_name in ("parameters", "tables", "charts"):
            try:
                module = __import__(f"envkpi.families.{family.name}.{module_name}", fromlist=["_"])
            except ModuleNotFoundError:
                continue
            for name, value in vars(module).items():
                if getattr(value, "__module__", None) != module.__name__ or name.startswith("_"):
                    continue
                if (inspect.isclass(value) and issubclass(value, BaseModel)) or inspect.isfunction(value) \
                        or module_name == "tables" and name.isupper():
                    found.add(name)
        words[family.name] = found - {"load_inputs"}  # the loader every family declares, by the same name
    return words


def test_every_family_has_words_to_look_for():
    words = family_words()
    assert set(words) == {f.name for f in families()} and all(len(w) > 3 for w in words.values())
    assert {"Production", "load_production_inputs", "site_history", "PRD-01"} <= words["production"]
    assert {"ventilation", "HeatExchange", "pv_shipments", "CO2-03"} <= words["avoided_emissions"]


def _without_keyword_names(text: str) -> list[str]:
    """The lines of a module with the name of every keyword argument of a call left out (``name=``): it is a
    parameter of the function called, often another package's (nbclient's ``resources=``), not a word of the
    module's own. The value passed is kept, and checked."""
    lines = text.splitlines()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.keyword) and node.arg:
            number = node.lineno - 1
            lines[number] = re.sub(rf"(?<![\w-]){re.escape(node.arg)}\s*=(?!=)", "=", lines[number], count=1)
    return lines


@pytest.mark.parametrize("path", shared_modules(), ids=lambda p: str(p.relative_to(LIB)))
def test_a_shared_module_names_no_family(path: Path):
    text = path.read_text(encoding="utf-8")
    hits = [f"{path.relative_to(LIB)}:{number}: {word} ({family})"
            for family, words in family_words().items() for word in sorted(words)
            for number, line in enumerate(_without_keyword_names(text), start=1)
            if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", line)]
    assert hits == [], "a shared module names a family; declare it in the family's folder instead:\n" + "\n".join(hits)


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "envkpi" or len(parts) == 1:
        return None
    return parts[1] if parts[1] in LAYERS else None


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [f"{node.module}.{alias.name}" if node.module == "envkpi" else node.module for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return found


@pytest.mark.parametrize("path", sorted(LIB.rglob("*.py")), ids=lambda p: str(p.relative_to(LIB)))
def test_imports_go_one_way(path: Path):
    """core ← families ← cycle ← pages ← running ← cli; a family folder imports only the ground floor
    (``envkpi.core``) and its own modules, never the registry or another family."""
    module = ".".join(path.relative_to(LIB.parent).with_suffix("").parts).removesuffix(".__init__")
    own = _layer(module) or "cli"
    in_family = path.is_relative_to(FAMILY_DIR) and path.parent != FAMILY_DIR
    wrong = []
    for imported in _imports(path):
        layer = _layer(imported)
        if layer is None:
            continue
        if in_family:
            family = path.relative_to(FAMILY_DIR).parts[0]
            if layer != "core" and not imported.startswith(f"envkpi.families.{family}"):
                wrong.append(imported)
        elif LAYERS.index(layer) > LAYERS.index(own):
            wrong.append(imported)
    assert wrong == [], f"{module} imports from a layer above it: {', '.join(wrong)}"


def test_every_built_family_has_its_notebook_and_its_section():
    root = LIB.parent.parent
    for family in families():
        assert (root / "notebooks" / f"{family.name}.ipynb").is_file()
        assert (FAMILY_DIR / family.name / "__init__.py").is_file()
