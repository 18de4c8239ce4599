"""The bad-input corpus for uploads: one table of messy files, each built in code, with its outcome.

Good-but-messy inputs (BOM, Windows-1252, decimal commas, tabs, quoted newlines) must parse to
the right values; bad ones must raise IngestError whose one message names the problem and the
fix. No case may raise anything other than IngestError.
"""

from __future__ import annotations

import gzip
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pytest

from segmentation.ingest import IngestError, IngestResult, check_join, read_upload
from tests.test_ingest import workbook_bytes

MB = 1024 * 1024
LIMIT = 2 * MB


def upload(make: Callable[[], bytes], filename: str, **options: object) -> Callable[[], IngestResult]:
    """A case action: build the bytes, then read them as an upload with a 2 MB limit."""
    options.setdefault("max_bytes", LIMIT)
    return lambda: read_upload(make(), filename, **options)


def workbook_with_cached_formula() -> bytes:
    """A workbook whose B2 holds the formula =A2*2 with the value 42 that Excel saved with it.

    openpyxl writes formulas without a result, so the sheet XML gets the cached <v> added,
    as a workbook saved by Excel has it.
    """
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(("Sheet1", [["amount", "double"], [21, "=A2*2"]]))))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                assert b"<f>A2*2</f><v />" in content
                content = content.replace(b"<f>A2*2</f><v />", b"<f>A2*2</f><v>42</v>")
            target.writestr(member, content)
    return target_buffer.getvalue()


