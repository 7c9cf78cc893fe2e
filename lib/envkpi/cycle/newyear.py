"""Start a new fiscal year: ``envkpi new-year 2019``.

:func:`new_year` creates, from the previous year (or ``source_year``):

- ``parameters/FY<year>.yaml``: the source year's file with ``fiscal_year`` advanced, a new opening
  comment, ``what_changed:`` holding the placeholder :func:`~envkpi.core.parameters.what_changed_placeholder`
  (the year's statement of what changed, which a run refuses until it is written), ``explanations: {}``
  with a comment showing their form (the statement and the explanations belong to one year and are
  never carried) and
  ``carried_over_from: <source>`` added to every value it carries — every parameter (a mapping with
  ``value``), every boundary exclusion and the ``standard`` block — each with the end-of-line comment
  ``# carried over from FY<source>: confirm value and source, then delete carried_over_from``.
  The file is edited with ruamel.yaml's round trip, so the source's comments, key order, quoting and
  flow or block style are kept;
- ``data/FY<year>/<table>.csv``: an empty template of every input table of the year (header row only);
- ``data/FY<year>/README.md``: the data dictionary of those tables, generated from their specs
  (:func:`template_dictionary`).

The tables are collected from sites and departments with Excel forms (``envkpi forms --fy <year>``,
:mod:`envkpi.cycle.forms`), which the data folder's README and the command's last message mention.

Nothing is ever overwritten: if the year's parameter file or data folder exists, nothing is written.
A run of the new year refuses it until every table is filled and every carried value confirmed
(:func:`envkpi.core.parameters.carried_over` lists what is still marked).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from envkpi.core.inputs import Column, TableSpec, data_dir, japanese_header
from envkpi.core.parameters import (
    EXPLANATION_FORM,
    WHAT_CHANGED_PLACEHOLDER,
    ParameterError,
    carried_over,
    parameter_file,
    what_changed_placeholder,
)
from envkpi.families import families, histories, load_parameters, year_tables

__all__ = ["NewYearError", "YEAR_TABLES", "WHAT_CHANGED_PLACEHOLDER", "new_year", "carry_over_parameters",
           "template_dictionary", "carried_comment"]

#: Every input table of a fiscal year's data folder, in the order they are documented.
YEAR_TABLES: tuple[TableSpec, ...] = year_tables()

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")

_MARK = "carried_over_from"
_FORMER = re.compile(r";?\s*carried over from FY\d+: confirm value and source, then delete carried_over_from")


class NewYearError(Exception):
    """A new fiscal year that cannot be created (it exists already, or its source year is missing)."""


def carried_comment(source_year: int) -> str:
    """The end-of-line comment next to every ``carried_over_from`` marker."""
    return f"carried over from FY{source_year}: confirm value and source, then delete {_MARK}"


# --- the parameter file ----------------------------------------------------------------------------

def _yaml() -> YAML:
    yaml = YAML()  # round trip: comments, key order, anchors, quoting and flow style are kept
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the long one-line parameters
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _period_text(year: int, start_month: int) -> str:
    start = date(year, start_month, 1)
    end = date(year + 1, start_month, 1) - timedelta(days=1)
    return f"{start.day} {_MONTHS[start.month - 1]} {start.year} to {end.day} {_MONTHS[end.month - 1]} {end.year}"


def _is_block(node: Any) -> bool:
    return isinstance(node, (CommentedMap, CommentedSeq)) and not node.fa.flow_style()


def _slot(container: CommentedMap | CommentedSeq) -> int:
    """Index of the end-of-line comment in ``container.ca.items[key]`` (ruamel: 2 for maps, 0 for seqs)."""
    return 2 if isinstance(container, CommentedMap) else 0


def _eol_token(container: CommentedMap | CommentedSeq, key: Any) -> CommentToken | None:
    entry = container.ca.items.get(key)
    slot = _slot(container)
    return entry[slot] if entry and len(entry) > slot else None


def _set_eol_token(container: CommentedMap | CommentedSeq, key: Any, token: CommentToken) -> None:
    entry = container.ca.items.get(key)
    size = 4 if isinstance(container, CommentedMap) else 2
    if not entry:
        entry = [None] * size
        container.ca.items[key] = entry
    entry[_slot(container)] = token


def _split(value: str) -> tuple[str, str]:
    """A comment token's text: (the comment on the line itself, or '', and what follows the line)."""
    line, newline, rest = value.partition("\n")
    return line.strip(), rest if newline else ""


