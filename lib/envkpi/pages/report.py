"""Display helpers for the report notebooks: results with units, tables, parameters, provenance, checks.

Notebooks call these so that a code cell stays one line of intent. Every helper renders HTML that
escapes text from the data, and formats numbers with thousands separators; full precision lives in
``results.csv``. :func:`show_result` and :func:`show_checks` also attach the machine-readable
bundles the runner collects (see :mod:`envkpi.core.results`).
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path

import matplotlib
import pandas as pd
import pint
from IPython.display import Markdown, display
from matplotlib.figure import Figure

from envkpi.core.catalogue import indicator
from envkpi.core.inputs import Problem
from envkpi.core.parameters import Parameters, describe, what_changed_problems
from envkpi.core.provenance import FileRecord, library_digest, package_versions
from envkpi.core.results import CHECK_MIME, PROVENANCE_MIME, RESULT_MIME, Check, make_result
from envkpi.core.units import Quantity, format_unit
from envkpi.families import load_parameters

__all__ = ["setup", "fmt", "show_result", "show_breakdown", "show_table", "show_parameters", "show_provenance", "show_software",
           "show_figure", "show_parameter_across_years", "say", "state_reading", "show_readings", "check", "check_close", "show_checks",
           "show_warnings", "show_what_changed"]


#: Resolution of report figures [dots per inch]: sharp on screen and in print on A4.
FIGURE_DPI = 120


def setup() -> None:
    """Matplotlib and pandas settings shared by every report (print-friendly, deterministic)."""
    matplotlib.rcParams.update({
        "figure.figsize": (8, 4.2),
        "figure.dpi": 110,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 9,
        "svg.hashsalt": "envkpi",
    })
    pd.set_option("display.max_rows", 200)


def fmt(value: pint.Quantity | float, unit: str | None = None, decimals: int | None = None) -> str:
    """Format a quantity for reading: ``449,281 t CO2``, ``89.5 percent``, ``0.4100 kg CO2 / kWh``.

    Parameters
    ----------
    value : Quantity or float
        The value; a quantity is converted to ``unit`` when given.
    unit : str, optional
        Unit to show the quantity in.
    decimals : int, optional
        Digits after the decimal point; by default none for a count and for zero, else fewer as the
        number grows.
    """
    if isinstance(value, pint.Quantity):
        quantity = value.to(unit) if unit else value
        number, unit_text = float(quantity.magnitude), format_unit(quantity.units)
    else:
        number, unit_text = float(value), unit or ""
    if decimals is None:
        size = abs(number)
        whole = unit_text == "count" or size == 0
        decimals = 0 if whole or size >= 1000 else 1 if size >= 10 else 2 if size >= 1 else 4
    text = f"{number:,.{decimals}f}"
    if unit_text == "percent":
        return f"{text} %"
    return f"{text} {unit_text}".rstrip()


def _bundle(html_text: str, plain: str, mime: str | None = None, payload: dict | None = None) -> None:
    data = {"text/html": html_text, "text/plain": plain}
    if mime:
        data[mime] = payload
    display(data, raw=True)


def show_result(indicator_id: str, quantity: pint.Quantity, *, fiscal_year: int, label: str | None = None) -> None:
    """Show an indicator's headline value with its unit, and record it for ``results.csv``.

    Parameters
    ----------
    indicator_id : str
        Catalogue id, e.g. ``<family prefix>-06``.
    quantity : Quantity
        The value; converted to the catalogue unit of the indicator.
    fiscal_year : int
        The year it belongs to.
    label : str, optional
        Text shown instead of the catalogue's English name.
    """
    result = make_result(indicator_id, quantity, fiscal_year)
    entry = indicator(indicator_id)
    name = html.escape(label or entry.name_en)
    value = fmt(result.value, result.unit)
    _bundle(
        f'<div class="envkpi-result"><span class="envkpi-id">{entry.id}</span> {name} '
        f'<span lang="ja">({html.escape(entry.name_ja)})</span>, FY{fiscal_year}: <strong>{html.escape(value)}</strong></div>',
        f"{entry.id} {label or entry.name_en}, FY{fiscal_year}: {value}",
        RESULT_MIME,
        {"results": [asdict(result)]},
    )


def show_breakdown(
    indicator_id: str,
    values: pd.Series | Mapping[str, float],
    *,
    unit: str,
    key: str,
    fiscal_year: int,
    labels: Mapping[str, str] | None = None,
) -> None:
    """Show and record an indicator's breakdown (e.g. by site or by gas) as a table.

    Parameters
    ----------
    indicator_id : str
        Catalogue id.
    values : Series or mapping
        Magnitudes by breakdown label (e.g. site id), in ``unit``.
    unit : str
        Unit of ``values``.
    key : str
        Breakdown dimension written in ``results.csv``: ``site`` gives ``site=JP-01``.
    fiscal_year : int
        The year.
    labels : mapping, optional
        Display names for the labels (e.g. site names).
    """
    results = [
        make_result(indicator_id, Quantity(float(v), unit), fiscal_year, f"{key}={label}")
        for label, v in values.items()
    ]
    entry = indicator(indicator_id)
    shown, others = _largest(list(zip(values.keys(), results)), MAX_ROWS, TOP_ROWS)
    rows = "".join(
        f"<tr><td>{html.escape(str(label))}</td><td>{html.escape((labels or {}).get(label, ''))}</td>"
        f'<td class="num">{html.escape(fmt(r.value, r.unit))}</td></tr>'
        for label, r in shown
    )
    if others:
        rows += (f"<tr><td>{len(others):,} others</td><td>the {len(shown)} largest are shown above; results.csv "
                 f'has each</td><td class="num">{html.escape(fmt(sum(r.value for _, r in others), others[0][1].unit))}'
                 "</td></tr>")
    _bundle(
        f'<table class="envkpi-breakdown"><caption>{entry.id} {html.escape(entry.name_en)} by {html.escape(key)}, '
        f"FY{fiscal_year}</caption><thead><tr><th>{html.escape(key)}</th><th></th><th>{html.escape(entry.unit)}</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>",
        "\n".join([*(f"{r.breakdown}: {fmt(r.value, r.unit)}" for _, r in shown),
                   *([f"{len(others):,} others: {fmt(sum(r.value for _, r in others), others[0][1].unit)}"] if others else [])]),
        RESULT_MIME,
        {"results": [asdict(r) for r in results]},
    )


#: A table or a breakdown with more rows than this shows TOP_ROWS of them and one row for the others (a
#: report of 5,000 sites stays readable and its page small); results.csv and the input files have them all.
MAX_ROWS = 100
#: Rows shown of a table or a breakdown longer than MAX_ROWS.
TOP_ROWS = 20


def _largest(pairs: list, limit: int, top: int) -> tuple[list, list]:
    """The (label, result) rows of a breakdown to show, and the others: all are shown when there are at
    most ``limit``; otherwise the ``top`` largest, largest first."""
    if len(pairs) <= limit:
        return pairs, []
    order = sorted(range(len(pairs)), key=lambda i: -pairs[i][1].value)
    return [pairs[i] for i in order[:top]], [pairs[i] for i in order[top:]]


def shortened(frame: pd.DataFrame, *, limit: int = MAX_ROWS, top: int = TOP_ROWS,
              top_by: str | None = None) -> tuple[pd.DataFrame, int]:
    """The rows of a table to show: all of them, or when there are more than ``limit``, ``top`` rows (the
    largest by ``top_by`` when given, else the first ones).

    Returns
    -------
    tuple
        (the rows shown, the number of rows left out).
    """
    if len(frame) <= limit:
        return frame, 0
    ordered = frame.sort_values(top_by, ascending=False, kind="stable") if top_by else frame
    return ordered.head(top), len(frame) - top


def show_table(frame: pd.DataFrame, *, caption: str | None = None, decimals: int | Mapping[str, int] = 1,
               index: bool = False, top_by: str | None = None) -> None:
    """Show a table with numbers formatted (thousands separators, right-aligned) and all text escaped.

    A table longer than :data:`MAX_ROWS` rows shows :data:`TOP_ROWS` of them (the largest by ``top_by``
    when given, else the first ones) and a last row counting the others.

    Parameters
    ----------
    frame : DataFrame
        The table; column names should carry their unit (``co2_t``, ``energy_gj``).
    caption : str, optional
        A caption above the table.
    decimals : int or mapping
        Digits after the decimal point, for all float columns or per column.
    index : bool
        Show the index as the first column.
    top_by : str, optional
        The column whose largest values are shown when the table is too long to show whole.
    """
    whole = frame.reset_index() if index else frame
    shown, left_out = shortened(whole, top_by=top_by)
    shown = shown.copy()
    numeric = {c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(shown[c])}
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            digits = decimals.get(column, 1) if isinstance(decimals, Mapping) else decimals
            shown[column] = shown[column].map(lambda v, d=digits: "" if pd.isna(v) else f"{v:,.{d}f}")
    if left_out:
        which = f"the {len(shown)} largest by {top_by}" if top_by else f"the first {len(shown)}"
        caption = (caption + " — " if caption else "") + f"{which} of {len(whole):,} rows"
        shown = shown.astype(object)
        shown.loc[len(shown)] = [f"… {left_out:,} more rows" if i == 0 else None for i in range(len(shown.columns))]
    _show_html_table(shown, numeric, caption)


_SEPARATOR = re.compile(r"([/_])(?=\w)|(\.)(?=[A-Za-z])")
_LONG_WORD = re.compile(r"[0-9A-Za-z]{24,}")


def _breakable(text: str) -> str:
    """Escaped text with line-break opportunities (``<wbr>``) where a long token may break on paper:
    after ``/`` and ``_``, and after ``.`` before a letter (paths, key names; never in a number), and every 16 characters of a long word
    such as a SHA-256. Nothing changes on screen; a narrow column wraps there instead of mid-word."""
    escaped = _SEPARATOR.sub(lambda m: m[0] + "<wbr>", html.escape(text))
    return _LONG_WORD.sub(lambda m: "<wbr>".join(m[0][i:i + 16] for i in range(0, len(m[0]), 16)), escaped)


def _show_html_table(shown: pd.DataFrame, numeric: set, caption: str | None, extra: dict | None = None) -> None:
    """Display a table as escaped HTML: text left-aligned, numbers right-aligned; plain text beside it."""
    def cell(tag: str, column, value) -> str:
        missing = value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))  # NA: a nullable integer
        text = "" if missing else str(value)
        number = column in numeric
        content = html.escape(text) if number and tag == "td" else _breakable(text)  # a figure never breaks
        return f'<{tag} class="num">{content}</{tag}>' if number else f"<{tag}>{content}</{tag}>"

    head = "".join(cell("th", c, c) for c in shown.columns)
    body = "".join("<tr>" + "".join(cell("td", c, v) for c, v in zip(shown.columns, row)) + "</tr>"
                   for row in shown.itertuples(index=False))
    title = f'<p class="envkpi-caption">{html.escape(caption)}</p>' if caption else ""
    data = {"text/html": f'{title}<table class="envkpi-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>',
            "text/plain": (caption + "\n" if caption else "") + shown.to_string(index=False)}
    display({**data, **(extra or {})}, raw=True)


def show_parameters(params: Parameters, *paths: str) -> None:
    """Show the parameters a section uses: key, value, unit, source, confidence.

    ``paths`` are dotted key paths; a path to a group (``<family>.electricity_factors``) shows every
    parameter under it.
    """
    rows = []
    for path in paths:
        for key, param in params.flat(path):
            rows.append({"parameter": key, **describe(param)})
    frame = pd.DataFrame(rows, columns=["parameter", "value", "unit", "source", "confidence"])
    show_table(frame)


def show_provenance(files: Iterable[FileRecord]) -> None:
    """Show the files a report read: role, path, SHA-256 of the bytes, data rows.

    The same list is attached for the runner, which writes it into ``manifest.json``.
    """
    records = [f.as_dict() for f in files]
    frame = pd.DataFrame(records, columns=["role", "path", "sha256", "rows"])
    frame["rows"] = frame["rows"].map(lambda r: "" if r is None or pd.isna(r) else str(int(r)))
    _show_html_table(frame, {"rows"}, "Files read (SHA-256 of their bytes; rows exclude the header)",
                     {PROVENANCE_MIME: {"files": records}})


def show_software() -> None:
    """Show the code that ran: the SHA-256 of the ``envkpi`` library's source files
    (:func:`envkpi.core.provenance.library_digest`) and the versions of Python and packages.

    The git commit of the project is the run's (``code_version`` in ``manifest.json``, on the auditor's
    pages): a report shows only what its results depend on, so that it stays the same, and its cached
    execution valid, while other files of the project are committed.
    """
    software = pd.DataFrame(
        [{"item": "envkpi library (SHA-256 of its source files)", "value": library_digest()}]
        + [{"item": k, "value": v} for k, v in package_versions().items()]
    )
    show_table(software, caption="Code and software")


def show_figure(figure: Figure, alt: str) -> None:
    """Show a figure as an embedded PNG with its alternative text (deterministic bytes, no pyplot state).

    Parameters
    ----------
    figure : Figure
        A matplotlib figure (see :mod:`envkpi.core.charts`).
    alt : str
        What the figure shows, for readers who cannot see it; also its plain-text form.
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=FIGURE_DPI, metadata={"Software": None})
    display({"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"), "text/plain": alt},
            metadata={"image/png": {"alt": alt}}, raw=True)


