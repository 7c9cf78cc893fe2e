"""Tests for envkpi.html: offline, code-free HTML export of notebooks."""

from __future__ import annotations

import base64
import copy
import io
import re

import nbformat
import pytest
from matplotlib.figure import Figure
from nbformat import v4

from envkpi.pages import html as report_html
from envkpi.pages.html import export_audit_html, export_html, write_html

CODE_MARKER = "SECRET_CODE_MARKER_42"
REMOVED_CELL_MARKER = "REMOVED_CELL_MARKER_17"
REMOVED_OUTPUT_MARKER = "REMOVED_OUTPUT_MARKER_23"
BROKEN_TEX = r"\frac{1}{"

EXTERNAL_LOAD_RE = r'<(script|link|img|iframe)[^>]+(src|href)=["\']https?://'

MARKDOWN = "\n".join(
    [
        "# Water stress index $A_n$",
        "",
        r"The index is $A_n = \sum_i w_{i,n} \cdot r_{i,n}$ with weights $x^*$.",
        "",
        "$$",
        r"I = \frac{\prod_{k} q_k}{\left( \alpha + \beta \right)} \times 100"
        r" \;\text{with}\; \mathrm{CO}_2 \le \gamma \ge \delta",
        "$$",
        "",
        r"A permit costs \$5 per tonne, i.e. USD 5$ in total.",
        "",
        f"Broken: ${BROKEN_TEX}$ stays readable.",
        "",
        "Shell variables like `$HOME` are code, not math. "
        "See <https://example.org/method> for the method.",
    ]
)


def _tiny_png() -> str:
    """A small valid PNG drawn by matplotlib, base64 encoded."""
    fig = Figure(figsize=(1, 1))  # no pyplot: no GUI backend, no global state
    fig.add_subplot().plot([0, 1], [1, 0])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=16)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _display(data: dict) -> nbformat.NotebookNode:
    return v4.new_output("display_data", data=data)


@pytest.fixture(scope="module")
def png() -> str:
    return _tiny_png()


@pytest.fixture(scope="module")
def notebook(png: str) -> nbformat.NotebookNode:
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell(MARKDOWN),
        v4.new_code_cell(
            f"{CODE_MARKER} = compute()",
            execution_count=1,
            outputs=[
                _display(
                    {
                        "text/markdown": r"Result: $\alpha_{t} \ge \beta^{2}$ and"
                        "\n\n"
                        r"$$E = \sum_{i} e_i$$",
                        "text/plain": "<Markdown>",
                    }
                )
            ],
        ),
        v4.new_code_cell(
            "plot()",
            execution_count=2,
            outputs=[_display({"image/png": png, "text/plain": "<Figure>"})],
        ),
        v4.new_code_cell(
            "answer",
            execution_count=3,
            outputs=[
                v4.new_output("execute_result", data={"text/plain": "42"}, execution_count=3)
            ],
        ),
        v4.new_code_cell(
            "hidden()",
            metadata={"tags": ["remove-cell"]},
            outputs=[v4.new_output("stream", name="stdout", text=REMOVED_CELL_MARKER)],
        ),
        v4.new_markdown_cell(
            f"{REMOVED_CELL_MARKER} in markdown", metadata={"tags": ["remove-cell"]}
        ),
        v4.new_code_cell(
            "quiet()",
            metadata={"tags": ["remove-output"]},
            outputs=[v4.new_output("stream", name="stdout", text=REMOVED_OUTPUT_MARKER)],
        ),
        v4.new_code_cell(
            "Math(...)",
            outputs=[
                _display({"text/latex": r"$\displaystyle y^{2}$", "text/plain": "y**2"})
            ],
        ),
    ]
    nbformat.validate(nb)
    return nb


@pytest.fixture(scope="module")
def page(notebook: nbformat.NotebookNode) -> str:
    return export_html(notebook)


def test_code_inputs_and_prompts_are_hidden(page: str) -> None:
    body = page[page.index("<body") :]
    assert CODE_MARKER not in page
    assert "plot()" not in page
    assert "In&nbsp;[" not in body and "In\xa0[" not in body
    assert "Out[" not in body
    assert "jp-InputPrompt" not in body and "jp-OutputPrompt" not in body
    assert "<pre>42</pre>" in body  # the execute_result itself is shown


def test_tagged_cells_and_outputs_are_removed(page: str) -> None:
    assert REMOVED_CELL_MARKER not in page
    assert REMOVED_OUTPUT_MARKER not in page


def test_every_formula_becomes_mathml(page: str) -> None:
    # markdown: 2 inline + 1 display (+1 in the heading); text/markdown
    # output: 1 inline + 1 display; text/latex output: 1
    assert page.count("<math ") == 7
    assert page.count('<math display="block"') == 2
    assert "$$" not in page
    assert "EnvkpiMath" not in page  # no placeholder leaked


def test_markdown_does_not_mangle_tex(page: str) -> None:
    # underscores and asterisks inside formulas reach latex2mathml intact
    tex = r"A_n = \sum_i w_{i,n} \cdot r_{i,n}"
    assert f'<annotation encoding="application/x-tex">{tex}</annotation>' in page
    assert "<msub><mi>A</mi><mi>n</mi></msub>" in page
    assert "<msup><mi>x</mi><mo>*</mo></msup>" in page
    paragraph = re.search(r"<p>The index is.*?</p>", page, re.S)
    assert paragraph is not None
    assert "<em>" not in paragraph[0] and "<strong>" not in paragraph[0]


def test_supported_commands(page: str) -> None:
    for symbol in ("∏", "×", "≤", "≥", "α", "β", "γ", "δ", "∑"):
        assert symbol in page
    assert "<mfrac>" in page
    assert '<mspace width="0.278em">' in page  # \;
    assert "<mtext>with</mtext>" in page  # \text{...}
    assert 'mathvariant="normal"' in page  # \mathrm{...}
    assert 'fence="true"' in page  # \left( ... \right)