def _add_line_comment(container: CommentedMap | CommentedSeq, key: Any, text: str) -> None:
    """Put ``text`` as the end-of-line comment of ``container[key]``'s line, keeping what is there: an
    existing comment on that line (less a former carried-over comment, which ``text`` replaces) and the
    blank lines or comment lines that follow it."""
    token = _eol_token(container, key)
    if token is None:
        _set_eol_token(container, key, CommentToken(f" # {text}\n", CommentMark(0)))
        return
    line, rest = _split(token.value)
    old = _FORMER.sub("", line.lstrip("#")).strip()  # a former carried-over comment is replaced
    if old:
        text = f"{old}; {text}"
    # the token may be shared with a flow mapping's own comment: change it in place, never replace it
    token.value = f" # {text}\n{rest}"
    token.start_mark = CommentMark(0)


def _trailing(mapping: CommentedMap) -> tuple[CommentedMap | CommentedSeq, Any] | None:
    """The (container, key) whose comment token holds what follows the last line of a block ``mapping``
    (blank lines, comments before the next key), so that a key appended to it can take them over."""
    node: Any = mapping
    while _is_block(node) and len(node):
        key = next(reversed(node)) if isinstance(node, CommentedMap) else len(node) - 1
        child = node[key]
        if _is_block(child) and len(child):
            node = child
            continue
        return node, key
    return None


def _append_marked(mapping: CommentedMap, key: str, value: Any, comment: str | None) -> None:
    """Append ``key: value`` to a block ``mapping`` (or set it where it is), with an end-of-line comment;
    the blank lines and comments that followed the mapping's last line follow the new key instead."""
    if key in mapping:
        mapping[key] = value
        if comment:
            _add_line_comment(mapping, key, comment)
        return
    moved = ""
    last = _trailing(mapping)
    if last is not None:
        token = _eol_token(*last)
        if token is not None:
            line, rest = _split(token.value)
            if rest:
                token.value = (f"# {line.lstrip('#').strip()}\n" if line else "\n")
                moved = rest
    mapping[key] = value
    text = f" # {comment}\n" if comment else "\n"
    if comment or moved:
        _set_eol_token(mapping, key, CommentToken(text + moved, CommentMark(0)))


def _targets(document: CommentedMap) -> Iterator[tuple[str, CommentedMap, list[tuple[Any, Any]]]]:
    """Every mapping to mark: (key path as carried_over() spells it, the mapping, the (container, key)
    pairs from the document down to it)."""
    seen: set[int] = set()

    def walk(node: Any, path: str, chain: list[tuple[Any, Any]]) -> Iterator:
        if isinstance(node, CommentedMap):
            if id(node) in seen:  # an alias of a mapping marked already
                return
            if "value" in node:
                seen.add(id(node))
                yield path, node, chain
                return
            for key, child in node.items():
                yield from walk(child, f"{path}.{key}" if path else str(key), chain + [(node, key)])
        elif isinstance(node, CommentedSeq):
            for number, child in enumerate(node):
                yield from walk(child, f"{path}[{number}]", chain + [(node, number)])

    for key, child in document.items():
        if key == "explanations":
            continue
        if key == "standard" and isinstance(child, CommentedMap):
            seen.add(id(child))
            yield "standard", child, [(document, key)]
            continue
        if key == "boundary" and isinstance(child, CommentedMap):
            exclusions = child.get("excluded_entities")
            for number, item in enumerate(exclusions if isinstance(exclusions, CommentedSeq) else ()):
                if isinstance(item, CommentedMap) and id(item) not in seen:
                    seen.add(id(item))
                    yield (f"boundary.excluded_entities[{number}]", item,
                           [(document, key), (child, "excluded_entities"), (exclusions, number)])
        yield from walk(child, str(key), [(document, key)])


