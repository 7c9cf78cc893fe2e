"""Declared encodings of CSV inputs: the year's parameters (``inputs.encodings``) name the CSV files that are not
UTF-8 (``cp932`` as Japanese Excel saves *CSV*, ``utf-8-sig``); a file not declared is UTF-8, as before.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from envkpi import families
from envkpi.core.inputs import Column, InputError, Problem, TableSpec, data_rows, read_csv_text, read_table
from envkpi.core.parameters import ParameterError

SITES = TableSpec("sites_for_encodings", "Sites, for these tests.", (
    Column("site_id", "text", "site"),
    Column("site_name", "text", "name"),
    Column("quantity", "number", "a quantity", unit="t", minimum=0),
))

TEXT = "site_id,site_name,quantity\r\nJP-01,千葉工場,12.5\r\nJP-02,大阪事業所,3\r\n"
FILE = "data/sites_for_encodings.csv"


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "data" / SITES.file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def problems_of(path: Path, root: Path, encodings: dict) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        read_table(path, SITES, root=root, encodings=encodings)
    return caught.value.problems


def test_a_file_declared_cp932_reads_as_the_utf8_file(tmp_path):
    utf8 = read_table(write(tmp_path / "a", TEXT.encode("utf-8")), SITES, root=tmp_path / "a")
    path = write(tmp_path, TEXT.encode("cp932"))
    table = read_table(path, SITES, root=tmp_path, encodings={SITES.file_name: "cp932"})
    assert table.data.equals(utf8.data) and table.data["site_name"].tolist() == ["千葉工場", "大阪事業所"]
    assert data_rows(path, tmp_path, encoding="cp932") == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_a_file_declared_utf8_with_or_without_a_byte_order_mark_reads_as_utf8(tmp_path, encoding):
    path = write(tmp_path, TEXT.encode(encoding))
    assert read_table(path, SITES, root=tmp_path, encodings={SITES.file_name: encoding}).data["site_name"].tolist() == [
        "千葉工場", "大阪事業所"]


def test_a_declaration_of_another_file_does_not_apply(tmp_path):
    path = write(tmp_path, TEXT.encode("cp932"))
    [problem] = problems_of(path, tmp_path, {"other.csv": "cp932"})
    assert problem.message.startswith("not UTF-8 text")


def test_a_file_declared_cp932_that_is_not_cp932_is_named_with_its_line(tmp_path):
    path = write(tmp_path, TEXT.encode("cp932") + b"JP-03,\x82\xff,1\r\n")
    assert problems_of(path, tmp_path, {SITES.file_name: "cp932"}) == [Problem(FILE, 4, None, (
        "not CP932 text (byte 0x82 cannot be read as CP932), as the year's parameters declare it (inputs.encodings); "
        "save it as CSV from Japanese Excel, or as UTF-8 CSV and remove the declaration"))]


def test_a_file_declared_cp932_that_is_utf8_is_named(tmp_path):
    path = write(tmp_path, TEXT.encode("utf-8"))
    assert problems_of(path, tmp_path, {SITES.file_name: "cp932"}) == [Problem(FILE, 2, None, (
        "declared cp932 in the year's parameters (inputs.encodings), but it is UTF-8 text; remove the declaration "
        "or declare it utf-8"))]


def test_an_undeclared_cp932_file_keeps_its_message_and_the_error_says_how_to_declare_it(tmp_path):
    path = write(tmp_path, TEXT.encode("cp932"))
    with pytest.raises(InputError) as caught:
        read_table(path, SITES, root=tmp_path)
    assert caught.value.problems == [Problem(FILE, 2, None, (
        "not UTF-8 text (byte 0x90 cannot be read as UTF-8); it looks like Shift_JIS/CP932 (Japanese Excel); "
        "save it as UTF-8 CSV"))]
    assert str(caught.value).splitlines()[-1] == (
        "A CSV file saved by Japanese Excel may also be read as it is: declare its encoding in the year's parameters "
        "(parameters/FY<yyyy>.yaml), inputs: {encodings: {sites_for_encodings.csv: cp932}}.")


def test_read_csv_text_reads_a_declared_encoding(tmp_path):
    path = write(tmp_path, TEXT.encode("cp932"))
    assert read_csv_text(path, FILE, "cp932") == (TEXT, None)


# --- the declaration in the year's parameters ---------------------------------------------------------------

@pytest.fixture
def parameters(root, tmp_path) -> Path:
    shutil.copytree(root / "parameters", tmp_path / "parameters")
    return tmp_path / "parameters" / "FY2018.yaml"


def declare(file: Path, text: str) -> None:
    file.write_text(file.read_text(encoding="utf-8") + "\ninputs:\n  encodings:\n" + text, encoding="utf-8")


def test_the_year_declares_encodings_by_file_name(parameters):
    declare(parameters, "    product_use.csv: cp932\n    sites.csv: UTF-8-SIG\n")
    loaded = families.load_parameters(parameters)
    assert loaded.inputs.encodings == {"product_use.csv": "cp932", "sites.csv": "utf-8-sig"}


def test_without_a_declaration_every_file_is_utf8(parameters):
    assert families.load_parameters(parameters).inputs.encodings == {}


def test_an_unknown_encoding_or_file_name_is_an_error_naming_the_key(parameters, tmp_path):
    declare(parameters, "    product_use.csv: shift_jis\n    sites.csv: latin-1\n    sites: cp932\n")
    with pytest.raises(ParameterError) as caught:
        families.load_parameters(parameters, root=tmp_path)
    lines = str(caught.value).splitlines()
    assert ("  parameters/FY2018.yaml: inputs.encodings.product_use.csv: unknown encoding 'shift_jis'; expected one "
            "of utf-8, utf-8-sig, cp932; Shift_JIS as Japanese Excel writes it is cp932") in lines
    assert ("  parameters/FY2018.yaml: inputs.encodings.sites.csv: unknown encoding 'latin-1'; expected one of utf-8, "
            "utf-8-sig, cp932") in lines
    assert ("  parameters/FY2018.yaml: inputs.encodings.sites: expected the name of a CSV file of the year's folder, "
            "e.g. <table>.csv") in lines


def test_a_family_reads_its_tables_in_the_declared_encoding(root, parameters, tmp_path):
    folder = tmp_path / "data" / "FY2018"
    shutil.copytree(root / "data" / "FY2018", folder)
    path = folder / "product_use.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace("region", "地域", 1).encode("cp932"))
    declare(parameters, "    product_use.csv: cp932\n")
    family = families.family("product_use")
    expected = family.load_inputs(families.load_parameters(root / "parameters" / "FY2018.yaml", root=root),
                                  root / "data" / "FY2018", root)
    loaded = family.load_inputs(families.load_parameters(parameters, root=tmp_path), folder, tmp_path)
    assert loaded.products.equals(expected.products)
    assert [r.path for r in loaded.files if r.role == "input"] == ["data/FY2018/product_use.csv"]


def test_the_previous_years_files_read_by_logistics_use_that_years_declarations(root, parameters, tmp_path):
    from envkpi.families.logistics.tables import _previous_encodings

    declare(parameters, "    transport_records.csv: cp932\n")
    assert _previous_encodings(tmp_path, 2019) == {"transport_records.csv": "cp932"}
    assert _previous_encodings(tmp_path, 2018) == {}  # FY2017.yaml declares nothing
    assert _previous_encodings(None, 2019) == {}
