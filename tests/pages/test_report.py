"""Report helpers: numbers formatted with units, and text from the data shown as text, never as markup."""

import re

import pandas as pd
import pytest

from envkpi.pages import report
from envkpi.core.units import Quantity

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def shown(monkeypatch):
    """What the helpers display, as (data, metadata) pairs."""
    calls = []

    def capture(obj, raw=False, metadata=None):
        calls.append(obj if raw else {"text/markdown": obj.data})

    monkeypatch.setattr(report, "display", capture)
    return calls


def test_fmt_uses_thousands_separators_and_fewer_decimals_as_numbers_grow():
    assert report.fmt(Quantity(449280.709, "t CO2")) == "449,281 t CO2"
    assert report.fmt(Quantity(89.5094, "percent")) == "89.5 %"
    assert report.fmt(Quantity(0.41, "kg CO2 / kWh")) == "0.4100 kg CO2 / kWh"
    assert report.fmt(Quantity(2500, "kg CO2"), "t CO2") == "2.50 t CO2"
    assert report.fmt(Quantity(2, "count")) == "2 count"  # a count is whole, not "2.00 count"
    assert report.fmt(Quantity(0, "t")) == "0 t"  # zero is zero, not "0.0000 t"


def test_say_shows_a_name_from_the_data_as_text(shown):
    report.say("Site {name} emitted {co2}.", name=SCRIPT + " a_b*c $5", co2=Quantity(1234.5, "t CO2"))
    [data] = shown
    text = data["text/markdown"]
    assert SCRIPT not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert r"a\_b\*c \$5" in text and "1,234 t CO2" in text


def test_tables_escape_site_names(shown):
    report.show_table(pd.DataFrame({"site_id": ["JP-99"], "site_name": [SCRIPT], "co2_t": [1.5]}), caption="Sites")
    [data] = shown
    page = data["text/html"]
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.replace("<wbr>", "")
    assert '<td class="num">1.5</td>' in page


def test_long_text_in_tables_may_break_at_separators_and_every_16_characters_of_a_hash(shown):
    sha = "c0fb70344875933ef08cc6adcede21c3b6a5a1be1675edaacfeba2ba2b1ee0e1"
    report.show_table(pd.DataFrame({"path": ["data/FY2018/fuel_use.csv"], "sha256": [sha], "factor": ["0.410 t/MWh"]}))
    [data] = shown
    cells = re.findall(r"<td>(.*?)</td>", data["text/html"])
    assert cells == ["data/<wbr>FY2018/<wbr>fuel_<wbr>use.<wbr>csv",
                     "<wbr>".join([sha[0:16], sha[16:32], sha[32:48], sha[48:64]]),
                     "0.410 t/<wbr>MWh"]  # never inside a number
    assert sha in data["text/plain"]  # the plain-text copy is untouched


def test_the_statement_of_what_changed_is_shown_as_written_naming_its_file(shown, root):
    from envkpi.families import load_parameters

    params = load_parameters(root / "parameters" / "FY2018.yaml", root=root)
    report.show_what_changed(params.model_copy(update={"what_changed": "Boundary: " + SCRIPT + "\nSites: JP-13 new."}))
    report.show_what_changed(params.model_copy(update={"what_changed": "(write here: what changed from FY2017: …)"}))
    [stated, placeholder] = shown
    assert ("What changed from FY2017, as the reporting team states it in parameters/FY2018.yaml (what_changed)"
            in stated["text/html"])
    assert SCRIPT not in stated["text/html"]
    assert '<p class="envkpi-statement">Boundary: &lt;script&gt;alert(1)&lt;/script&gt;\nSites: JP-13 new.</p>' in \
        stated["text/html"]
    assert stated["text/plain"].endswith(":\nBoundary: " + SCRIPT + "\nSites: JP-13 new.")
    assert "Not stated: the year file gives no statement of what changed from FY2017." in placeholder["text/html"]
    assert "write here" not in placeholder["text/html"]
