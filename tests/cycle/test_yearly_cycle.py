"""The yearly cycle end to end, on real files in a copy of the project: new year, diff, publish, restate, verify.

Each test copies the project (parameters, data, notebooks, outputs) into a temporary folder and runs
the `envkpi` command there, as the reporting team would.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from envkpi.core.parameters import what_changed_placeholder
from envkpi.cycle.publication import publication
from envkpi.families import family
from envkpi.core.results import read_results

from commands import envkpi, headline


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


#: The new site of FY2019 in the end-to-end test: a second plant in Thailand, smaller than the first.
NEW_SITE = {"site_id": "TH-02", "site_name": "Chonburi Plant", "country": "TH",
            "entity": "Hoshikawa Appliances (Thailand) Co., Ltd.", "parent_entity": "Hoshikawa Industrial Co., Ltd.",
            "has_ems": "true", "notes": "Started operation in April 2019 (illustrative)", "first_fiscal_year": "2019",
            "last_fiscal_year": ""}
NEW_SITE_ROWS = {"fuel_use.csv": [{"site_id": "TH-02", "fuel": "lpg", "quantity": "20", "unit": "t", "supplier": ""}],
                 "purchased_energy.csv": [{"site_id": "TH-02", "carrier": "electricity", "quantity": "8000", "unit": "MWh"}],
                 "production_output.csv": [{"site_id": "TH-02", "output": "9000", "unit": "MJPY"}]}


#: The production family's tables, whose rows of the new site are NEW_SITE_ROWS (none in the others: no renewables).
PRODUCTION_FILES = {spec.file_name for spec in family("production").tables}


def fill_new_year(project: Path, year: int, *, closed: str, explanations: str) -> None:
    """What the team does after `new-year` (README, "Adding a fiscal year", step 2): confirm the carried values,
    state what changed, fill the tables. Here the tables are last year's, with the site ``closed`` closed after
    last year and the site NEW_SITE new this year."""
    previous = year - 1
    year_file = project / "parameters" / f"FY{year}.yaml"
    text = re.sub(r",? *carried_over_from: \d+ *(#.*)?", "", year_file.read_text(encoding="utf-8"))
    text = text.replace(what_changed_placeholder(previous),
                        f"Kitakyushu Works ({closed}) closed after FY{previous}; Chonburi Plant (TH-02) started in "
                        f"April {year}. Method and factors as in FY{previous}.")
    text = text.replace("explanations: {}", "explanations:\n" + explanations)
    year_file.write_text("\n".join(line for line in text.splitlines() if line.strip()) + "\n", encoding="utf-8")
    source, target = project / "data" / f"FY{previous}", project / "data" / f"FY{year}"
    for table in source.glob("*.csv"):
        header, rows = read_csv(table)
        if table.name == "sites.csv":
            for row in rows:
                if row["site_id"] == closed:
                    row["last_fiscal_year"] = str(previous)
            rows.append(NEW_SITE)
        elif "site_id" in header:
            new = NEW_SITE_ROWS.get(table.name)
            if new is None and table.name not in PRODUCTION_FILES:  # the other families' tables by site: the new
                # plant reports as its sister TH-01 does
                new = [{**row, "site_id": NEW_SITE["site_id"]} for row in rows if row["site_id"] == "TH-01"]
            rows = [row for row in rows if row["site_id"] != closed] + (new or [])
        write_csv(target / table.name, header, rows)


def test_the_yearly_cycle_new_year_publish_restate_and_the_restatement_flowing_forward(project):
    """README, "Adding a fiscal year" and "Restating", step by step: new-year 2019 → fill it (Kitakyushu Works
    closed, Chonburi Plant new) → run → publish (the history written by the tool) → restate FY2018 with a
    reason → FY2017 and FY2018 still run → FY2019 is based on superseded figures → publish the FY2018
    restatement → FY2019 rerun writes its restatement, against FY2018 as restated → published and verified."""
    today = date.today().isoformat()
    outputs = project / "outputs"
    fy2018, fy2019 = outputs / "FY2018", outputs / "FY2019"
    as_published = f"FY2018 as published on {publication(fy2018)['published_on']}"

    # 1. A new year is refused until it is ready, with the list of what is missing.
    created = envkpi("new-year", "2019", cwd=project)
    assert created.returncode == 0, created.stderr
    assert envkpi("new-year", "2019", cwd=project).returncode == 2  # never over an existing year
    refused = envkpi("run", "--fy", "2019", cwd=project)
    assert refused.returncode == 2, "a year not ready: nothing is run"
    assert "FY2019 is not ready to run" in refused.stderr and "Traceback" not in refused.stderr
    assert "parameters/FY2019.yaml: avoided_emissions.pv.lifetime: carried over from FY2018" in refused.stderr
    assert "parameters/FY2019.yaml: what_changed: still the template's placeholder" in refused.stderr
    assert "data/FY2019/fuel_use.csv: no rows — an empty template; fill it" in refused.stderr
    assert "site_history.csv: no row" not in refused.stderr  # publishing FY2018 wrote its history rows
    assert not fy2019.exists()

    # 2. Filled, it runs; the closed site reports nothing, the new one enters; the comparisons name FY2018's version.
    # JP-04's Scope 1 is about 12 % of the group's (10,075 of 84,602 t CO2e): the team states it.
    # JP-04 is also the largest source of waste and valuables and a large user of recycled resin (resources):
    # RES-02, RES-06 and RES-07 fall by 11–15 %, each stated as one rounded change.
    closure = "Kitakyushu Works (JP-04), a large {what}, closed after FY2018."
    fill_new_year(project, 2019, closed="JP-04", explanations="".join(
        f'  {indicator}: {{change: "-12 %", text: "{closure.format(what=what)}"}}\n'
        for indicator, what in (("PRD-06", "fuel user"), ("RES-02", "user of recycled resin"),
                                ("RES-06", "source of waste"), ("RES-07", "source of valuables")))
        # STK-01 is cumulative since FY2009: FY2019 repeats FY2018's 149,900 participants (the tables are
        # FY2018's) → 149,900 / 1,101,700 = +13.6 %
        + '  STK-01: {change: "+14 %", text: "A cumulative series: FY2019 adds its participants to the total."}\n'
        # and so do the cumulative green-product series: GP-04 + (13,850 + 640) × 1.87 = 27,096.3 MWh on 165,558.58
        # → +16.4 %; GP-06 + 656,385 MWh on 3,697,296 → +17.8 %; GP-07 + 3,470,000 rooms on 12,963,000 → +26.8 %
        + "".join(f'  {indicator}: {{change: "{change}", text: "A cumulative series: FY2019 adds its shipments."}}\n'
                  for indicator, change in (("GP-04", "+16 %"), ("GP-06", "+18 %"), ("GP-07", "+27 %")))
        # and the targets' progress, a percent compared as a relative change: TGT-01 (300 Mt, cumulative) 38.43 →
        # 46.65 % = +21 %; TGT-02 (Scope 1 + 2, −42 % by FY2030) −1.83 → +13.64 % with JP-04's emissions gone =
        # (13.64 + 1.83) / 1.83 = +845 %; TGT-04 (water) 25.38 → 6.91 % with TH-02 drawing as TH-01 does = −73 %
        + "".join(f'  {indicator}: {{change: "{change}", text: "{text}"}}\n' for indicator, change, text in (
            ("TGT-01", "+21 %", "A cumulative target: FY2019 adds its avoided emissions."),
            ("TGT-02", "+845 %", "Kitakyushu Works closed: Scope 1 + 2 fell below the base year."),
            ("TGT-04", "-73 %", "Chonburi Plant draws water as its sister plant does."))))
    ran = envkpi("run", "--fy", "2019", cwd=project)
    assert ran.returncode == 0, ran.stderr
    assert "IPKernelApp" not in ran.stderr and "KeyboardInterrupt" not in ran.stderr  # no kernel noise
    rows = read_results(fy2019 / "results.csv")
    sites = {r.breakdown.removeprefix("site=") for r in rows if r.indicator_id == "PRD-01" and r.breakdown}
    assert "JP-04" not in sites and "TH-02" in sites
    production = (fy2019 / "production.html").read_text(encoding="utf-8")
    assert "closed after FY2018: no FY2019 rows" in production and "joined the group in FY2019" in production
    assert "1 site joined the group in FY2019 and 1 site closed after FY2018." in production
    assert f"Compared with {as_published}." in (fy2019 / "changes.html").read_text(encoding="utf-8")
    assert f"against {as_published}" in (fy2019 / "index.html").read_text(encoding="utf-8")

    # 3. Publishing FY2019 writes its figures into the history files, at full precision, with their source.
    done = envkpi("publish", "--fy", "2019", "--by", "Environment Office", "--on", "2020-06-30", cwd=project)
    assert done.returncode == 0, done.stderr
    _, history = read_csv(project / "data" / "history" / "site_history.csv")
    written = {r["site_id"]: r for r in history if r["fiscal_year"] == "2019"}
    assert set(written) == sites
    for row in rows:
        if row.indicator_id == "PRD-01" and row.breakdown:
            site = written[row.breakdown.removeprefix("site=")]
            assert (float(site["co2"]), site["source"]) == (row.value, "FY2019 as published on 2020-06-30")
    _, avoided = read_csv(project / "data" / "history" / "avoided_emissions.csv")
    [total] = [r for r in avoided if r["fiscal_year"] == "2019"]
    assert float(total["avoided_co2_t"]) == sum(headline(rows, i) for i in ("CO2-01", "CO2-02", "CO2-03"))
    assert envkpi("verify", str(fy2019), cwd=project).returncode == 0

    # 4. An error found in FY2018: a restatement needs its reason.
    electricity = project / "data" / "FY2018" / "purchased_energy.csv"
    text = electricity.read_text(encoding="utf-8")
    assert "JP-01,electricity,96400,MWh" in text
    electricity.write_text(text.replace("JP-01,electricity,96400,MWh", "JP-01,electricity,97400,MWh"), encoding="utf-8")
    refused = envkpi("run", "--fy", "2018", "--only", "production", cwd=project)
    assert refused.returncode == 1 and "A restatement needs its reason" in refused.stderr and "PRD-07 " in refused.stderr
    assert not (fy2018 / "restated").exists()
    reason = "JP-01 electricity: the March 2019 meter reading was 97,400 MWh, not 96,400"
    ran = envkpi("run", "--fy", "2018", "--reason", reason, cwd=project)
    assert ran.returncode == 0, ran.stderr
    restated18 = fy2018 / "restated" / today
    # 1,000 MWh more at JP-01 × 1,000 kWh/MWh × 0.410 kg CO2/kWh ÷ 1,000 kg/t = 410 t CO2e more Scope 2
    assert headline(read_results(restated18 / "results.csv"), "PRD-07") - headline(
        read_results(fy2018 / "results.csv"), "PRD-07") == pytest.approx(410, rel=1e-9)
    label = f"FY2018 as restated on {today}"
    for page in ("index.html", "production.html", "changes.html", "avoided_emissions.html"):
        html = (restated18 / page).read_text(encoding="utf-8")
        assert "Restatement." in html and label in html and reason in html, page
        assert 'href="../../index.html"' in html, page  # the published pages
    assert f"This run restates {as_published}" in (restated18 / "changes.html").read_text(encoding="utf-8")

    # 5. The years before still run: each reproduces its current figures.
    for year in ("2017", "2018"):
        again = envkpi("run", "--fy", year, cwd=project)
        assert again.returncode == 0, again.stderr
        assert "reproduces its results: nothing written" in again.stderr

    # 6. FY2019 is based on superseded figures of FY2018: verify says so, and its run waits for the publication.
    stale = envkpi("verify", str(fy2019), cwd=project)
    assert stale.returncode == 1
    assert (f"based on superseded figures of FY2018 (it used {as_published}; now {label}): rerun FY2019"
            in stale.stderr), stale.stderr
    waiting = envkpi("run", "--fy", "2019", cwd=project)
    assert waiting.returncode == 2 and f"outputs/FY2018/restated/{today}: a restatement of FY2018 not yet published" \
        in waiting.stderr
    assert f"is based on superseded figures of FY2018 (it used {as_published}; now {label})" in waiting.stderr
    done = envkpi("publish", "--fy", "2018", "--restatement", today, "--by", "Environment Office", cwd=project)
    assert done.returncode == 0, done.stderr
    _, history = read_csv(project / "data" / "history" / "site_history.csv")
    jp01 = next(r for r in history if (r["site_id"], r["fiscal_year"]) == ("JP-01", "2018"))
    restated_jp01 = headline(read_results(restated18 / "results.csv"), "PRD-01", "site=JP-01")
    published_jp01 = headline(read_results(fy2018 / "results.csv"), "PRD-01", "site=JP-01")
    assert (float(jp01["co2"]), float(jp01["co2_as_published"]), jp01["source"]) == (restated_jp01, published_jp01, label)

    # 7. The FY2019 rerun writes its restatement, against FY2018 as restated, and says so. The team restates the
    # change of TGT-02 it explains: FY2018's progress is now −2.04 % (410 t more Scope 2), so −2.04 → +13.64 % is
    # (13.64 + 2.04) / 2.04 = +767 %.
    year_file = project / "parameters" / "FY2019.yaml"
    year_file.write_text(year_file.read_text(encoding="utf-8").replace('TGT-02: {change: "+845 %"',
                                                                       'TGT-02: {change: "+767 %"'), encoding="utf-8")
    ran = envkpi("run", "--fy", "2019", cwd=project)
    assert ran.returncode == 0, ran.stderr
    assert f"is based on superseded figures of FY2018 (it used {as_published}; now {label}): this run restates it" \
        in ran.stderr
    restated19 = fy2019 / "restated" / today
    manifest = json.loads((restated19 / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["restatement"]["reason"] == f"restatement of FY2018 ({label})"
    assert f"Compared with {label}." in (restated19 / "changes.html").read_text(encoding="utf-8")
    index = (restated19 / "index.html").read_text(encoding="utf-8")
    assert f"against {label}" in index and "Restatement." in index
    # its chained index now runs through FY2018 as restated: its A2018 is the restated FY2018's own
    factor = lambda folder: headline(read_results(folder / "results.csv"), "PRD-02", "factor=A2018")  # noqa: E731
    assert factor(restated19) == pytest.approx(factor(restated18), rel=1e-12)
    assert factor(fy2019) == pytest.approx(factor(fy2018), rel=1e-12)
    assert factor(restated18) != pytest.approx(factor(fy2018), rel=1e-9)

    # 8. Both restatements published and verified; a hand edit of the history is named by verify.
    done = envkpi("publish", "--fy", "2019", "--restatement", today, "--by", "Environment Office", cwd=project)
    assert done.returncode == 0, done.stderr
    for year in (fy2018, fy2019):
        verified = envkpi("verify", str(year), cwd=project)
        assert verified.returncode == 0, verified.stderr
    history_file = project / "data" / "history" / "site_history.csv"
    history_file.write_text(history_file.read_text(encoding="utf-8").replace(jp01["co2"], "60000"), encoding="utf-8")
    edited = envkpi("verify", str(fy2018), cwd=project)
    assert edited.returncode == 1 and "data/history/site_history.csv, row " in edited.stderr
    assert f"column 'co2' (JP-01 FY2018): '60000' differs from '{jp01['co2']}', {label}" in edited.stderr


def test_diff_lists_the_pv_lifetime_change_with_its_effect(root):
    finished = envkpi("diff", "--fy", "2018", "--against", "2017", cwd=root)
    assert finished.returncode == 0, finished.stderr
    assert "avoided_emissions.pv.lifetime: value changed: 20.0 year → 25.0 year" in finished.stdout
    # The PV part is capacity × lifetime × yield × factor: reverting 25 → 20 years removes 5/25 of it.
    pv = headline(read_results(root / "outputs" / "FY2018" / "results.csv"), "CO2-01", "part=pv")
    effect = pv - pv * 20 / 25
    assert f"avoided_emissions.pv.lifetime: 20.0 year → 25.0 year: CO2-01 {effect:+,.3f} t CO2" in finished.stdout


def test_the_changes_report_shows_the_pv_lifetime_effect(root):
    with open(root / "outputs" / "FY2018" / "effects.csv", newline="", encoding="utf-8") as handle:
        effects = {(r["path"], r["indicator_id"]): float(r["effect"]) for r in csv.DictReader(handle)}
    pv = headline(read_results(root / "outputs" / "FY2018" / "results.csv"), "CO2-01", "part=pv")
    assert effects[("avoided_emissions.pv.lifetime", "CO2-01")] == pytest.approx(pv * 5 / 25, rel=1e-9)
    html = (root / "outputs" / "FY2018" / "changes.html").read_text(encoding="utf-8")
    assert "avoided_emissions.pv.lifetime" in html and "moves CO2-01 by" in html


def test_a_flagged_change_unexplained_or_explained_as_another_change_fails_the_run_naming_it(root, tmp_path):
    # FY2017 → FY2018: CO2-01 +35.52 %, CO2-02 +11.54 %, CO2-03 +12.17 %, PRD-04 +11.49 %, all flagged at 10 %
    params = tmp_path / "parameters"
    shutil.copytree(root / "parameters", params)
    year_file = params / "FY2018.yaml"
    text = year_file.read_text(encoding="utf-8")
    # the year file's explanations, with CO2-03's removed and CO2-01's and CO2-02's stating other changes
    lines = {line.split(":")[0].strip(): line for line in text.splitlines() if line.startswith("  CO2-0")}
    text = text.replace(lines["CO2-03"] + "\n", "")
    text = text.replace(lines["CO2-01"], '  CO2-01: {change: "-36 %", text: "A fall, says this explanation."}')
    year_file.write_text(text.replace(lines["CO2-02"], '  CO2-02: {change: "+30 %", text: "Far more products shipped."}'),
                         encoding="utf-8")
    finished = envkpi("run", "--fy", "2018", "--params", str(year_file), "--out", str(tmp_path / "out"), cwd=root)
    assert finished.returncode == 1, finished.stderr
    [line] = [line for line in finished.stderr.splitlines() if "check failed: Every flagged change is explained" in line]
    assert line.endswith(
        "check failed: Every flagged change is explained, by an explanation of that change ("
        "CO2-03 moved +12.17 % (9,119,657.179 → 10,229,669.66 t CO2), above the flag threshold of 10 %, and has no "
        "explanation in explanations: of the year file; "
        f"CO2-01 moved +35.52 % (4,440,924.338 → 6,018,559.83 t CO2), but {year_file}: explanations.CO2-01 states "
        "-36 %: the other direction; "
        f"CO2-02 moved +11.54 % (7,521,311.812 → 8,389,424.683 t CO2), but {year_file}: explanations.CO2-02 states "
        "+30 %: 18.5 percentage points apart, more than the tolerance of 5)"), line
    assert "PRD-04" not in line  # explained by the change observed
    assert not (tmp_path / "out").exists()
    # the page the team opens beside the executed notebooks: each failed check with its figures
    page = (tmp_path / "out.failed" / "failure.html").read_text(encoding="utf-8")
    assert "FY2018: the run stopped" in page and '<a href="changes.ipynb">changes.ipynb</a>' in page
    assert "CO2-03 moved +12.17 % (9,119,657.179 → 10,229,669.66 t CO2), above the flag threshold of 10 %" in page