def _mark(document: CommentedMap, source_year: int) -> list[str]:
    comment = carried_comment(source_year)
    commented: set[tuple[int, Any]] = set()
    paths = []
    for path, mapping, chain in _targets(document):
        paths.append(path)
        if _is_block(mapping):
            _append_marked(mapping, _MARK, source_year, comment)
            continue
        mapping[_MARK] = source_year  # a flow mapping: the comment goes at the end of its line
        for container, key in reversed(chain):
            if _is_block(container):
                if (id(container), key) not in commented:  # one comment for a line of several values
                    commented.add((id(container), key))
                    _add_line_comment(container, key, comment)
                break
    return paths


def _drop_last_comment_lines(value: str) -> str:
    """A comment token's text without the comment lines at its end (those just above the next key)."""
    first, newline, rest = value.partition("\n")
    lines = rest.splitlines(keepends=True)
    while lines and lines[-1].strip().startswith("#"):
        lines.pop()
    return first + newline + "".join(lines)


def _explanation_examples() -> list[tuple[str, str]]:
    """An indicator id and a reason it may move, from each family that declares one."""
    return [family.explanation_example for family in families() if family.explanation_example]


def _reset_explanations(document: CommentedMap, year: int) -> None:
    """``explanations: {}`` with a comment saying what goes there: explanations are the year's own, so
    the source's (and the comment above them, which speaks of the source year) are not carried.
    Placed where the source had them, else after ``extends``."""
    note = CommentToken(
        f"# Why headline results moved by more than the flag threshold since FY{year - 1}: one line per flagged\n"
        f"# indicator with the change it explains (signed percent change of the headline since FY{year - 1}), e.g.\n"
        + "".join(f"#   {indicator_id}: {EXPLANATION_FORM.replace('why it moved', why)}\n"
                  for indicator_id, why in _explanation_examples())
        + "# Per year, never carried over. A flagged change without an explanation, or with a stated change of the\n"
        "# other sign or more than changes.explanation_tolerance away from the observed one, stops the run.\n",
        CommentMark(0))
    value = CommentedMap()
    value.fa.set_flow_style()
    after = "\n"
    if "explanations" in document:
        old = document["explanations"]
        keys = list(document)
        previous = keys[keys.index("explanations") - 1] if keys.index("explanations") else None
        if previous is not None:  # the comment above the key may be held by what precedes it
            child = document[previous]
            last = _trailing(child) if _is_block(child) and len(child) else (document, previous)
            token = _eol_token(*last) if last else None
            if token is not None:
                token.value = _drop_last_comment_lines(token.value)
        entry = document.ca.items.get("explanations") or [None] * 4
        before = []
        for token in entry[1] or []:  # keep the blank lines above the key, not the source's comment
            if token is None or token.value.strip():
                break
            before.append(token)
        last = _trailing(old) if _is_block(old) and len(old) else None
        token = _eol_token(*last) if last else entry[2]
        if token is not None:
            after = "\n" + _split(token.value)[1]  # the blank lines before the next key
        document["explanations"] = value
    else:
        anchor = next((a for a in ("what_changed", "extends", "fiscal_year") if a in document), None)
        position = list(document).index(anchor) + 1 if anchor else len(document)
        document.insert(position, "explanations", value)
        entry, before = [None] * 4, []
        token = _eol_token(document, anchor) if anchor else None
        # after a block scalar (what_changed: |-) the token holds only the lines that follow it
        block = anchor is not None and isinstance(document[anchor], (LiteralScalarString, FoldedScalarString))
        follows = (token.value if block else _split(token.value)[1]) if token is not None else ""
        if not follows:  # a blank line between the anchor and the comment
            before = [CommentToken("\n", CommentMark(0))]
        after = "\n\n"
    document.ca.items["explanations"] = [None, [*before, note], CommentToken(after, CommentMark(0)), None]


def _blank(token: CommentToken | None) -> bool:
    return token is not None and not token.value.strip()


def _ends_blank(document: CommentedMap, key: Any) -> bool:
    """Whether a blank line follows the value of ``document[key]`` (before the next key)."""
    child = document[key]
    last = _trailing(child) if _is_block(child) and len(child) else (document, key)
    token = _eol_token(*last) if last else None
    if token is None:
        return False
    lines = _split(token.value)[1].splitlines(keepends=True)
    return bool(lines) and not lines[0].strip()


