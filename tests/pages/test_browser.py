"""The generated site in a real browser: every page of a fresh fiscal-year run, opened in headless Chromium.

One run of FY2018 per module (``envkpi run --fy 2018`` in a copy of the project, about 30 s, so the
committed outputs need not be current), with one site named ``<script>alert(1)</script>`` in the copy's
data/FY2018/sites.csv. Playwright for Python drives the Debian ``chromium`` (/usr/bin/chromium; ``make
test`` installs it, and fonts-noto-cjk for the Japanese text; never ``playwright install``) over every
``*.html`` found recursively in the run folder, so new pages (e.g. ``audit/<family>.html``) are covered
without a change here. Each test checks all pages and lists every offending page and element at once.

On screen, every page
- logs no console error and throws no uncaught exception,
- requests nothing but file: and data: addresses (every request is routed; any other is recorded, aborted,
  and fails the test) and names web addresses only in hyperlinks (cited sources, never followed),
- renders its formulas as MathML (server-side; no ``code.math-error`` fallback) with a real size on screen,
- shows its charts as loaded, visible images with alternative text,
- shows the site name made of markup as literal text: no dialog, no ``<script>`` element;
and every link of index.html resolves to a file of the run folder and, with a ``#fragment``
(``#cell-id=…``), to an element of that page.

In print (print media emulated, the viewport as wide as the A4 page box less the left and right margins
of the page's own ``@page`` rule), every page asks for A4 paper, no table, image or figure is wider than
the page content box, images, figures and table rows are not split across pages, table headers repeat on
every page, and the page prints to an A4 PDF.

Artefacts, to look at by eye: ``index.png`` and ``production.png`` (full-page screenshots on screen) and
``production.pdf`` (the report printed to A4), written to the folder named by the environment variable
ENVKPI_TEST_ARTIFACTS, by default tests/artifacts/ (git-ignored), and overwritten by every run.
"""

from __future__ import annotations

import csv
import math
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import pytest

from envkpi.cycle.publication import make_writable

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

FY = 2018
#: (site_id, display name) written into the copy's data/FY2018/sites.csv, and the script inside the name
MARKUP_SITE = ("JP-01", "<script>alert(1)</script>")
MARKUP_SCRIPT = "alert(1)"
#: the pages that show sites by name: the production report's table of sites, reader's and auditor's page
PAGES_NAMING_SITES = ("production.html", "audit/production.html")
#: the calculation reports: each states its formulas and draws charts
CALCULATION_REPORTS = ("avoided_emissions.html", "product_use.html", "production.html")
SCREENSHOTS = ("index.html", "production.html")
PDF_OF = "production.html"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MISSING_CHROMIUM = (f"{CHROMIUM} not found: the browser tests drive the Debian package 'chromium'. "
                    "Install it with `make test` (installs chromium and fonts-noto-cjk when missing) "
                    "or `sudo apt-get install --no-install-recommends chromium fonts-noto-cjk`.")
MISSING_PLAYWRIGHT = ("Playwright for Python is not installed: run `make test`, or "
                      "`.venv/bin/pip install -c constraints.txt -e '.[test,lab]'`.")
LOCAL_SCHEMES = ("file", "data")
SCREEN = {"width": 1280, "height": 900}
PX_PER_MM = 96 / 25.4  # CSS pixels
A4_MM = (210, 297)
A4_PT = (595.28, 841.89)
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]")  # a PDF page's size in points

#: JS: a short description of an element, with the notebook cell it sits in.
DESCRIBE = """el => {
  const cell = el.closest('[id^="cell-id="]');
  const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
             + [...el.classList].slice(0, 3).map(c => '.' + c).join('');
  return cell && cell !== el ? name + ' in ' + cell.id : name;
}"""

