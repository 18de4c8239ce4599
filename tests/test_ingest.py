"""Unit tests for upload parsing: sniffing, encodings, numbers, names, workbooks, Parquet, joins."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import zipfile

import numpy as np
import openpyxl
import openpyxl.xml
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import segmentation.ingest_csv as ingest_csv
from segmentation.ingest import (
    IngestError,
    check_join,
    normalise_join_keys,
    read_upload,
    suggest_join_key,
)
from segmentation.ingest_common import make_unique_column_names

MB = 1024 * 1024


def read(data: bytes, filename: str = "upload.csv", **options: object):
    options.setdefault("max_bytes", 50 * MB)
    return read_upload(data, filename, **options)


def workbook_bytes(*sheets: tuple[str, list[list[object]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- delimiters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "delimiter", "columns"),
    [
        ('id,note\n1,"a;b;c"\n2,"d;e"\n', ",", ["id", "note"]),
        ("naam;bedrag;plaats\nMüller, Hans;12,5;Köln\nJansen, Piet;3,1;Gouda\n", ";", ["naam", "bedrag", "plaats"]),
        ("id|city\n1|Den Haag\n2|Berlin\n", "|", ["id", "city"]),
        ("id\tcity, country\n1\tLeeds, UK\n2\tKöln, DE\n", "\t", ["id", "city, country"]),
        (
            " id  date   amount\n 00001 19970101  11.77\n 00002 19970112  12.00\n",
            "whitespace",
            ["id", "date", "amount"],
        ),
        ("email\na@x.nl\nb@x.nl\n", ",", ["email"]),
        ('id;address;city\n1;"Dorpsstraat 1;\nachterhuis";Ede\n2;"Markt 2";Delft\n', ";", ["id", "address", "city"]),
    ],
    ids=["comma-quoted-semicolons", "semicolon-commas-in-text", "pipe", "tab", "whitespace", "one-column", "quoted"],
)
def test_delimiter_is_sniffed_from_field_counts(text: str, delimiter: str, columns: list[str]) -> None:
    result = read(text.encode())
    assert result.delimiter == delimiter
    assert list(result.frame.columns) == columns
    assert result.rows == 2


def test_trailing_delimiter_on_every_row_adds_no_column() -> None:
    for text in (b"id;x;\n1;2;\n3;4;\n", b"id;x\n1;2;\n3;4;\n"):
        result = read(text)
        assert list(result.frame.columns) == ["id", "x"]
        assert result.frame["x"].tolist() == [2, 4]
        assert result.warnings == ()


@pytest.mark.parametrize(
    ("text", "header_line", "warned"),
    [
        (b"\n\nid;naam\n1;Anna\n2;Jan\n", 3, False),
        (b"Klantenoverzicht 2024\n\nid;naam\n1;Anna\n2;Jan\n", 3, True),
        (b"Report, generated 2024-01-01\nid;naam\n1;Anna\n2;Jan\n", 2, True),
    ],
    ids=["blank-lines", "title-line", "title-with-a-comma"],
)
def test_lines_above_the_header_are_skipped(text: bytes, header_line: int, warned: bool) -> None:
    result = read(text, "export.csv")
    assert list(result.frame.columns) == ["id", "naam"]
    assert result.frame["naam"].tolist() == ["Anna", "Jan"]
    title_warnings = [warning for warning in result.warnings if "skipped as a title" in warning]
    assert title_warnings == ([f"the header of export.csv is on line {header_line}; {_SKIPPED}"] if warned else [])


_SKIPPED = "the lines above it were skipped as a title, not data"


def test_broken_row_below_a_title_line_is_named_by_its_editor_line() -> None:
    with pytest.raises(IngestError) as caught:
        read(b"Klantenoverzicht\n\nid;naam\n1;Anna\n2;Jan\n3;Lena;x\n", "export.csv")
    assert caught.value.line == 6
    assert caught.value.message.startswith("export.csv line 6 has 3 fields but the header has 2")


def test_whitespace_separated_broken_row_explains_spaces() -> None:
    with pytest.raises(IngestError) as caught:
        read(b"id amount\n" + b"1 12.5\n" * 30 + b"3 New York 4\n", "cd.txt")
    assert caught.value.line == 32
    assert "separated by spaces" in caught.value.message


def test_crlf_and_old_mac_line_endings() -> None:
    for newline in (b"\r\n", b"\r"):
        result = read(newline.join([b"id;naam", b"1;Anna", b"2;Jan", b""]))
        assert result.frame["naam"].tolist() == ["Anna", "Jan"]


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column", "expected"),
    [
        (b"id;prijs\n1;1.234,56\n2;12,5\n3;-0,75\n", "prijs", [1234.56, 12.5, -0.75]),
        (b"id;lat;omzet\n1;52.3702;12,5\n2;51.9244;3,5\n", "lat", [52.3702, 51.9244]),
        (b"id;aantal;omzet\n1;1.500;2,5\n2;12;3,5\n", "aantal", [1500, 12]),
        (b'id,amount\n1,"12,5"\n2,"3,25"\n', "amount", [12.5, 3.25]),
        (b'id,amount\n1,"1,234"\n2,"2,500"\n', "amount", ["1,234", "2,500"]),
        (b"id;datum;omzet\n1;12.05.2023;2,5\n2;01.01.2024;3,5\n", "datum", ["12.05.2023", "01.01.2024"]),
        (b"id;versie;omzet\n1;1.2.3;2,5\n2;1.10;3,5\n", "versie", ["1.2.3", "1.10"]),
        (
            b"id,signup\n1,2024-01-31 10:00:00\n2,2024-02-01 11:30:00\n",
            "signup",
            ["2024-01-31 10:00:00", "2024-02-01 11:30:00"],
        ),
    ],
    ids=[
        "grouped-decimal-comma",
        "dot-decimals-in-comma-file",
        "thousands-dot",
        "quoted-decimal-comma",
        "ambiguous-thousands-stays-text",
        "german-dates-stay-text",
        "versions-stay-text",
        "iso-dates-stay-text",
    ],
)
def test_numbers_convert_only_when_unambiguous(text: bytes, column: str, expected: list[object]) -> None:
    values = read(text).frame[column]
    assert values.tolist() == expected
    assert pd.api.types.is_numeric_dtype(values) == all(isinstance(value, int | float) for value in expected)


def test_leading_zero_numbers_stay_text_but_plain_numbers_do_not() -> None:
    frame = read(b"postcode,klantnr,orders\n01067,00123,3\n10115,00456,4\n").frame
    assert frame["postcode"].tolist() == ["01067", "10115"]
    assert frame["klantnr"].tolist() == ["00123", "00456"]
    assert pd.api.types.is_integer_dtype(frame["orders"])


def test_codes_that_turn_alphabetic_after_the_sample_stay_text() -> None:
    # Cancellation invoices ("C536379") appear only far into the file, past pandas' type chunks.
    data = b"invoice,qty\n" + b"536365,1\n" * 300_000 + b"C536379,-1\n" + b"536366,2\n"
    frame = read(data).frame
    assert frame["invoice"].iloc[0] == "536365"
    assert frame["invoice"].iloc[-2:].tolist() == ["C536379", "536366"]
    assert pd.api.types.is_string_dtype(frame["invoice"])


# --- encodings -----------------------------------------------------------------------------


def test_windows_1252_after_the_sample_is_reread_correctly() -> None:
    data = b"id,naam\n" + b"1,Jan\n" * 20_000 + "2,Strauß € café\n".encode("cp1252")
    result = read(data)
    assert result.encoding == "cp1252"
    assert result.frame["naam"].iloc[-1] == "Strauß € café"


def test_mostly_utf8_file_keeps_its_accents_and_warns_about_bad_bytes() -> None:
    data = "id,naam\n1,Zoë\n".encode() + b"2,Jan\n" * 20_000 + "3,café\n".encode("cp1252")
    result = read(data, "mixed.csv")
    assert result.encoding == "utf-8"
    assert result.frame["naam"].iloc[0] == "Zoë"
    assert result.frame["naam"].iloc[-1] == "caf\ufffd"
    assert any("mixed.csv is mostly UTF-8" in warning for warning in result.warnings)


def test_latin1_when_bytes_are_undefined_in_windows_1252() -> None:
    result = read(b"id,code\n1,a\x81b\n")
    assert result.encoding == "latin-1"
    assert result.frame["code"].tolist() == ["a\x81b"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_excel_unicode_text_export(encoding: str) -> None:
    result = read("naam\tstad\nZoë\tKöln\n".encode(encoding), "export.txt")
    assert result.encoding.startswith("utf-16")
    assert result.frame.to_dict("list") == {"naam": ["Zoë"], "stad": ["Köln"]}


# --- names and errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        (["id", "email", "email", "email"], ["id", "email", "email (2)", "email (3)"]),
        (["email", "email", "email (2)"], ["email", "email (3)", "email (2)"]),
        ([" id ", None, "", "naam"], ["id", "column_2", "column_3", "naam"]),
        ([2023.0, dt.datetime(2024, 1, 31), "x"], ["2023", "2024-01-31", "x"]),
    ],
    ids=["repeats", "taken-suffix", "blank", "spreadsheet-values"],
)
def test_column_names_are_made_unique_and_non_empty(raw: list[object], names: list[str]) -> None:
    assert make_unique_column_names(raw)[0] == names


def test_ragged_row_after_blank_lines_names_the_editor_line() -> None:
    with pytest.raises(IngestError) as caught:
        read(b"id,name\n\n1,Anna\n\n2,Jan,extra,more\n", "k.csv")
    assert caught.value.line == 5
    assert "k.csv line 5 has 4 fields but the header has 2" in caught.value.message


def test_large_upload_parses_like_pandas_and_reports_broken_lines() -> None:
    rows = 160_000
    frame = pd.DataFrame(
        {
            "id": np.arange(rows),
            "email": [f"user{i}@example.com" for i in range(rows)],
            "amount": np.round(np.linspace(0, 1000, rows), 2),
        }
    )
    data = frame.to_csv(index=False).encode()
    assert len(data) > ingest_csv.PARALLEL_PARSE_MIN_BYTES
    pd.testing.assert_frame_equal(read(data).frame, pd.read_csv(io.BytesIO(data)))

    broken = data.replace(b"\n150000,", b"\n150000,x,", 1)
    with pytest.raises(IngestError) as caught:
        read(broken, "big.csv")
    assert caught.value.line == 150_002
    assert "big.csv line 150002 has 4 fields but the header has 3" in caught.value.message


def test_max_columns_is_configurable() -> None:
    header = ",".join(f"c{i}" for i in range(30)).encode()
    assert read(header + b"\n" + b",".join([b"1"] * 30) + b"\n", max_columns=30).columns == 30
    with pytest.raises(IngestError, match="has 30 columns; the limit is 20"):
        read(header + b"\n" + b",".join([b"1"] * 30) + b"\n", max_columns=20)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"<!DOCTYPE html><html><table><tr><td>1</td></tr></table></html>", "is a web page"),
        (b'[{"id": 1}]', "looks like JSON"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "is a PNG image"),
    ],
    ids=["html", "json", "png"],
)
def test_files_that_are_not_tables_are_named(data: bytes, fragment: str) -> None:
    with pytest.raises(IngestError, match=fragment):
        read(data, "klanten.csv")


def test_name_and_content_disagreeing_reads_the_content_with_a_warning() -> None:
    as_text = read(b"id,naam\n1,Anna\n", "klanten.xlsx")
    assert as_text.file_format == "csv"
    assert any("klanten.xlsx is named .xlsx but is a text table" in warning for warning in as_text.warnings)
    as_workbook = read(workbook_bytes(("Blad1", [["id"], [1]])), "klanten.txt")
    assert as_workbook.file_format == "xlsx"
    assert as_workbook.frame["id"].tolist() == [1]


def test_gzip_limit_can_be_set_explicitly() -> None:
    packed = gzip.compress(b"id\n" + b"1\n" * 100_000)
    assert read(packed, "a.csv.gz").rows == 100_000
    with pytest.raises(IngestError, match="expands to more than"):
        read(packed, "a.csv.gz", max_uncompressed_bytes=100_000)


# --- workbooks -----------------------------------------------------------------------------


def test_openpyxl_parses_workbook_xml_with_defusedxml() -> None:
    assert openpyxl.xml.DEFUSEDXML is True


def test_workbook_with_xml_entities_is_refused() -> None:
    """An entity-expansion ("billion laughs") sheet must be refused by defusedxml, not expanded."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(("Blad1", [["naam"], ["Anna"]]))))
    sheet_xml = source.read("xl/worksheets/sheet1.xml")
    assert b">Anna<" in sheet_xml
    entity_sheet = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
    entity_sheet += sheet_xml.replace(b">Anna<", b">&b;<")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for member in source.infolist():
            content = entity_sheet if member.filename == "xl/worksheets/sheet1.xml" else source.read(member)
            target.writestr(member, content)
    with pytest.raises(IngestError) as caught:
        read(buffer.getvalue(), "entities.xlsx")
    assert "entities.xlsx contains XML entity declarations" in caught.value.message