def show_what_changed(params: Parameters) -> None:
    """Show the year's statement of what changed from the previous year, as the year file words it.

    The statement is ``what_changed:`` of the year's parameter file, shown as written (escaped, its
    line breaks kept) under a caption naming the file; a statement that is missing, blank or still the
    placeholder of ``envkpi new-year`` is shown as not stated (:func:`envkpi.core.parameters.what_changed_problems`).
    """
    previous = f"FY{params.fiscal_year - 1}"
    file = params.file_of("what_changed") or f"parameters/FY{params.fiscal_year}.yaml"
    caption = f"What changed from {previous}, as the reporting team states it in {file} (what_changed)"
    if what_changed_problems(params, file):
        sentence = f"Not stated: the year file gives no statement of what changed from {previous}."
        _bundle(f'<div class="envkpi-what-changed"><p class="envkpi-caption">{html.escape(caption)}</p>'
                f'<p class="envkpi-missing">{html.escape(sentence)}</p></div>', f"{caption}:\n{sentence}")
        return
    statement = params.what_changed.strip()
    _bundle(f'<div class="envkpi-what-changed"><p class="envkpi-caption">{html.escape(caption)}</p>'
            f'<p class="envkpi-statement">{html.escape(statement)}</p></div>', f"{caption}:\n{statement}")


