"""CMP-01 (violations of laws and ordinances) computed by hand from the standard's row コンプライアンス /
法令違反件数: 当社の工場、および製品により発生した、法令・条例違反の件数 — a count of incidents caused by the
group's sites or products; zero is a result over the sites covered.
"""

from __future__ import annotations

import pandas as pd

from envkpi.core.units import Quantity
from envkpi.families import load_parameters
from envkpi.families.compliance import calculations as cmp
from envkpi.families.compliance.tables import load_compliance_inputs

COLUMNS = ["row", "incident_id", "date", "site_id", "product", "law", "description", "corrective_action"]


def incidents(*rows: tuple) -> pd.DataFrame:
    """Rows (incident_id, site_id, product): the other columns filled with placeholders."""
    return pd.DataFrame([(i + 2, ident, "2018-06-01", site, product, "law", "what", "fixed")
                         for i, (ident, site, product) in enumerate(rows)], columns=COLUMNS)


def load(root, year):
    params = load_parameters(root / "parameters" / f"FY{year}.yaml", root=root)
    return load_compliance_inputs(params, root / "data" / f"FY{year}", root=root)


def test_violations_adds_counts_and_is_zero_for_none():
    assert cmp.violations([]) == Quantity(0, "count")
    assert cmp.violations([Quantity(2, "count"), Quantity(1, "count")]) == Quantity(2 + 1, "count")


def test_zero_incidents_is_zero_over_every_site_covered():
    rows = cmp.incident_rows(incidents())
    sites = ["JP-01", "CN-02", "IN-01"]
    total = cmp.violations_count(rows)
    assert total.m_as("count") == 0  # no row: V = Σ n_s + Σ n_p = 0 + 0
    by_site = cmp.violations_by_site(rows, sites)
    assert list(by_site.index) == sites and by_site.tolist() == [0, 0, 0]  # every site covered shown, each 0
    assert cmp.violations_by_cause(rows).to_dict() == {"site": 0, "product": 0}
    assert cmp.violations_by_product(rows).empty
    assert all(c.passed for c in cmp.compliance_checks(rows, cmp.violations_by_cause(rows), by_site,
                                                       cmp.violations_by_product(rows), total))


def test_incidents_by_site_and_by_product():
    # 2 incidents at CN-02, 1 at JP-01 (sites); 1 of product A made at JP-01 (counted as a product
    # violation, not JP-01's), 1 of product B with no site: V = (2 + 1) + (1 + 1) = 5
    rows = cmp.incident_rows(incidents(("1", "CN-02", ""), ("2", "CN-02", ""), ("3", "JP-01", ""),
                                       ("4", "JP-01", "A"), ("5", "", "B")))
    sites = ["JP-01", "CN-02", "TH-01"]
    total = cmp.violations_count(rows)
    assert total.m_as("count") == (2 + 1) + (1 + 1)
    by_site = cmp.violations_by_site(rows, sites)
    assert by_site.to_dict() == {"JP-01": 1, "CN-02": 2, "TH-01": 0}
    by_product = cmp.violations_by_product(rows)
    assert by_product.to_dict() == {"A": 1, "B": 1}
    by_cause = cmp.violations_by_cause(rows)
    assert by_cause.to_dict() == {"site": 2 + 1, "product": 1 + 1}
    assert all(c.passed for c in cmp.compliance_checks(rows, by_cause, by_site, by_product, total))


def test_a_lost_row_fails_the_checks():
    rows = cmp.incident_rows(incidents(("1", "CN-02", ""), ("2", "", "B")))
    by_cause, by_product = cmp.violations_by_cause(rows), cmp.violations_by_product(rows)
    by_site = cmp.violations_by_site(rows, ["CN-02"])
    wrong = Quantity(1, "count")  # one of the 2 incidents lost
    assert not all(c.passed for c in cmp.compliance_checks(rows, by_cause, by_site, by_product, wrong))


def test_the_other_reading_adds_the_rows_set_aside():
    excluded = pd.DataFrame({"table": ["compliance_incidents.csv"], "rows_outside_boundary": [2], "rows": ["4, 5"],
                             "sites": ["US-02"]})
    assert cmp.violations_all_sites(Quantity(3, "count"), excluded).m_as("count") == 3 + 2


def test_the_samples_by_hand(root):
    # FY2018: the register has no row: CMP-01 = 0 over the 12 sites inside the boundary
    fy2018 = load(root, 2018)
    rows = cmp.incident_rows(fy2018.incidents)
    assert cmp.violations_count(rows).m_as("count") == 0
    assert len(fy2018.sites_in_boundary) == 12
    # FY2017: row 2 CN-02 (site), row 3 air conditioner HK-A25 (product): 1 + 1 = 2 over 11 sites
    fy2017 = load(root, 2017)
    rows = cmp.incident_rows(fy2017.incidents)
    assert cmp.violations_count(rows).m_as("count") == 1 + 1
    assert rows["row"].tolist() == [2, 3]
    assert cmp.violations_by_site(rows, fy2017.sites_in_boundary)["CN-02"] == 1
    assert cmp.violations_by_cause(rows).to_dict() == {"site": 1, "product": 1}