def test_workbook_sheet_choice_header_row_and_cell_types() -> None:
    data = workbook_bytes(
        ("Info", [["Export van 2024"]]),
        (
            "Klanten",
            [
                [],
                [None, None],
                ["klantnr", "naam", "aangemeld", "omzet", "code"],
                [1, "Anna", dt.datetime(2024, 1, 31), 12.5, 100],
                [2, "Jan", dt.datetime(2024, 2, 1), "#N/A", "C-7"],
                [],
                [3, "Lena", dt.datetime(2024, 3, 1), 7, 300],
            ],
        ),
    )
    with pytest.raises(IngestError) as caught:
        read(data, "k.xlsx")
    assert "sheet 'Info' of k.xlsx has a header but no data rows" in caught.value.message
    assert "'Klanten'" in caught.value.message
    assert (caught.value.sheet, caught.value.sheet_names) == ("Info", ("Info", "Klanten"))

    result = read(data, "k.xlsx", sheet="klanten")
    assert result.sheet == "Klanten" and result.sheet_names == ("Info", "Klanten")
    frame = result.frame
    assert list(frame.columns) == ["klantnr", "naam", "aangemeld", "omzet", "code"]
    assert frame["klantnr"].tolist() == [1, 2, 3]
    assert pd.api.types.is_datetime64_any_dtype(frame["aangemeld"])
    assert frame["omzet"].tolist()[0] == 12.5 and np.isnan(frame["omzet"].tolist()[1])
    assert pd.api.types.is_float_dtype(frame["omzet"])
    assert frame["code"].tolist() == ["100", "C-7", "300"]