def show_parameter_across_years(root: Path, path: str) -> None:
    """Show one parameter's value in every fiscal year's file of ``parameters/``, with its source.

    Used where a method changed between years (e.g. a product lifetime, 20 → 25 years), so the
    report states every value and the years it applies to.
    """
    rows = []
    for file in sorted((root / "parameters").glob("FY*.yaml")):
        params = load_parameters(file, root=root)
        rows.append({"fiscal_year": f"FY{params.fiscal_year}", **describe(params.get(path))})
    show_table(pd.DataFrame(rows, columns=["fiscal_year", "value", "unit", "source", "confidence"]),
               caption=f"{path} in every fiscal year's parameter file")


#: The readings stated so far in this report (topic → sentence), listed by :func:`show_readings`.
_READINGS: dict[str, str] = {}


def state_reading(topic: str, template: str, **values: pint.Quantity | float | str) -> None:
    """State a reading of the standard's text next to its formula, and keep it for the list of readings.

    ``topic`` names what is read (e.g. ``"<id>.7 fans' energy"``); ``template`` and ``values`` are
    as for :func:`say`, so that a number in the sentence is generated from the value it states. The
    sentence is shown under a "Reading" label; :func:`show_readings` lists every reading of the report.
    Stating the same topic again (a cell run twice) replaces it.
    """
    formatted = {k: fmt(v) if isinstance(v, (pint.Quantity, float)) else str(v) for k, v in values.items()}
    sentence = template.format(**formatted) if values else template
    _READINGS[topic] = sentence
    _bundle(f'<div class="envkpi-reading"><strong>Reading — {html.escape(topic)}:</strong> {html.escape(sentence)}</div>',
            f"Reading — {topic}: {sentence}")


