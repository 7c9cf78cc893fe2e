"""Report helpers: numbers formatted with units, and text from the data shown as text, never as markup."""

import pandas as pd
import pytest

from envkpi import report
from envkpi.units import Quantity

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


def test_say_shows_a_name_from_the_data_as_text(shown):
    report.say("Site {name} emitted {co2}.", name=SCRIPT + " a_b*c $5", co2=Quantity(1234.5, "t CO2"))
    [data] = shown
    text = data["text/markdown"]
    assert SCRIPT not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert r"a\_b\*c \$5" in text and "1,234 t CO2" in text


def test_tables_escape_site_names(shown):
    report.show_table(pd.DataFrame({"site_id": ["JP-99"], "site_name": [SCRIPT], "co2_t": [1.5]}), caption="Sites")
    [data] = shown
    assert SCRIPT not in data["text/html"] and "&lt;script&gt;alert(1)&lt;/script&gt;" in data["text/html"]
    assert '<td class="num">1.5</td>' in data["text/html"]