def test_workbook_wider_than_the_column_limit_is_refused() -> None:
    data = workbook_bytes(("Blad1", [[f"c{i}" for i in range(12)], list(range(12))]))
    with pytest.raises(IngestError) as caught:
        read(data, "wide.xlsx", max_columns=10)
    assert "sheet 'Blad1' of wide.xlsx has 12 columns; the limit is 10" in caught.value.message
    assert caught.value.sheet == "Blad1"


@pytest.mark.parametrize(
    ("members", "fragment"),
    [
        ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}, ".ods"),
        ({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}, "a Word document"),
        ({"[Content_Types].xml": b"<x/>", "xl/workbook.bin": b"\0"}, ".xlsb"),
    ],
    ids=["ods", "docx", "xlsb"],
)
def test_zip_files_that_are_not_xlsx_are_named(members: dict[str, bytes], fragment: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    with pytest.raises(IngestError, match=fragment):
        read(buffer.getvalue(), "upload.xlsx")


# --- parquet -------------------------------------------------------------------------------


def test_parquet_keeps_types_and_a_saved_index() -> None:
    frame = pd.DataFrame(
        {"omzet": [1.5, 2.5], "aangemeld": pd.to_datetime(["2024-01-01", "2024-02-01"])},
        index=pd.Index(["C-1", "C-2"], name="klantnr"),
    )
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    result = read(buffer.getvalue(), "klanten.parquet")
    assert result.file_format == "parquet"
    assert list(result.frame.columns) == ["klantnr", "omzet", "aangemeld"]
    assert result.frame["klantnr"].tolist() == ["C-1", "C-2"]
    assert pd.api.types.is_datetime64_any_dtype(result.frame["aangemeld"])


def test_parquet_with_damaged_pandas_metadata_still_reads_its_columns() -> None:
    table = pa.table({"id": [1, 2], "naam": ["Anna", "Jan"]})
    table = table.replace_schema_metadata({b"pandas": b'{"index_columns": [], "column_indexes": [{}], "columns": []}'})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    assert read(buffer.getvalue(), "k.parquet").frame.to_dict("list") == {"id": [1, 2], "naam": ["Anna", "Jan"]}


def test_parquet_column_limit() -> None:
    buffer = io.BytesIO()
    pd.DataFrame({f"c{i}": [i] for i in range(5)}).to_parquet(buffer)
    with pytest.raises(IngestError, match="has 5 columns; the limit is 4"):
        read(buffer.getvalue(), "wide.parquet", max_columns=4)


# --- joins ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["00123", "123", "123.0", " 123 ", "+123"], ["123"] * 5),
        ([0, "000", "0.0"], ["0", "0", "0"]),
        ([17850.0, np.nan, 12.5], ["17850", None, "12.5"]),
        (["Jan@X.nl", " C-001 ", "", None], ["jan@x.nl", "c-001", None, None]),
    ],
    ids=["padded-ids", "zeros", "floats", "text"],
)
def test_join_keys_are_normalised(values: list[object], expected: list[str | None]) -> None:
    normalised = normalise_join_keys(pd.Series(values, dtype=object))
    assert [None if pd.isna(value) else value for value in normalised] == expected