def test_heading_math_keeps_valid_anchor(page: str) -> None:
    heading = re.search(r"<h1 [^>]*>.*?</h1>", page, re.S)
    assert heading is not None
    assert 'id="Water-stress-index-A_n"' in heading[0]
    assert "<math " in heading[0]


def test_unparsable_formula_stays_visible(page: str) -> None:
    match = re.search(r'<code class="math-error"[^>]*>([^<]*)</code>', page)
    assert match is not None
    assert match[1] == f"${BROKEN_TEX}$"


def test_escaped_and_lone_dollars_are_text(page: str) -> None:
    paragraph = re.search(r"<p>A permit costs.*?</p>", page, re.S)
    assert paragraph is not None
    assert paragraph[0] == "<p>A permit costs $5 per tonne, i.e. USD 5$ in total.</p>"


def test_dollar_in_inline_code_is_not_math(page: str) -> None:
    assert "<code>$HOME</code>" in page


def test_png_is_embedded(page: str, png: str) -> None:
    assert f'src="data:image/png;base64,{png}"' in page


def test_no_external_loads(page: str) -> None:
    assert re.findall(EXTERNAL_LOAD_RE, page) == []
    assert re.search(r"<script\b[^>]*\bsrc\s*=", page, re.I) is None
    assert "mathjax" not in page.lower()
    assert "require.min.js" not in page
    # ordinary hyperlinks are kept
    assert '<a href="https://example.org/method">' in page


def test_remote_images_become_links() -> None:
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell("# Remote\n\n![Basin map](https://example.org/map.png)"),
        v4.new_code_cell(
            outputs=[_display({"text/html": '<iframe src="//example.org/embed"></iframe>'})]
        ),
    ]
    page = export_html(nb)
    assert re.findall(EXTERNAL_LOAD_RE, page) == []
    assert "<iframe" not in page
    assert '<a class="external-resource" href="https://example.org/map.png">Basin map</a>' in page


def test_print_stylesheet_is_inline(page: str) -> None:
    assert "@media print" in page
    assert "size: A4" in page
    assert "break-inside: avoid" in page


def test_export_is_deterministic(notebook: nbformat.NotebookNode, page: str) -> None:
    assert export_html(notebook) == page
    assert export_html(copy.deepcopy(notebook)) == page


def test_notebook_is_not_modified(notebook: nbformat.NotebookNode) -> None:
    before = copy.deepcopy(notebook)
    export_html(notebook, title="Other")
    assert notebook == before


def test_title_defaults_to_first_heading(notebook: nbformat.NotebookNode, page: str) -> None:
    assert "<title>Water stress index A_n</title>" in page
    assert "<title>Annual &amp; report</title>" in export_html(notebook, title="Annual & report")


def test_exporter_is_shared(notebook: nbformat.NotebookNode) -> None:
    export_html(notebook)
    first = report_html._EXPORTERS["reader"]
    export_html(notebook)
    assert first is not None and report_html._EXPORTERS["reader"] is first


def test_write_html(tmp_path, notebook: nbformat.NotebookNode, page: str) -> None:
    target = tmp_path / "report.html"
    write_html(notebook, target)
    assert target.read_bytes() == page.encode("utf-8")


def test_every_url_in_the_page_is_a_plain_hyperlink(page: str) -> None:
    # No MathML namespace URL (an HTML parser needs none), no credits in the inlined CSS comments:
    # `grep -E 'https?://'` on a published page finds only links a reader can follow.
    urls = re.findall(r"https?://[^\s\"'<>)]+", page)
    linked = re.findall(r"<a [^>]*href=\"(https?://[^\"]+)\"", page)
    assert urls and set(urls) == set(linked)
    assert "xmlns=" not in page.split("<body", 1)[1]


def test_inlined_stylesheets_keep_no_comments(page: str) -> None:
    for style in re.findall(r"<style[^>]*>(.*?)</style>", page, re.S):
        assert "/*" not in style


@pytest.fixture(scope="module")
def audit_page(notebook: nbformat.NotebookNode) -> str:
    ids = [cell.id for cell in notebook.cells]
    bars = {cell_id: f'<div class="bar">BAR-{cell_id}</div>' for cell_id in ids}
    return export_audit_html(notebook, bars=bars, header='<header class="head">HEADER-MARK</header>')


def test_the_audit_page_shows_every_cell_with_its_code_and_its_bar(notebook, audit_page: str) -> None:
    assert CODE_MARKER in audit_page
    assert REMOVED_CELL_MARKER in audit_page and REMOVED_OUTPUT_MARKER in audit_page  # nothing hidden from the auditor
    assert re.search(r"In(&nbsp;|\xa0)\[1\]:", audit_page)  # prompts: the auditor sees the execution order
    for cell in notebook.cells:
        assert audit_page.count(f"BAR-{cell.id}") == 1
        # the bar sits right before the cell it describes
        assert audit_page.index(f"BAR-{cell.id}") < audit_page.index(f'id="cell-id={cell.id}"')
    assert audit_page.index("HEADER-MARK") < audit_page.index(f"BAR-{notebook.cells[0].id}")


def test_the_audit_page_is_as_offline_as_the_reader_page(audit_page: str) -> None:
    assert not re.search(EXTERNAL_LOAD_RE, audit_page)
    assert "<math" in audit_page


def test_the_audit_page_leaves_the_notebook_unchanged(notebook: nbformat.NotebookNode) -> None:
    before = copy.deepcopy(notebook)
    export_audit_html(notebook, bars={notebook.cells[0].id: "<b>x</b>"}, header="")
    assert notebook == before