#: JS: the page box the page's own CSS asks for: size and margins of the @page rules that apply
#: (in print media), the later rule winning per property, lengths in CSS pixels.
PAGE_BOX = """() => {
  const rules = [];
  const walk = list => {
    for (const rule of list) {
      if (rule instanceof CSSPageRule) { if (!rule.selectorText) rules.push(rule); }
      else if (rule instanceof CSSMediaRule) { if (matchMedia(rule.media.mediaText).matches) walk(rule.cssRules); }
      else if (rule.cssRules) walk(rule.cssRules);
    }
  };
  for (const sheet of document.styleSheets) walk(sheet.cssRules);
  const last = name => rules.map(r => r.style.getPropertyValue(name)).filter(Boolean).pop() || '';
  const px = length => {
    const probe = document.createElement('div');
    probe.style.cssText = 'position:absolute; width:' + length;
    document.body.append(probe);
    const width = probe.getBoundingClientRect().width;
    probe.remove();
    return width;
  };
  return {rules: rules.map(r => r.cssText), size: last('size'),
          left: last('margin-left'), right: last('margin-right'),
          left_px: px(last('margin-left') || '0'), right_px: px(last('margin-right') || '0')};
}"""


# ---------------------------------------------------------------------------------------- helpers


def rename_site(sites_csv: Path, site_id: str, name: str) -> None:
    with open(sites_csv, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    [row] = [r for r in rows if r["site_id"] == site_id]
    row["site_name"] = name
    with open(sites_csv, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES and not (parts.scheme == "file" and parts.netloc)


@dataclass
class Visit:
    """A page opened in the browser, and what happened while it was open."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def route(self, route) -> None:
        """Let file: and data: through; record and abort everything else."""
        if is_local(route.request.url):
            route.continue_()
        else:
            self.outside_requests.append(f"{route.request.method} {route.request.url}")
            route.abort("blockedbyclient")

    def console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} (at {message.location.get('url')})")

    def dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


def open_page(context: BrowserContext, path: Path, *, media: str = "screen") -> Visit:
    page = context.new_page()
    visit = Visit(page)
    page.route("**/*", visit.route)
    page.route_web_socket("**/*", lambda socket: visit.outside_requests.append(f"WebSocket {socket.url}"))
    page.on("console", visit.console)
    page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
    page.on("dialog", visit.dialog)
    page.emulate_media(media=media)
    page.goto(path.as_uri(), wait_until="load")
    return visit


def offenders(page: Page, selector: str, problem: str, arg=None) -> list[str]:
    """``element: problem`` for each element matching ``selector`` for which the JS function
    ``problem(el, arg)`` returns a non-empty string."""
    return page.eval_on_selector_all(
        selector,
        f"(elements, arg) => elements.map(el => [el, ({problem})(el, arg)]).filter(([, p]) => p)"
        f".map(([el, p]) => ({DESCRIBE})(el) + ': ' + p)",
        arg,
    )


def listing(problems: dict[str, list[str]], most: int = 15) -> str:
    """The problems by page, for an assertion message (at most ``most`` lines per page)."""
    lines = []
    for page, items in problems.items():
        lines += [f"  {page}: {item}" for item in items[:most]]
        if len(items) > most:
            lines.append(f"  {page}: … and {len(items) - most} more")
    return "\n".join(lines)


def problems_of(pages: dict, check) -> dict[str, list[str]]:
    """``check(page)`` for every page (a Visit, Page or Printed), keeping the pages where it found something."""
    found = {name: check(page) for name, page in pages.items()}
    return {name: items for name, items in found.items() if items}


def link_problem(href: str, site: Path, visits: dict[str, Visit]) -> str:
    """Why the link ``href`` of index.html does not resolve ('' when it does)."""
    parts = urlsplit(href)
    if parts.scheme in ("http", "https"):
        return ""  # a cited source: never followed
    if parts.scheme or parts.netloc:
        return "not a relative address"
    target = (site / unquote(parts.path)).resolve() if parts.path else site / "index.html"
    if not target.is_relative_to(site.resolve()):
        return "leaves the run folder"
    if not target.is_file():
        return "no such file"
    if not parts.fragment:
        return ""
    name = target.relative_to(site.resolve()).as_posix()
    if name not in visits:
        return f"a #fragment into {name}, which is not a page"
    ident = unquote(parts.fragment)
    if not visits[name].page.evaluate("id => document.getElementById(id) !== null", ident):
        return f"{name} has no element with id {ident!r}"
    return ""


# --------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def site(root, tmp_path_factory) -> Path:
    """The run folder of a fresh FY2018 run, in a copy of the project with one site named in markup."""
    project = tmp_path_factory.mktemp("browser") / "project"
    for folder in ("parameters", "data", "notebooks"):
        shutil.copytree(root / folder, project / folder)
    # Last year's outputs only: the copy's FY2018 is unpublished, so the run writes a normal run folder.
    shutil.copytree(root / "outputs" / f"FY{FY - 1}", project / "outputs" / f"FY{FY - 1}",
                    ignore=shutil.ignore_patterns(".staging-*", "*.failed"))
    rename_site(project / "data" / f"FY{FY}" / "sites.csv", *MARKUP_SITE)
    try:
        # as the team runs it: the command, in the project folder (the notebooks find the project from there)
        environment = {key: value for key, value in os.environ.items() if key != "ENVKPI_ROOT"}
        ran = subprocess.run([sys.executable, "-m", "envkpi.cli", "run", "--fy", str(FY)], cwd=project,
                             env=environment, capture_output=True, text=True)
        assert ran.returncode == 0, f"envkpi run --fy {FY} failed:\n{ran.stderr}"
        yield project / "outputs" / f"FY{FY}"
    finally:
        make_writable(project)


@pytest.fixture(scope="module")
def artifacts(root) -> Path:
    folder = Path(os.environ.get("ENVKPI_TEST_ARTIFACTS") or root / "tests" / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def missing_browser() -> str:
    """Why the browser tests cannot run here, with how to fix it ('' when they can)."""
    if not CHROMIUM.exists():
        return MISSING_CHROMIUM
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return MISSING_PLAYWRIGHT
    return ""


@pytest.fixture(scope="module")
def browser() -> Browser:
    """Headless Chromium (the Debian package), driven by Playwright. Missing, every test fails (never skips)."""
    if problem := missing_browser():
        pytest.fail(problem, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_site(browser: Browser, site: Path, media: str) -> tuple[BrowserContext, dict[str, Visit]]:
    context = browser.new_context(viewport=SCREEN)
    context.set_default_timeout(60_000)
    names = sorted(p.relative_to(site).as_posix() for p in site.glob("**/*.html"))
    return context, {name: open_page(context, site / name, media=media) for name in names}


@pytest.fixture(scope="module")
def visits(browser, site) -> dict[str, Visit]:
    """Every page of the run folder, open on screen, by path relative to the run folder."""
    context, opened = open_site(browser, site, "screen")
    yield opened
    context.close()


@pytest.fixture(scope="module")
def on_screen(visits) -> dict[str, Page]:
    return {name: visit.page for name, visit in visits.items()}


@dataclass
class Printed:
    """A page in print media, and the page box its CSS asks for (see PAGE_BOX)."""

    page: Page
    box: dict

    @property
    def content_width(self) -> float:
        """The width of the A4 page content box in CSS pixels: the paper less the left and right margins."""
        return A4_MM[0] * PX_PER_MM - self.box["left_px"] - self.box["right_px"]


@pytest.fixture(scope="module")
def in_print(browser, site) -> dict[str, Printed]:
    """Every page in print media, laid out at the width of its A4 page content box."""
    context, opened = open_site(browser, site, "print")
    printed = {name: Printed(visit.page, visit.page.evaluate(PAGE_BOX)) for name, visit in opened.items()}
    for each in printed.values():
        each.page.set_viewport_size({"width": math.floor(each.content_width),
                                     "height": math.floor(A4_MM[1] * PX_PER_MM)})
    yield printed
    context.close()


# ------------------------------------------------------------------------------------------ tests


def test_chromium_and_playwright_are_installed():
    assert not missing_browser(), missing_browser()


def test_the_run_folder_has_the_index_the_reports_and_the_changes_page(visits):
    expected = {"index.html", "changes.html", *CALCULATION_REPORTS}
    assert expected <= set(visits), f"pages found: {sorted(visits)}; missing: {sorted(expected - set(visits))}"


def test_no_page_logs_a_console_error(visits):
    errors = problems_of(visits, lambda visit: visit.console_errors)
    assert not errors, f"console errors:\n{listing(errors)}"


def test_no_page_throws_an_uncaught_exception(visits):
    errors = problems_of(visits, lambda visit: visit.page_errors)
    assert not errors, f"uncaught exceptions:\n{listing(errors)}"


def test_no_page_requests_anything_but_file_and_data_addresses(visits):
    outside = problems_of(visits, lambda visit: visit.outside_requests)
    assert not outside, f"requests that would leave the machine (aborted):\n{listing(outside)}"


def test_web_addresses_appear_only_in_hyperlinks(on_screen):
    remote = problems_of(on_screen, lambda page: offenders(
        page, "[src], [srcset], [href]:not(a):not(area), [data], [poster], [action]",
        """el => ['src', 'srcset', 'href', 'data', 'poster', 'action']
            .filter(a => /(^|[\\s,])([a-z][a-z0-9+.-]*:)?\\/\\//i.test(el.getAttribute(a) || ''))
            .map(a => a + '=' + el.getAttribute(a).slice(0, 120)).join(' ')"""))
    assert not remote, f"elements that would load from the network:\n{listing(remote)}"


def test_every_link_of_the_index_resolves_to_a_file_and_fragment(site, visits):
    hrefs = visits["index.html"].page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    broken = [f"{href}: {problem}" for href in hrefs if (problem := link_problem(href, site, visits))]
    assert hrefs, "index.html has no links"
    assert not broken, "links of index.html that do not resolve:\n" + "\n".join(f"  {b}" for b in broken)


def test_each_calculation_report_shows_its_formulas_as_mathml(on_screen):
    without = [name for name in CALCULATION_REPORTS if on_screen[name].locator("math").count() == 0]
    assert not without, f"calculation reports without a <math> element: {without}"


def test_every_formula_has_a_size_on_screen(on_screen):
    empty = problems_of(on_screen, lambda page: offenders(page, "math", """el => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.height > 0 ? '' : 'empty box ' + box.width + ' × ' + box.height; }"""))
    assert not empty, f"formulas not rendered:\n{listing(empty)}"


def test_no_formula_is_left_as_tex_source(on_screen):
    errors = problems_of(on_screen, lambda page: offenders(
        page, "code.math-error", "el => 'TeX not converted: ' + el.textContent.slice(0, 120)"))
    assert not errors, f"formulas shown as source (code.math-error):\n{listing(errors)}"


def test_each_calculation_report_shows_charts(on_screen):
    without = [name for name in CALCULATION_REPORTS if on_screen[name].locator("img").count() == 0]
    assert not without, f"calculation reports without a chart (<img>): {without}"


def test_every_chart_is_loaded_visible_and_described(on_screen):
    bad = problems_of(on_screen, lambda page: offenders(page, "img", """el => [
        el.complete && el.naturalWidth > 0 ? '' : 'not loaded (naturalWidth 0)',
        el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
          && el.getBoundingClientRect().width > 0 ? '' : 'not visible',
        (el.getAttribute('alt') || '').trim() ? '' : 'no alt text',
      ].filter(Boolean).join(', ')"""))
    assert not bad, f"images:\n{listing(bad)}"


def test_a_site_name_made_of_markup_is_shown_as_text(on_screen):
    name = MARKUP_SITE[1]
    without = [page for page in PAGES_NAMING_SITES
               if page not in on_screen or name not in on_screen[page].inner_text("body")]
    assert not without, f"pages that should name the sites, missing or not showing {name!r} as text: {without}"


def test_no_page_opens_a_dialog(visits):
    dialogs = problems_of(visits, lambda visit: visit.dialogs)
    assert not dialogs, f"dialogs (script from the input data ran):\n{listing(dialogs)}"


def test_no_page_has_a_script_element_from_the_input_data(on_screen):
    scripts = problems_of(on_screen, lambda page: offenders(
        page, "script", "(el, text) => el.textContent.includes(text) ? el.textContent.slice(0, 80) : ''",
        MARKUP_SCRIPT))
    assert not scripts, f"<script> elements carrying the site name:\n{listing(scripts)}"


def test_full_page_screenshots_of_the_index_and_a_report_are_kept(on_screen, artifacts):
    for name in SCREENSHOTS:
        path = artifacts / f"{Path(name).stem}.png"
        on_screen[name].screenshot(path=path, full_page=True)
        assert path.read_bytes().startswith(b"\x89PNG"), f"{path} is not a PNG"


# ------------------------------------------------------------------------------------------ print


def test_every_page_asks_for_a4_paper_with_side_margins(in_print):
    wrong = problems_of(in_print, lambda printed: [
        f"size {printed.box['size']!r}, margins {printed.box['left']!r} / {printed.box['right']!r} "
        f"from {printed.box['rules'] or 'no @page rule'}"]
        if "a4" not in printed.box["size"].lower().split() or not printed.box["left"] or not printed.box["right"]
        else [])
    assert not wrong, f"pages without an @page rule for A4 with left and right margins:\n{listing(wrong)}"


def test_in_print_no_table_image_or_figure_is_wider_than_the_a4_content_box(in_print):
    wide = problems_of(in_print, lambda printed: offenders(printed.page, "table, img, figure", """(el, limit) => {
        if (!el.getClientRects().length) return '';
        const box = el.getBoundingClientRect();
        return box.left < -0.5 || box.right > limit + 0.5
          ? 'spans ' + box.left.toFixed(0) + '–' + box.right.toFixed(0) + ' px of 0–' + limit.toFixed(0) : ''; }""",
        printed.page.viewport_size["width"]))
    assert not wide, f"cut off at the edge of the A4 content box (A4 less the @page side margins):\n{listing(wide)}"


def test_in_print_images_figures_and_table_rows_are_not_split_across_pages(in_print):
    splittable = problems_of(in_print, lambda printed: offenders(printed.page, "img, figure, tr", """el => {
        const value = getComputedStyle(el).breakInside;
        return value === 'avoid' ? '' : 'break-inside: ' + value; }"""))
    assert not splittable, f"may be cut by a page break:\n{listing(splittable)}"


def test_in_print_table_headers_repeat_on_every_page(in_print):
    headers = problems_of(in_print, lambda printed: offenders(printed.page, "table", """el => {
        const head = el.tHead;
        const first = el.rows[0];
        if (first && !head && [...first.cells].every(c => c.tagName === 'TH')) return 'header row outside <thead>';
        const display = head ? getComputedStyle(head).display : 'table-header-group';
        return display === 'table-header-group' ? '' : 'thead display: ' + display; }"""))
    assert not headers, f"table headers that do not repeat on a new page:\n{listing(headers)}"


def test_every_page_prints_to_an_a4_pdf(in_print, artifacts):
    sizes = {}
    for name, printed in in_print.items():
        pdf = printed.page.pdf(format="A4", print_background=True)
        if name == PDF_OF:
            (artifacts / f"{Path(name).stem}.pdf").write_bytes(pdf)
        sizes[name] = {(float(w), float(h)) for w, h in MEDIA_BOX.findall(pdf)}
    not_a4 = {name: [f"page sizes {sorted(boxes) or 'none found'} pt"] for name, boxes in sizes.items()
              if not boxes or any(abs(w - A4_PT[0]) > 2 or abs(h - A4_PT[1]) > 2 for w, h in boxes)}
    assert not not_a4, f"PDFs not on A4 ({A4_PT[0]} × {A4_PT[1]} pt):\n{listing(not_a4)}"