def zip_bomb_workbook() -> bytes:
    """A real zip laid out like a workbook whose sheet part inflates to 50 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * MB))
    return buffer.getvalue()


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def customers_and_unrelated_transactions() -> object:
    customers = pd.DataFrame({"customer_id": ["C-001", "C-002", "C-003"], "name": ["Anna", "Jan", "Lena"]})
    transactions = pd.DataFrame({"klant": [17850, 13047, 12583, 17850], "amount": [1.0, 2.0, 3.0, 4.0]})
    return check_join(customers, transactions, "customer_id", "klant", right_label="transactions.csv")


def expect_values(column: str, values: list[object]) -> Callable[[IngestResult], None]:
    def check(result: IngestResult) -> None:
        assert result.frame[column].tolist() == values

    return check


def expect_bom(result: IngestResult) -> None:
    assert list(result.frame.columns) == ["email", "score"]
    assert result.encoding == "utf-8-sig"
    assert result.frame["score"].tolist() == [3, 4]


def expect_cp1252(result: IngestResult) -> None:
    assert result.encoding == "cp1252"
    assert result.frame["naam"].tolist() == ["Émile", "Strauß", "Müller"]
    assert result.frame["opmerking"].tolist() == ["5 €", "ß", "ü"]


def expect_decimal_comma(result: IngestResult) -> None:
    assert (result.delimiter, result.decimal) == (";", ",")
    assert result.frame["omzet"].tolist() == [1234.56, 12.5, 7.0]
    assert result.frame["rating"].tolist() == [4.5, 3.25, 5.0]
    assert pd.api.types.is_float_dtype(result.frame["omzet"])


def expect_tab(result: IngestResult) -> None:
    assert result.delimiter == "\t"
    assert list(result.frame.columns) == ["id", "city", "note"]
    assert result.frame["note"].tolist() == ["a, b", "c; d"]


def expect_quoted_newline(result: IngestResult) -> None:
    assert result.rows == 2
    assert result.frame["address"].tolist() == ["Damrak 1\n1012 LG Amsterdam", "Zeil 5"]


def expect_duplicates(result: IngestResult) -> None:
    assert list(result.frame.columns) == ["id", "email", "email (2)", "column_4"]
    assert result.frame["email (2)"].tolist() == ["b@x.nl"]
    assert any('"email"' in warning and "email (2)" in warning for warning in result.warnings)
    assert any("column_4" in warning for warning in result.warnings)


def expect_formula_value(result: IngestResult) -> None:
    assert result.frame["double"].tolist() == [42]
    assert not result.frame.astype(str).apply(lambda column: column.str.startswith("=")).any().any()


@dataclass(frozen=True)
class Case:
    """One messy input: how to make and read it, and the message fragments or checks expected."""

    name: str
    run: Callable[[], object]
    error: tuple[str, ...] = ()
    check: Callable[[IngestResult], None] | None = None
    line: int | None = None
    sheet: str | None = None


CASES = [
    # --- good but messy: must parse to the right values ---
    Case("utf8-bom", upload(lambda: "\ufeffemail,score\na@x.nl,3\nb@x.nl,4\n".encode(), "k.csv"), check=expect_bom),
    Case(
        "cp1252-accents",
        upload(lambda: "naam;opmerking\nÉmile;5 €\nStrauß;ß\nMüller;ü\n".encode("cp1252"), "klanten.csv"),
        check=expect_cp1252,
    ),
    Case(
        "semicolon-decimal-comma",
        upload(lambda: b"id;omzet;rating\n1;1.234,56;4,5\n2;12,5;3,25\n3;7;5\n", "omzet.csv"),
        check=expect_decimal_comma,
    ),
    Case("tab", upload(lambda: b"id\tcity\tnote\n1\tUtrecht\ta, b\n2\tKoeln\tc; d\n", "k.txt"), check=expect_tab),
    Case(
        "quoted-newline",
        upload(lambda: b'id,address\n1,"Damrak 1\n1012 LG Amsterdam"\n2,Zeil 5\n', "k.csv"),
        check=expect_quoted_newline,
    ),
    Case(
        "duplicate-and-blank-names",
        upload(lambda: b"id,email,email,\n1,a@x.nl,b@x.nl,x\n", "k.csv"),
        check=expect_duplicates,
    ),
    Case(
        "leading-zero-ids-stay-text",
        upload(lambda: b"klantnr,telefoon\n00123,0612345678\n00456,0201234567\n", "k.csv"),
        check=expect_values("telefoon", ["0612345678", "0201234567"]),
    ),
    Case(
        "xlsx-formula-cached-value", upload(workbook_with_cached_formula, "formulas.xlsx"), check=expect_formula_value
    ),
    Case(
        "gzipped-csv",
        upload(lambda: gzip.compress(b"id;bedrag\n1;2,5\n"), "orders.csv.gz"),
        check=expect_values("bedrag", [2.5]),
    ),
    # --- bad: one IngestError naming the problem and the fix ---
    Case("empty-file", upload(lambda: b"", "leeg.csv"), error=("leeg.csv is empty", "header row")),
    Case("whitespace-only", upload(lambda: b"\r\n  \n", "leeg.csv"), error=("leeg.csv is empty",)),
    Case(
        "header-only",
        upload(lambda: b"id,email,city\n", "kop.csv"),
        error=("kop.csv has a header but no data rows", "export the table again"),
    ),
    Case(
        "ragged-row",
        upload(lambda: b'id,name,city\n1,Anna,Utrecht\n2,"Jan\nde Vries",Gouda\n3,Lena,Koeln,extra\n', "k.csv"),
        error=("k.csv line 5 has 4 fields but the header has 3", "double quotes"),
        line=5,
    ),
    Case(
        "ragged-first-data-row",
        upload(lambda: b"id;name\n1;Anna;x\n2;Jan\n", "k.csv"),
        error=("k.csv line 2 has 3 fields but the header has 2", "semicolon"),
        line=2,
    ),
    Case(
        "unclosed-quote",
        upload(lambda: b'id,name\n1,Anna\n2,"Jan\n3,Lena\n', "k.csv"),
        error=("k.csv line 3", "never closed", "closing quote"),
        line=3,
    ),
    Case(
        "ten-thousand-columns",
        upload(
            lambda: (",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join(["1"] * 10_000) + "\n").encode(),
            "wide.csv",
        ),
        error=("wide.csv has 10,000 columns; the limit is 1,000", "remove the columns"),
    ),
    Case(
        "binary-renamed-csv",
        upload(lambda: os.urandom(4096), "klanten.csv"),
        error=("klanten.csv is not a text table", "Export the data"),
    ),
    Case(
        "pdf-renamed-csv",
        upload(lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "klanten.csv"),
        error=("klanten.csv is a PDF document, not a text table",),
    ),
    Case(
        "xlsx-zip-bomb-total-size",
        upload(zip_bomb_workbook, "bomb.xlsx"),
        error=("bomb.xlsx would expand to 50 MB when opened; the limit is 40 MB", "zip bomb", "as CSV"),
    ),
    Case(
        "xlsx-zip-bomb-ratio",
        # A 10 MB upload limit allows 200 MB expanded, so here the compression ratio must catch it.
        upload(zip_bomb_workbook, "bomb.xlsx", max_bytes=10 * MB),
        error=("bomb.xlsx contains a part (xl/worksheets/sheet1.xml) compressed", "zip bombs", "as CSV"),
    ),
    Case(
        "password-protected-xlsx",
        upload(lambda: bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 2048, "geheim.xlsx"),
        error=("geheim.xlsx is a password-protected or old .xls workbook", "save it as .xlsx without a password"),
    ),
    Case(
        "corrupt-zip",
        upload(lambda: b"PK\x03\x04" + b"\x14\x00" * 40, "kapot.xlsx"),
        error=("kapot.xlsx is a damaged Excel/zip file", "save it again as .xlsx"),
    ),
    Case(
        "zip-not-a-workbook",
        upload(lambda: _zip_with({"data.csv": b"a,b\n1,2\n"}), "export.xlsx"),
        error=("export.xlsx is a zip archive, not an Excel workbook", "unzip"),
    ),
    Case(
        "over-size-limit",
        upload(lambda: b"id\n" + b"1\n" * int(3.2 * MB / 2), "groot.csv"),
        error=("groot.csv is 3.2 MB; the limit is 2 MB (AMANAH_UPLOAD_MAX_MB)", "smaller extract"),
    ),
    Case(
        "transactions-match-no-customer",
        customers_and_unrelated_transactions,
        error=(
            "none of the 3 customer ids in transactions.csv matches a customer_id in the customer table",
            "check that you picked the right id columns",
        ),
    ),
    Case(
        "garbage-parquet",
        upload(lambda: b"PAR1" + os.urandom(256) + b"PAR1", "klanten.parquet"),
        error=("klanten.parquet is not a readable Parquet file", "export it again"),
    ),
    Case(
        "truncated-parquet",
        upload(lambda: parquet_bytes(pd.DataFrame({"id": range(100)}))[:-40], "klanten.parquet"),
        error=("klanten.parquet is not a readable Parquet file",),
    ),
    Case(
        "unknown-sheet",
        upload(lambda: workbook_bytes(("Klanten", [["id"], [1]]), ("Orders", [["id"], [2]])), "k.xlsx", sheet="Nope"),
        error=("k.xlsx has no sheet named 'Nope'", "'Klanten', 'Orders'"),
        sheet="Nope",
    ),
    Case(
        "empty-sheet",
        upload(lambda: workbook_bytes(("Leeg", []), ("Klanten", [["id"], [1]])), "k.xlsx"),
        error=("sheet 'Leeg' of k.xlsx is empty", "'Klanten'"),
        sheet="Leeg",
    ),
    Case(
        "header-only-sheet",
        upload(lambda: workbook_bytes(("Klanten", [["id", "email"]])), "k.xlsx"),
        error=("sheet 'Klanten' of k.xlsx has a header but no data rows",),
        sheet="Klanten",
    ),
    Case(
        "gzip-bomb",
        upload(lambda: gzip.compress(b"\0" * (50 * MB)), "bomb.csv.gz"),
        error=("bomb.csv.gz expands to more than 40 MB when decompressed", "compression bomb"),
    ),
    Case(
        "truncated-gzip",
        upload(lambda: gzip.compress(b"id\n" + b"1\n" * 1000)[:-12], "orders.csv.gz"),
        error=("orders.csv.gz is a cut-off gzip file", "upload the uncompressed CSV"),
    ),
]


def _zip_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_messy_upload(case: Case) -> None:
    if case.error:
        with pytest.raises(IngestError) as caught:
            case.run()
        error = caught.value
        for fragment in case.error:
            assert fragment in error.message, f"{fragment!r} not in {error.message!r}"
        assert str(error) == error.message
        # One line, "what is wrong: how to fix it".
        assert "\n" not in error.message and ": " in error.message
        if case.line is not None:
            assert error.line == case.line
        if case.sheet is not None:
            assert error.sheet == case.sheet
        return
    result = case.run()
    assert isinstance(result, IngestResult)
    assert result.rows == len(result.frame) > 0
    assert result.columns == result.frame.shape[1]
    assert case.check is not None
    case.check(result)