def _reset_what_changed(document: CommentedMap, source_year: int) -> None:
    """``what_changed:`` holding the placeholder, as a literal block to write over, with a comment above
    it saying what goes there. The source's statement (and the comment above it) is not carried: it
    speaks of the source year. Placed where the source had it, else after ``extends``."""
    note = CommentToken(
        f"# What changed from FY{source_year}, in the team's words (method, factors, boundary, sites): shown at\n"
        "# the top of the changes report and of the index. A run refuses the placeholder below.\n",
        CommentMark(0))
    value = LiteralScalarString(what_changed_placeholder(source_year))
    keys = list(document)
    if "what_changed" in document:
        old = document["what_changed"]
        at = keys.index("what_changed")
        if at:  # the comment above the key may be held by what precedes it
            child = document[keys[at - 1]]
            last = _trailing(child) if _is_block(child) and len(child) else (document, keys[at - 1])
            token = _eol_token(*last) if last else None
            if token is not None:
                token.value = _drop_last_comment_lines(token.value)
        entry = document.ca.items.get("what_changed") or [None] * 4
        before = []
        for token in entry[1] or []:  # keep the blank lines above the key, not the source's comment
            if not _blank(token):
                break
            before.append(token)
        if not before and at and not _ends_blank(document, keys[at - 1]):
            before = [CommentToken("\n", CommentMark(0))]  # a blank line between the previous key and the comment
        after = entry[2]
        if after is not None and not isinstance(old, (LiteralScalarString, FoldedScalarString)):
            # after a one-line value the token holds the end of that line (and its comment), then what
            # follows; after a block scalar, only what follows
            after = CommentToken(_split(after.value)[1], CommentMark(0)) if _split(after.value)[1] else None
        document["what_changed"] = value
    else:
        anchor = next((a for a in ("extends", "fiscal_year") if a in document), None)
        position = keys.index(anchor) + 1 if anchor else len(document)
        document.insert(position, "what_changed", value)
        before = [CommentToken("\n", CommentMark(0))]
        token = _eol_token(document, anchor) if anchor else None
        rest = _split(token.value)[1] if token is not None else ""
        if rest:  # what followed the anchor's line (blank lines, a comment above the next key) follows the new key
            token.value = token.value[:len(token.value) - len(rest)]
            after = CommentToken(rest, CommentMark(0))
        else:
            following = keys[position] if position < len(keys) else None
            above = (document.ca.items.get(following) or [None, None])[1] if following is not None else None
            after = None if above and _blank(above[0]) else CommentToken("\n", CommentMark(0))
    document.ca.items["what_changed"] = [None, [*before, note] if before else [note], after, None]


def carry_over_parameters(text: str, *, year: int, source_year: int, today: date,
                          start_month: int = 4) -> tuple[str, list[str]]:
    """The parameter file of ``year`` made from the text of ``source_year``'s file.

    Sets ``fiscal_year``, replaces the opening comment, sets ``what_changed:`` to its placeholder and
    ``explanations: {}``, and marks every carried value with ``carried_over_from: <source_year>`` and
    its end-of-line comment; comments and layout of the source are kept. Pure: reads and writes no file.

    Returns
    -------
    tuple
        The new file's text, and the key paths marked (as :func:`envkpi.core.parameters.carried_over` lists them).
    """
    yaml = _yaml()
    document = yaml.load(text)
    if not isinstance(document, CommentedMap):
        raise NewYearError("the source parameter file is not a mapping of keys")

    if "fiscal_year" in document:
        document["fiscal_year"] = year
    else:
        document.insert(0, "fiscal_year", year)
    document.yaml_set_start_comment(
        f"FY{year} — {_period_text(year, start_month)}. "
        f"Created by envkpi new-year from FY{source_year} on {today.isoformat()}."
    )
    _reset_explanations(document, year)
    _reset_what_changed(document, source_year)
    document.pop("restatement_reason", None)  # a restatement's reason is of that year alone

    paths = _mark(document, source_year)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue(), paths


# --- the data templates ----------------------------------------------------------------------------

def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _type(column: Column) -> str:
    if column.kind == "unit":
        return "unit string" + (f" ({' or '.join(column.dimensions)})" if column.dimensions else "")
    if column.kind == "boolean":
        return "boolean (`true` / `false`)"
    return column.kind


