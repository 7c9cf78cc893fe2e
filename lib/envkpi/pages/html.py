"""Self-contained HTML export of executed report notebooks.

The page produced here is meant for publication: it opens in a browser
without any network access and contains only what a reader needs.

* It is based on nbconvert's ``lab`` template through the ``envkpi_report``
  template folder next to this module, which drops every external load
  (require.js, MathJax, Mermaid, the widget manager).
* Code inputs and In/Out prompts are hidden. Cells tagged ``remove-cell`` are
  dropped, outputs of cells tagged ``remove-output`` too.
* LaTeX formulas (``$...$`` and ``$$...$$``) in markdown cells, ``text/markdown``
  and ``text/latex`` outputs are converted to MathML with latex2mathml, which
  browsers render natively. A formula latex2mathml cannot handle stays
  visible as TeX source in a ``<code class="math-error">`` element.
* Images are embedded as data URIs; a remote ``<img>``/``<iframe>`` that
  slipped in through markdown or an HTML output is replaced by a link.
* The output is deterministic: the same notebook gives the same bytes.

Examples
--------
>>> import nbformat
>>> from envkpi.pages.html import write_html
>>> nb = nbformat.read("executed.ipynb", as_version=4)  # doctest: +SKIP
>>> write_html(nb, "report.html")  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import hashlib
import html
import json
import logging
import multiprocessing
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from xml.etree import ElementTree

from bs4 import BeautifulSoup
from jinja2 import pass_context
from latex2mathml.converter import convert_to_element
from nbconvert.exporters import HTMLExporter
from nbformat import NotebookNode
from traitlets.config import Config

from envkpi.core.paths import write_atomically

__all__ = ["export_html", "export_audit_html", "write_html"]

_LOG = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
"""Folder holding the ``envkpi_report`` nbconvert template."""

TEMPLATE_NAME = "envkpi_report"
AUDIT_TEMPLATE_NAME = "envkpi_audit"

DEFAULT_TITLE = "Report"

#: Output mimetypes in order of preference. JavaScript and widget views are
#: left out on purpose: they cannot run offline, so the static fallback
#: (HTML, image or text) of the same output is shown instead.
DISPLAY_PRIORITY = [
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "text/vnd.mermaid",
    "text/latex",
    "image/png",
    "image/jpeg",
    "text/plain",
]

# --------------------------------------------------------------------- math

# Formulas are swapped for ASCII markers (letters and digits only) before
# markdown rendering and put back afterwards, so mistune never sees -- and
# never mangles -- TeX or MathML. ASCII matters: nbconvert's heading anchors
# turn any non-ASCII character into a character reference.
_MARKER_PREFIX = "EnvkpiMath"
_TAG_RE = re.compile(r"<[^<>]*>")

# One left-to-right scan of the markdown source. Code (fenced blocks, inline
# spans) and backslash escapes are matched first and left untouched, so a
# ``$`` inside them is never math and ``\$`` stays a literal dollar.
# Inline math follows the pandoc rule (no whitespace just inside the
# delimiters, closing ``$`` not followed by a digit) and additionally may not
# open right after a digit, so "5$ to 10$" or "USD 5$" stay text. No formula
# spans a blank line, i.e. a paragraph break.
_MATH_RE = re.compile(
    r"""
      (?P<fence>^[ ]{0,3}(?P<fchar>`{3,}|~{3,}).*?
                (?:^[ ]{0,3}(?P=fchar)[ \t]*$|\Z))
    | (?P<code>(?P<ticks>`+)(?:(?!\n[ \t]*\n).)+?(?<!`)(?P=ticks)(?!`))
    | (?P<escape>\\[!-/:-@\[-`{-~])
    | \$\$(?P<display>(?:[^$\\\n]|\\.|\n(?![ \t]*\n))+?)\$\$
    | (?<![0-9])\$(?![\s$])
      (?P<inline>(?:[^$\\\n]|\\.|\n(?![ \t]*\n))+?)
      (?<!\s)\$(?![0-9])
    """,
    re.VERBOSE | re.MULTILINE | re.DOTALL,
)


@dataclass(frozen=True)
class _Formula:
    """A converted formula: its TeX source and the HTML that replaces it."""

    tex: str
    html: str


def _tex_to_mathml(tex: str, *, display: bool = False) -> str:
    """Convert one TeX formula to a MathML element, or to a visible fallback.

    Parameters
    ----------
    tex : str
        The formula without its ``$`` delimiters.
    display : bool, default False
        Block (``$$``) rather than inline (``$``) formula.

    Returns
    -------
    str
        ``<math>`` markup whose ``<annotation encoding="application/x-tex">``
        keeps the source. If latex2mathml fails, a
        ``<code class="math-error">`` element showing the TeX source with
        its delimiters instead.
    """
    mode = "block" if display else "inline"
    try:
        root = convert_to_element(tex.strip(), display=mode)
    except Exception as error:  # latex2mathml raises many unrelated types
        _LOG.warning("Formula kept as TeX source (%s): %s", type(error).__name__, tex)
        return _math_error(tex, display=display, reason=type(error).__name__)
    return _serialize_mathml(root, tex)


def _serialize_mathml(root: ElementTree.Element, tex: str) -> str:
    """Serialize latex2mathml's tree as well-escaped MathML with the TeX.

    latex2mathml stores symbols as literal character references
    (``"&#x02211;"``) and its own serializer therefore unescapes the whole
    output, which leaves a ``<`` or ``&`` from ``\\text{...}`` raw. Decoding
    the references in the tree and letting ElementTree escape is safe.
    """
    for element in root.iter():
        element.text = element.text and html.unescape(element.text)
        element.tail = element.tail and html.unescape(element.tail)
        for name, value in element.attrib.items():
            element.set(name, html.unescape(value))
    root.attrib.pop("xmlns", None)  # an HTML parser puts <math> in the MathML namespace by itself
    semantics = ElementTree.Element("semantics")
    semantics.extend(list(root))  # a single <mrow>
    annotation = ElementTree.SubElement(
        semantics, "annotation", {"encoding": "application/x-tex"}
    )
    annotation.text = tex.strip()
    root[:] = [semantics]
    return ElementTree.tostring(root, encoding="unicode", short_empty_elements=False)


def _math_error(tex: str, *, display: bool, reason: str) -> str:
    """Markup for a formula that could not be converted."""
    delimiter = "$$" if display else "$"
    classes = "math-error math-display" if display else "math-error"
    title = f"Formula not rendered ({reason}); LaTeX source shown"
    return (
        f'<code class="{classes}" title="{html.escape(title)}">'
        f"{html.escape(delimiter + tex + delimiter, quote=False)}</code>"
    )


class _MathStash:
    """Formulas taken out of a markdown text, to be put back after rendering.

    Parameters
    ----------
    source : str
        The text the formulas come from; markers are chosen so that they
        cannot occur in it.
    """

    def __init__(self, source: str) -> None:
        prefix = _MARKER_PREFIX
        while prefix in source:
            prefix += "X"
        self._prefix = prefix
        self._marker_re = re.compile(re.escape(prefix) + r"(\d+)x")
        self._formulas: list[_Formula] = []

    def protect(self, source: str) -> str:
        """Replace every formula in ``source`` by a marker.

        Parameters
        ----------
        source : str
            Markdown text.

        Returns
        -------
        str
            ``source`` with each formula converted, stored, and replaced by
            a marker that markdown rendering passes through unchanged.
        """
        return _MATH_RE.sub(self._stash, source)

    def _stash(self, match: re.Match[str]) -> str:
        """Marker for a formula match; code and escapes are kept verbatim."""
        if match["display"] is not None:
            tex, display = match["display"], True
        elif match["inline"] is not None:
            tex, display = match["inline"], False
        else:
            return match[0]
        self._formulas.append(_Formula(tex, _tex_to_mathml(tex, display=display)))
        return f"{self._prefix}{len(self._formulas) - 1}x"

    def restore(self, rendered: str) -> str:
        """Put the converted formulas back into rendered HTML.

        A marker that ended up inside a tag (heading ids and anchor links
        are derived from the heading text) becomes the escaped TeX source,
        all others become the formula's MathML.

        Parameters
        ----------
        rendered : str
            HTML rendered from the output of :meth:`protect`.

        Returns
        -------
        str
            HTML with formulas.
        """
        if not self._formulas:
            return rendered
        rendered = _TAG_RE.sub(self._restore_in_tag, rendered)
        return self._marker_re.sub(lambda marker: self._formula(marker).html, rendered)

    def _restore_in_tag(self, tag: re.Match[str]) -> str:
        """Markers inside one tag, replaced by attribute-safe TeX text."""
        return self._marker_re.sub(
            lambda marker: html.escape(self._formula(marker).tex.strip()), tag[0]
        )

    def _formula(self, marker: re.Match[str]) -> _Formula:
        """The stored formula a marker stands for."""
        return self._formulas[int(marker[1])]


def _render_with_math(source: str, render: Callable[[str], str]) -> str:
    """Render markdown-like text with ``render``, its formulas as MathML."""
    stash = _MathStash(source)
    return stash.restore(render(stash.protect(source)))


def _latex_output_to_html(latex: str) -> str:
    """Render a ``text/latex`` output: its formulas as MathML, rest escaped.

    Parameters
    ----------
    latex : str
        Output text such as ``$\\displaystyle x^2$`` (IPython ``Math``,
        sympy).

    Returns
    -------
    str
        HTML.
    """
    return _render_with_math(latex, partial(html.escape, quote=False))


# ----------------------------------------------------------------- exporter


class _ReportExporter(HTMLExporter):
    """HTMLExporter whose markdown rendering turns TeX into MathML."""

    @pass_context
    def markdown2html(self, context, source):
        """Render markdown like nbconvert does, formulas as MathML.

        Used by the templates for markdown cells and ``text/markdown``
        outputs alike.
        """
        return _render_with_math(source, partial(super().markdown2html, context))

    def default_filters(self):
        """Add the ``latex_output_to_html`` filter used by the template."""
        yield from super().default_filters()
        yield ("latex_output_to_html", _latex_output_to_html)


def _exporter_config(*, audit: bool) -> Config:
    """Configuration of an exporter: the reader's drops tagged cells and outputs, the auditor's keeps all."""
    config = Config()
    config.NbConvertBase.display_data_priority = list(DISPLAY_PRIORITY)
    config.TagRemovePreprocessor.enabled = not audit
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    return config


_EXPORTERS: dict[str, _ReportExporter] = {}
_EXPORTER_LOCK = threading.Lock()  # an exporter keeps per-export state


def _get_exporter(kind: str) -> _ReportExporter:
    """The process-wide exporter of ``kind`` ("reader" or "audit"), created on first use (creation is
    slow). Call with ``_EXPORTER_LOCK`` held."""
    if kind not in _EXPORTERS:
        audit = kind == "audit"
        _EXPORTERS[kind] = _ReportExporter(
            config=_exporter_config(audit=audit),
            extra_template_basedirs=[str(TEMPLATE_DIR)],
            extra_template_paths=[str(TEMPLATE_DIR)],  # so that envkpi_audit can extend envkpi_report/…
            template_name=AUDIT_TEMPLATE_NAME if audit else TEMPLATE_NAME,
            exclude_input=not audit,
            exclude_input_prompt=not audit,
            exclude_output_prompt=not audit,
            log=_LOG,
        )
    return _EXPORTERS[kind]


# -------------------------------------------------------------------- title

_FENCED_CODE_RE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,}).*?(?:^[ ]{0,3}\1[ \t]*$|\Z)", re.M | re.S)
_HEADING_RE = re.compile(
    r"^[ ]{0,3}#{1,6}[ \t]+(?P<atx>.+?)(?:[ \t]+#+)?[ \t]*$"
    r"|^(?P<setext>[^\n]*\S[^\n]*)\n[ ]{0,3}(?:=+|-+)[ \t]*$",
    re.M,
)
_INLINE_MARKUP_RE = re.compile(r"<[^>]+>|\*\*|__|[*`]|\$+|\\(?=[$*_`])")
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def _first_heading(notebook: NotebookNode) -> str | None:
    """Plain text of the first markdown heading of the notebook, if any."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown" or "remove-cell" in cell.metadata.get("tags", []):
            continue
        source = _FENCED_CODE_RE.sub("", cell.source)
        match = _HEADING_RE.search(source)
        if match:
            text = match["atx"] or match["setext"]
            text = _INLINE_MARKUP_RE.sub("", _LINK_RE.sub(r"\1", text))
            text = " ".join(text.split())
            if text:
                return text
    return None


def _resolve_title(notebook: NotebookNode, title: str | None) -> str:
    """Explicit title, else first heading, else notebook metadata."""
    if title:
        return title
    return _first_heading(notebook) or notebook.metadata.get("title") or DEFAULT_TITLE


# ------------------------------------------------------------ offline check

#: Elements that fetch a resource, with the attribute holding its URL.
_LOADING_TAGS = {
    "img": "src",
    "iframe": "src",
    "embed": "src",
    "video": "src",
    "audio": "src",
    "source": "src",
    "script": "src",
    "link": "href",
}
_EXTERNAL_URL_RE = re.compile(r"^\s*(?:https?:)?//", re.I)
_EXTERNAL_LOAD_RE = re.compile(
    r"<(?:img|iframe|embed|video|audio|source|script|link)\b[^>]*?"
    r"\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//",
    re.I,
)


def _strip_external_loads(page: str) -> str:
    """Replace elements that would load from the network.

    Remote images, frames and media become links to their URL (labelled
    with their alt text or title), remote scripts and stylesheets are
    removed. Plain ``<a href>`` links are kept. Pages without such
    elements -- the normal case -- are returned unchanged and unparsed.
    """
    if not _EXTERNAL_LOAD_RE.search(page):
        return page
    soup = BeautifulSoup(page, features="html.parser")
    for element in soup.find_all(list(_LOADING_TAGS)):
        url = element.get(_LOADING_TAGS[element.name], "")
        if not _EXTERNAL_URL_RE.match(url):
            continue
        _LOG.warning("Removed external <%s> loading %s", element.name, url)
        if element.name in {"script", "link", "source"}:
            element.decompose()
            continue
        link = soup.new_tag("a", href=url.strip(), attrs={"class": "external-resource"})
        link.string = element.get("alt") or element.get("title") or url.strip()
        element.replace_with(link)
    return str(soup)


# --------------------------------------------------------------- public API

_STYLE_RE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.S | re.I)
_CSS_COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)


def _strip_css_comments(page: str) -> str:
    """Drop comments from inlined stylesheets: JupyterLab's carry credits with URLs, which are no
    loads but make every page look as if it referred to other hosts."""
    return _STYLE_RE.sub(lambda m: m[1] + _CSS_COMMENT_RE.sub("", m[2]) + m[3], page)


# ---------------------------------------------------------------- page cache

_PAGE_CACHE: list[Path | None] = []  # the folder of the page cache in use (page_cache), if any


@contextmanager
def page_cache(folder: Path | None) -> Iterator[None]:
    """Within this block, pages are kept in ``folder/pages/`` by the SHA-256 of everything they are made
    from (the notebook's bytes, the kind of page, its title and extra HTML, the library and the
    environment), and a page made before is read back instead of exported again (byte-identical, since
    the export of the same notebook by the same code is). ``None``: no cache."""
    _PAGE_CACHE.append(folder / "pages" if folder is not None else None)
    try:
        yield
    finally:
        _PAGE_CACHE.pop()


def _page_key(notebook: NotebookNode, kind: str, title: str | None, extra: dict | None) -> str:
    from envkpi.core.provenance import environment_digest, library_digest

    described = json.dumps({"kind": kind, "title": title, "extra": extra, "library": library_digest(),
                            "environment": environment_digest()}, sort_keys=True)
    digest = hashlib.sha256(described.encode("utf-8"))
    digest.update(json.dumps(notebook, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def _export(notebook: NotebookNode, kind: str, title: str | None, extra: dict | None = None) -> str:
    folder = _PAGE_CACHE[-1] if _PAGE_CACHE else None
    kept = folder / f"{_page_key(notebook, kind, title, extra)}.html" if folder is not None else None
    if kept is not None and kept.is_file():
        return kept.read_bytes().decode("utf-8")
    titled = copy.copy(notebook)  # shallow: the exporter deep-copies anyway
    titled.metadata = NotebookNode({**notebook.metadata, "title": _resolve_title(notebook, title)})
    with _EXPORTER_LOCK:
        page, _ = _get_exporter(kind).from_notebook_node(titled, extra)  # extra: what the templates read besides the notebook
    page = _strip_css_comments(_strip_external_loads(page))
    if kept is not None:
        write_atomically(kept, page.encode("utf-8"))
    return page



def export_html(notebook: NotebookNode, *, title: str | None = None, notice: str = "") -> str:
    """Export an executed notebook as one self-contained HTML page for readers.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        Executed notebook (nbformat 4). It is not modified.
    title : str, optional
        Page title. Defaults to the text of the notebook's first markdown
        heading, then to ``notebook.metadata["title"]``, then ``"Report"``.
    notice : str, optional
        HTML shown at the top of the page, before the report (escaped by the
        caller): the label of a restatement.

    Returns
    -------
    str
        The HTML page. Markdown, formulas (as MathML) and outputs only; no
        code, no prompts, no network requests; identical for identical
        notebooks.
    """
    return _export(notebook, "reader", title, {"envkpi_notice": notice})


def export_audit_html(notebook: NotebookNode, *, bars: dict[str, str], header: str,
                      title: str | None = None) -> str:
    """Export an executed notebook as the auditor's page: every cell, with its code and a status bar.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        Executed notebook (nbformat 4). It is not modified.
    bars : dict of str to str
        HTML shown above each cell, by cell id (its id, timing, hash and review status). Must be
        escaped by the caller.
    header : str
        HTML shown at the top of the page (escaped by the caller).
    title : str, optional
        Page title, see :func:`export_html`.

    Returns
    -------
    str
        The HTML page: all cells, including those tagged ``remove-cell`` for readers, the
        parameters cell and the parameters Papermill injected, with their code, prompts and outputs.
    """
    annotated = copy.deepcopy(notebook)
    for cell in annotated.cells:
        if cell.get("id") in bars:
            cell.metadata["envkpi_audit_bar"] = bars[cell.id]
    # the header (the run's date and timings) goes in after the export, so that the page of an unchanged
    # notebook is taken from the page cache (page_cache) in the next run
    return _export(annotated, "audit", title, {"envkpi_audit_header": _AUDIT_HEADER}).replace(_AUDIT_HEADER, header, 1)


#: Where the auditor's page header goes (:func:`export_audit_html`).
_AUDIT_HEADER = "<!--envkpi-audit-header-->"


def render_pages(calls: Sequence[tuple[Callable[..., str], tuple, dict]], workers: int = 1) -> list[str]:
    """The pages ``function(*args, **kwargs)`` of ``calls`` (:func:`export_html`, :func:`export_audit_html`), in
    order, exported ``workers`` at a time in processes forked from this one (an export is Python work that
    threads would serialise); one at a time in this process when ``workers`` is 1. The page cache in use
    (:func:`page_cache`) is the forked processes' too."""
    if workers <= 1 or len(calls) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(*args, **kwargs) for function, args, kwargs in calls]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(calls)), mp_context=context) as pool:
        return list(pool.map(_render, calls))


def _render(call: tuple[Callable[..., str], tuple, dict]) -> str:
    function, args, kwargs = call
    return function(*args, **kwargs)


def write_html(
    notebook: NotebookNode, path: str | os.PathLike[str], *, title: str | None = None, notice: str = ""
) -> None:
    """Export a notebook with :func:`export_html` and write it as UTF-8.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        Executed notebook (nbformat 4).
    path : str or os.PathLike
        Destination file; its folder must exist. Written byte for byte
        (no newline translation), so reruns give identical files.
    title : str, optional
        Page title, see :func:`export_html`.
    notice : str, optional
        HTML shown at the top of the page, see :func:`export_html`.
    """
    Path(path).write_bytes(export_html(notebook, title=title, notice=notice).encode("utf-8"))