def test_check_join_counts_matches_unknown_and_blank_keys() -> None:
    customers = pd.DataFrame({"customer_id": ["00017", "00018", "00019"]})
    transactions = pd.DataFrame({"klant": [17.0, 17.0, 18.0, 99.0, 98.0, np.nan]})
    report = check_join(customers, transactions, "customer_id", "klant")
    assert report.matched_keys == 2
    assert report.right_keys == 4
    assert report.unmatched_right_rows == 3
    assert report.blank_right_rows == 1
    assert report.unmatched_share == pytest.approx(0.5)
    assert report.sample_unmatched == ("99", "98")


def test_check_join_shows_at_most_five_unmatched_keys() -> None:
    customers = pd.DataFrame({"id": [1]})
    transactions = pd.DataFrame({"id": list(range(1, 20))})
    assert check_join(customers, transactions, "id", "id").sample_unmatched == ("2", "3", "4", "5", "6")


@pytest.mark.parametrize(
    ("left_key", "right_key", "fragment"),
    [
        ("missing", "klant", "the customer table has no column 'missing'"),
        ("customer_id", "missing", "orders.csv has no column 'missing'"),
        ("customer_id", "leeg", "the column 'leeg' in orders.csv is empty"),
    ],
)
def test_check_join_refuses_unusable_columns(left_key: str, right_key: str, fragment: str) -> None:
    customers = pd.DataFrame({"customer_id": [1, 2]})
    transactions = pd.DataFrame({"klant": [1, 2], "leeg": [None, None]})
    with pytest.raises(IngestError, match=fragment):
        check_join(customers, transactions, left_key, right_key, right_label="orders.csv")


def test_suggest_join_key_prefers_the_id_columns() -> None:
    customers = pd.DataFrame(
        {
            "customer_id": np.arange(12_000, 12_100),
            "age": np.arange(100) % 60 + 18,
            "city": ["Utrecht"] * 100,
        }
    )
    transactions = pd.DataFrame(
        {
            "InvoiceNo": [f"5{i:05d}" for i in range(300)],
            "Quantity": np.arange(300) % 40 + 1,
            "CustomerID": (np.arange(300) % 120 + 12_000).astype(float),
        }
    )
    assert suggest_join_key(customers, transactions) == ("customer_id", "CustomerID")


def test_suggest_join_key_is_none_without_shared_values() -> None:
    customers = pd.DataFrame({"klantnr": ["A1", "A2"], "naam": ["Anna", "Jan"]})
    transactions = pd.DataFrame({"klantnr": ["Z9", "Z8"], "bedrag": [1.5, 2.5]})
    assert suggest_join_key(customers, transactions) is None