def _unit(column: Column) -> str:
    if column.unit_column:
        return f"from column `{column.unit_column}`"
    if column.unit:
        return f"`{column.unit}`"
    return "—"


def template_dictionary(specs: Iterable[TableSpec], *, fiscal_year: int | None = None) -> str:
    """The ``README.md`` of a new year's data folder: the data dictionary of the empty ``specs`` tables.

    Per table its description and key; per column its name, type, unit (fixed, or from another
    column), whether it is required, its minimum, allowed values and description.
    """
    specs = list(specs)
    year = f"FY{fiscal_year}" if fiscal_year is not None else "FY<yyyy>"
    run = f"envkpi run --fy {fiscal_year}" if fiscal_year is not None else "envkpi run --fy <yyyy>"
    previous = f"FY{fiscal_year - 1}" if fiscal_year is not None else "the previous year"
    lines = [
        f"# {year} input tables — empty templates to fill",
        "",
        "The tables in this folder were created by `envkpi new-year` as **empty templates**: each CSV",
        "holds its header row only. Fill in every table, one row per record, as described below.",
        "",
        f"**`{run}` refuses to run until this is done**: it lists every table that is still empty and",
        f"every value of `parameters/{year}.yaml` still marked `carried_over_from` (a value carried over",
        "from the previous year: confirm the value and its source, then delete `carried_over_from`).",
        "",
        "## General rules",
        "",
        "- UTF-8, comma-separated, one header row (keep it as it is), no index column. Quote a value",
        "  that contains a comma.",
        "- An empty field is no value; a required column must not be empty. Numbers are plain",
        "  (`1234.5`: no thousands separators, no units in the cell).",
        "- A column whose unit is “from column `X`” takes its unit from column `X` of the same row, as a",
        "  unit string (e.g. `kWh`, `MWh`, `GJ`, `t`, `kNm3`, `kL`, `kW`); otherwise the fixed unit shown applies.",
        "- Keys (site ids, fuels, suppliers, regions, categories, host products …) must be spelled exactly",
        f"  as in `sites.csv` and the keys of `parameters/{year}.yaml` (with `parameters/common.yaml`).",
        "- A table may instead be given as `<table>.xlsx`, or as a sheet named after it in another workbook",
        "  of this folder; a header may be the column's name or its Japanese header (shown below), with a unit",
        "  in brackets (`quantity [t]`). A CSV file saved by Japanese Excel as *CSV* (CP932) is read when the",
        f"  year's parameters declare it: `inputs: {{encodings: {{<table>.csv: cp932}}}}` in `parameters/{year}.yaml`.",
        "- The full dictionary, with the formulas and examples, is `data/README.md`.",
        f"- To collect the tables from sites and departments: `envkpi forms --fy {fiscal_year or '<yyyy>'}` writes an Excel",
        "  form per table (`--site JP-01` or `--site all`: per site) with drop-down lists, number checks and last",
        "  year's values; a returned form is put in this folder as it is (see the main README, \"Collection forms\").",
        "",
        "Read by the run but not in this folder (they serve every year): "
        + ", ".join(f"`{history.path}`" for history in histories())
        + f" (add the published {previous} figures)"
        + "".join(f", `data/reference/{spec.file_name}`" for family in families() for spec in family.reference_tables)
        + ".",
        "",
        "## Tables",
        "",
    ]
    lines += [f"- `{spec.file_name}` — {_cell(spec.description)}" for spec in specs]
    lines.append("")
    for spec in specs:
        lines += [f"### `{spec.file_name}`", "", _cell(spec.description), ""]
        if spec.unique:
            keys = ", ".join(f"`{name}`" for name in spec.unique)
            lines += [f"One row per {keys} (unique{' together' if len(spec.unique) > 1 else ''}).", ""]
        lines += [
            "| column | type | unit | required | minimum | allowed values | description |",
            "|---|---|---|---|---|---|---|",
        ]
        for column in spec.columns:
            allowed = ", ".join(f"`{value}`" for value in column.allowed) if column.allowed else "—"
            minimum = f"{column.minimum:g}" if column.minimum is not None else "—"
            lines.append(
                f"| `{column.name}` | {_type(column)} | {_unit(column)} | {'yes' if column.required else 'no'} "
                f"| {minimum} | {allowed} | {_cell(column.description)}{_japanese(spec, column)} |"
            )
        lines.append("")
    return "\n".join(lines)