def show_readings() -> None:
    """The list of the readings stated in this report (:func:`state_reading`), in the order stated."""
    show_table(pd.DataFrame({"topic": list(_READINGS), "reading": list(_READINGS.values())}, columns=["topic", "reading"]),
               caption=f"Readings of the standard's text taken in this report ({len(_READINGS)})")


def say(template: str, **values: pint.Quantity | float | str) -> None:
    """Show a sentence whose numbers are generated from computed values.

    ``say("Scope 1 was {scope1}.", scope1=q)`` formats each quantity with :func:`fmt`; pass a
    pre-formatted string to control the format. The values are text, never markup: HTML and the
    characters Markdown and LaTeX would read (``* _ [ ] ` | $``) are escaped, so a name from the data
    such as ``<script>…`` or ``a_b*c`` shows as written.
    """
    formatted = {k: _plain(fmt(v) if isinstance(v, (pint.Quantity, float)) else str(v)) for k, v in values.items()}
    display(Markdown(template.format(**formatted)))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|$])")


def _plain(text: str) -> str:
    """Text to insert into Markdown as it is: HTML-escaped, Markdown and math characters backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def check(name: str, passed: bool, detail: str) -> Check:
    """A named pass/fail test with a sentence saying what was compared."""
    return Check(name=name, passed=bool(passed), detail=detail)


def check_close(name: str, left: pint.Quantity, right: pint.Quantity, *, rel: float = 1e-9) -> Check:
    """Check that two quantities agree to a relative tolerance (rounding only)."""
    right_in_left = right.to(left.units)
    difference = abs(left.magnitude - right_in_left.magnitude)
    scale = max(abs(left.magnitude), abs(right_in_left.magnitude), 1e-300)
    return check(name, difference <= rel * scale,
                 f"{fmt(left)} vs {fmt(right_in_left)}; difference {difference:.3g} {format_unit(left.units)}")


def show_checks(checks: Iterable[Check]) -> None:
    """Show checks as a pass/fail table and record them; the run fails if any check fails."""
    checks = list(checks)
    rows = "".join(
        f'<tr class="{"pass" if c.passed else "fail"}"><td>{"✔ pass" if c.passed else "✘ FAIL"}</td>'
        f"<td>{html.escape(c.name)}</td><td>{html.escape(c.detail)}</td></tr>"
        for c in checks
    )
    _bundle(
        f'<table class="envkpi-checks"><thead><tr><th>result</th><th>check</th><th>detail</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>",
        "\n".join(f"{'PASS' if c.passed else 'FAIL'}  {c.name}: {c.detail}" for c in checks),
        CHECK_MIME,
        {"checks": [asdict(c) for c in checks]},
    )


def problems_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """Problems as a table (file, row, column, message), e.g. to show warnings in a report."""
    return pd.DataFrame([asdict(p) for p in problems], columns=["file", "row", "column", "message"])


def show_warnings(warnings: Iterable[Problem]) -> None:
    """Show the warnings of a report's inputs (values outside their typical range), if there are any.

    A table of file, row (file line, header = 1), column and message under a sentence saying what they
    are; nothing at all when there are none, so a report without warnings is unchanged.
    """
    warnings = list(warnings)
    if not warnings:
        return
    count = f"{len(warnings)} input value{'s' if len(warnings) != 1 else ''}"
    frame, left_out = shortened(problems_table(warnings))
    frame = frame.copy()
    frame["row"] = frame["row"].map(lambda r: "" if r is None or pd.isna(r) else str(int(r)))
    frame["column"] = frame["column"].fillna("")
    if left_out:
        frame.loc[len(frame)] = [f"… {left_out:,} more warnings (envkpi run prints them all)"] + [""] * (len(frame.columns) - 1)
    _show_html_table(frame, {"row"}, f"⚠ Warning: {count} outside the typical range (data/README.md, "
                     "Plausible ranges). The calculation uses "
                     f"{'it' if len(warnings) == 1 else 'them'} as given: check each value and its unit.")
