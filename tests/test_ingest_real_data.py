"""Real public data sets import through read_upload with the right shapes and types.

The files live in ../shared/data (see its SOURCES.md); the tests skip when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from segmentation.ingest import check_join, read_upload, suggest_join_key

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
LIMIT = 200 * 1024 * 1024

pytestmark = pytest.mark.shared_data


def data_file(name: str) -> Path:
    path = DATA / name
    if not path.is_file():
        pytest.skip(f"../shared/data is absent: {name} not found in {DATA}")
    return path


def upload(name: str):
    path = data_file(name)
    return read_upload(path.read_bytes(), path.name, max_bytes=LIMIT)


def test_bank_marketing_semicolon_csv() -> None:
    result = upload("bank-full.csv")
    frame = result.frame
    assert (result.file_format, result.delimiter, result.decimal) == ("csv", ";", ".")
    assert frame.shape == (45_211, 17)
    assert list(frame.columns[:3]) == ["age", "job", "marital"]
    assert pd.api.types.is_integer_dtype(frame["age"]) and pd.api.types.is_integer_dtype(frame["balance"])
    assert pd.api.types.is_string_dtype(frame["job"])
    assert frame["y"].value_counts().to_dict() == {"no": 39_922, "yes": 5_289}
    assert result.warnings == ()


@pytest.fixture(scope="module")
def online_retail():
    return upload("online_retail.csv.gz")


def test_online_retail_gzip_keeps_invoice_numbers_as_text(online_retail) -> None:
    frame = online_retail.frame
    assert online_retail.file_format == "csv"
    assert frame.shape == (541_909, 8)
    assert pd.api.types.is_string_dtype(frame["InvoiceNo"])
    assert frame["InvoiceNo"].iloc[0] == "536365"
    assert frame["InvoiceNo"].str.startswith("C").sum() == 9_288
    assert pd.api.types.is_string_dtype(frame["StockCode"])
    assert frame["StockCode"].nunique() == 4_070
    assert pd.api.types.is_float_dtype(frame["CustomerID"])
    assert frame["CustomerID"].isna().sum() == 135_080
    assert frame["CustomerID"].iloc[0] == 17850
    assert frame["Quantity"].sum() == 5_176_450
    assert frame["Description"].isna().sum() == 1_454
    assert frame["Country"].nunique() == 38


def test_online_retail_links_to_a_customer_table(online_retail) -> None:
    transactions = online_retail.frame
    customer_ids = transactions["CustomerID"].dropna().unique()
    customers = pd.DataFrame({"klantnummer": [f"{int(value):07d}" for value in customer_ids[:3_000]]})
    assert suggest_join_key(customers, transactions.head(50_000)) == ("klantnummer", "CustomerID")
    report = check_join(customers, transactions, "klantnummer", "CustomerID", right_label="online_retail.csv.gz")
    assert report.matched_keys == 3_000
    assert report.blank_right_rows == 135_080
    assert report.right_keys == transactions["CustomerID"].nunique()
    assert 0 < report.unmatched_share < 1
    assert len(report.sample_unmatched) == 5


def test_cdnow_whitespace_separated() -> None:
    result = upload("CDNOW_master.txt")
    frame = result.frame
    assert result.delimiter == "whitespace"
    assert frame.shape == (69_659, 4)
    assert list(frame.columns) == ["customer_id", "date", "number_of_cds", "dollar_value"]
    assert frame["customer_id"].iloc[0] == "00001"
    assert frame["customer_id"].nunique() == 23_570
    assert pd.api.types.is_float_dtype(frame["dollar_value"])


@pytest.mark.parametrize(
    ("name", "shape", "delimiter"),
    [("hillstrom.csv", (64_000, 12), ","), ("ec-darkpattern.tsv", (2_356, 4), "\t")],
)
def test_other_shared_files(name: str, shape: tuple[int, int], delimiter: str) -> None:
    result = upload(name)
    assert result.frame.shape == shape
    assert result.delimiter == delimiter