def _japanese(spec: TableSpec, column: Column) -> str:
    """The Japanese header that may stand for the column, as the end of its description."""
    header = japanese_header(spec.name, column.name)
    return f" (Japanese header: {header})" if header else ""


def _header(spec: TableSpec) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([column.name for column in spec.columns])
    return out.getvalue()


# --- the new year ----------------------------------------------------------------------------------

def new_year(root: Path, year: int, *, source_year: int | None = None, today: date) -> list[Path]:
    """Create fiscal year ``year``: its parameter file, carried over from ``source_year``, and empty
    templates of its input tables with their data dictionary.

    Parameters
    ----------
    root : Path
        Project root (holds ``parameters/`` and ``data/``).
    year : int
        The new fiscal year.
    source_year : int, optional
        The year whose parameter file is carried over; by default ``year - 1``.
    today : date
        The creation date written in the new file's opening comment.

    Returns
    -------
    list of Path
        The files written, sorted.

    Raises
    ------
    NewYearError
        If ``parameters/FY<year>.yaml`` or ``data/FY<year>`` exists (nothing is written), the source
        year's parameter file is missing or does not load, or a file cannot be written (what was
        written is removed).
    """
    root = Path(root)
    source_year = year - 1 if source_year is None else source_year
    target = parameter_file(root, year)
    folder = data_dir(root, year)
    existing = [path for path in (target, folder) if path.exists() or path.is_symlink()]
    if existing:
        names = " and ".join(_shown(path, root) for path in existing)
        raise NewYearError(f"FY{year} exists already ({names}); new-year never overwrites a year — "
                           "delete it first to start the year again")
    if source_year == year:
        raise NewYearError(f"the source year must differ from the new year FY{year}")
    source = parameter_file(root, source_year)
    if not source.is_file():
        raise NewYearError(f"cannot create FY{year} from FY{source_year}: {_shown(source, root)} not found")
    try:
        source_params = load_parameters(source, root=root)
    except ParameterError as exc:
        raise NewYearError(f"cannot create FY{year} from FY{source_year}: {_shown(source, root)} does not load; "
                           f"fix it first.\n{exc}") from None
    if source_params.fiscal_year != source_year:
        raise NewYearError(f"{_shown(source, root)} says fiscal_year: {source_params.fiscal_year}, not {source_year}")

    text, marked = carry_over_parameters(
        source.read_text(encoding="utf-8"), year=year, source_year=source_year, today=today,
        start_month=int(source_params.fiscal_year_start_month.value),
    )
    files = {target: text, folder / "README.md": template_dictionary(YEAR_TABLES, fiscal_year=year)}
    files.update({folder / spec.file_name: _header(spec) for spec in YEAR_TABLES})

    written: list[Path] = []
    created = False
    try:
        folder.mkdir(parents=True)
        created = True
        for path, content in files.items():
            with open(path, "x", encoding="utf-8", newline="") as handle:  # "x": never overwrite
                handle.write(content)
            written.append(path)
        _check(target, root, marked, year)
    except BaseException as exc:
        for path in written:
            path.unlink(missing_ok=True)
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        if isinstance(exc, OSError):  # a folder that cannot be written, a full disk: say where, keep nothing
            where = _shown(Path(exc.filename), root) if exc.filename else _shown(folder, root)
            raise NewYearError(f"cannot create FY{year}: {where}: {exc.strerror or exc} (nothing kept)") from None
        raise
    return sorted(written)


def _check(target: Path, root: Path, marked: list[str], year: int) -> None:
    """The new file loads, is the new year, and every marked value is listed by carried_over()."""
    try:
        params = load_parameters(target, root=root)
    except ParameterError as exc:
        raise NewYearError(f"the new parameter file does not load (nothing kept):\n{exc}") from None
    listed = {path for path, _ in carried_over(params)}
    missing = [path for path in marked if path not in listed]
    if params.fiscal_year != year or missing:
        raise NewYearError(f"the new parameter file is inconsistent (nothing kept): fiscal_year "
                           f"{params.fiscal_year}, marked but not listed: {', '.join(missing) or 'none'}")


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
