"""RFM tables, rank-based quintile scores, the R × FM segment grid and the segment summary."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.demo import generate_demo
from segmentation.rfm import (
    SEGMENT_GRID,
    SEGMENTS,
    RFMError,
    rfm_from_summary,
    rfm_scores,
    rfm_segment,
    rfm_summary,
    rfm_table,
)

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
AS_OF = date(2026, 6, 30)

TRANSACTIONS = pd.DataFrame(
    {
        "customer_id": ["b", "a", "a", "b", "c", None, "a"],
        "order_date": pd.to_datetime(
            ["2026-01-10", "2026-03-01 09:00", "2026-03-01 17:00", "2026-02-01", "2025-12-31", "2026-03-05",
             "2025-06-01"], format="ISO8601"
        ),
        "amount": [10.0, 5.5, 4.5, 20.0, 100.0, 999.0, 1.0],
        "order_id": ["o1", "o2", "o2", "o3", "o4", "o5", "o6"],
    }
)


def test_rfm_table_from_transactions():
    rfm = rfm_table(TRANSACTIONS)
    assert rfm.attrs["reference_date"] == date(2026, 3, 2)  # the day after the newest dated purchase of a customer
    assert rfm.index.tolist() == ["a", "b", "c"]
    assert rfm.index.name == "customer_id"
    assert rfm.to_dict("index") == {
        "a": {"recency_days": 1, "frequency": 3, "monetary": 11.0},
        "b": {"recency_days": 29, "frequency": 2, "monetary": 30.0},
        "c": {"recency_days": 61, "frequency": 1, "monetary": 100.0},
    }


def test_order_column_counts_orders_not_lines_and_reference_date_is_kept():
    rfm = rfm_table(TRANSACTIONS, order="order_id", reference_date=date(2026, 6, 30))
    assert rfm["frequency"].to_dict() == {"a": 2, "b": 2, "c": 1}
    assert rfm["recency_days"].to_dict() == {"a": 121, "b": 149, "c": 181}


@pytest.mark.parametrize(
    "dates",
    [
        ["20260110", "20260301", "20260301", "20260201", "20251231", "20260305", "20250601"],
        ["2026-01-10", "2026-03-01T09:00", "2026-03-01 17:00:00", "2026-02-01", "2025-12-31", "2026-03-05",
         "2025-06-01"],
        pd.to_datetime(["2026-01-10", "2026-03-01 09:00", "2026-03-01 17:00", "2026-02-01", "2025-12-31",
                        "2026-03-05", "2025-06-01"], format="ISO8601").tz_localize("Europe/Amsterdam"),
    ],
    ids=["YYYYMMDD", "ISO text", "time zone"],
)
def test_dates_may_be_compact_text_iso_text_or_zoned(dates):
    rfm = rfm_table(TRANSACTIONS.assign(order_date=dates))
    assert rfm["recency_days"].to_dict() == {"a": 1, "b": 29, "c": 61}


@pytest.mark.parametrize(
    ("change", "keywords", "message"),
    [
        ({}, {"amount": "price"}, r"Column 'price' is not in transactions; available columns: customer_id, "),
        ({"order_date": ["2026-01-10", "31/02/2026"] + ["2026-01-01"] * 5}, {},
         r"Column 'order_date': '31/02/2026' \(row 2\) is not a date; use YYYY-MM-DD or YYYYMMDD\."),
        ({"amount": ["10", "ten"] + ["1"] * 5}, {}, r"Column 'amount': 'ten' \(row 2\) is not a number\."),
        ({}, {"reference_date": date(2026, 2, 28)},
         r"reference_date 2026-02-28 lies before the newest purchase \(2026-03-01\) in 'order_date'"),
        ({"order_date": [None] * 7}, {}, r"Column 'order_date' has no purchase dates"),
    ],
)
def test_bad_input_gets_one_clear_message(change, keywords, message):
    with pytest.raises(RFMError, match=message):
        rfm_table(TRANSACTIONS.assign(**change), **keywords)


def test_numbers_as_text_are_accepted():
    rfm = rfm_table(TRANSACTIONS.assign(amount=["10", "5.5", "4.5", "20", "100", "999", "1"]))
    assert rfm["monetary"].tolist() == [11.0, 30.0, 100.0]


def _rfm(recency, frequency, monetary) -> pd.DataFrame:
    return pd.DataFrame({"recency_days": recency, "frequency": frequency, "monetary": monetary})


def test_scores_are_rank_quintiles_with_recency_reversed():
    values = list(range(10))
    scored = rfm_scores(_rfm(values, values, [v * 10.0 for v in values]))
    assert scored["f_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert scored["m_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert scored["r_score"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]  # recent (few days) scores high
    assert scored["fm_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_heavy_ties_share_one_score_and_do_not_crash():
    scored = rfm_scores(_rfm([5] * 10, [1] * 8 + [2, 2], [1.0] * 10))
    assert scored["f_score"].tolist() == [1] * 8 + [5, 5]
    assert set(scored["r_score"]) == {1} and set(scored["m_score"]) == {1}


def test_other_bin_counts_and_bad_bins():
    scored = rfm_scores(_rfm(range(10), range(10), range(10)), bins=10)
    assert scored["f_score"].tolist() == list(range(1, 11))
    with pytest.raises(RFMError, match="RFM segments are defined on 1–5 scores"):
        rfm_segment(scored)
    with pytest.raises(RFMError, match=r"bins=1: use a whole number from 2 to 100"):
        rfm_scores(_rfm([1], [1], [1]), bins=1)


@pytest.mark.parametrize(
    ("r", "f", "m", "segment"),
    [
        (5, 5, 5, "Champions"), (5, 4, 3, "Champions"), (4, 5, 5, "Loyal"), (3, 4, 4, "Loyal"),
        (5, 1, 1, "New"), (5, 2, 1, "Potential loyalists"), (4, 3, 3, "Potential loyalists"),
        (4, 1, 1, "Promising"), (3, 3, 3, "Need attention"), (3, 1, 2, "About to sleep"),
        (2, 3, 3, "At risk"), (1, 4, 4, "At risk"), (2, 5, 5, "Can't lose them"), (1, 5, 4, "Can't lose them"),
        (2, 1, 2, "Hibernating"), (1, 1, 1, "Lost"), (1, 2, 2, "Lost"),
    ],
)
def test_segment_grid(r, f, m, segment):
    scored = pd.DataFrame({"r_score": [r], "f_score": [f], "m_score": [m]})
    assert rfm_segment(scored).tolist() == [segment]


def test_grid_covers_every_cell_with_the_eleven_segments():
    assert len(SEGMENT_GRID) == 25
    assert set(SEGMENT_GRID.values()) == set(SEGMENTS)
    assert len(SEGMENTS) == 11


def test_summary_orders_segments_best_first_and_adds_up():
    rng = np.random.default_rng(3)
    rfm = _rfm(rng.integers(1, 400, 500), rng.integers(1, 20, 500), rng.gamma(2.0, 50.0, 500))
    summary = rfm_summary(rfm_scores(rfm))
    order = [SEGMENTS.index(name) for name in summary["segment"]]
    assert order == sorted(order)
    assert summary["customers"].sum() == 500
    assert summary["share"].sum() == pytest.approx(1.0)
    assert summary["revenue"].sum() == pytest.approx(rfm["monetary"].sum())
    assert summary["revenue_share"].sum() == pytest.approx(1.0)
    assert list(summary.columns) == ["segment", "customers", "share", "revenue", "revenue_share",
                                     "mean_recency_days", "mean_frequency", "mean_monetary"]
    champions = summary.set_index("segment").loc["Champions"]
    assert champions["mean_recency_days"] < summary["mean_recency_days"].max()


def test_summary_uses_a_given_segment_column():
    scored = rfm_scores(_rfm([1, 2, 3, 4], [1, 2, 3, 4], [1.0, 2.0, 3.0, 4.0]))
    summary = rfm_summary(scored.assign(segment=["Lost", "Lost", "Loyal", "Lost"]))
    assert summary[["segment", "customers"]].values.tolist() == [["Loyal", 1], ["Lost", 3]]


def test_summary_of_demo_customers_matches_their_transactions():
    demo = generate_demo(rows=1500, seed=1, as_of=AS_OF)
    from_summary = rfm_from_summary(demo.customers, reference_date=AS_OF, customer="customer_id")
    from_transactions = rfm_table(demo.transactions, reference_date=AS_OF)
    assert from_summary.attrs["without_purchase"] == int(demo.customers["last_purchase"].isna().sum())
    pd.testing.assert_frame_equal(
        from_summary.sort_index(), from_transactions.sort_index(), check_names=False, check_exact=False, rtol=1e-9
    )


# --- real data ------------------------------------------------------------------------------------------------


def _shared(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"../shared/data is absent: {name} is needed for the real-data RFM tests")
    return path


def _check_scored(scored: pd.DataFrame, customers: int) -> pd.DataFrame:
    for column in ("r_score", "f_score", "m_score"):
        assert scored[column].between(1, 5).all()
        assert scored[column].nunique() >= 2
    segment = rfm_segment(scored)
    assert segment.notna().all()
    summary = rfm_summary(scored.assign(segment=segment))
    assert summary["customers"].sum() == customers
    by_segment = summary.set_index("segment")
    assert by_segment.loc["Champions", "mean_monetary"] > by_segment.loc["Lost", "mean_monetary"]
    assert by_segment.loc["Champions", "mean_recency_days"] < by_segment.loc["Lost", "mean_recency_days"]
    assert by_segment.loc["Champions", "mean_frequency"] > by_segment.loc["Lost", "mean_frequency"]
    return by_segment


@pytest.mark.shared_data
def test_cdnow_transactions():
    transactions = pd.read_csv(_shared("CDNOW_master.txt"), sep=r"\s+", dtype={"customer_id": str, "date": str})
    rfm = rfm_table(transactions, date="date", amount="dollar_value")
    assert len(rfm) == 23_570
    assert rfm.attrs["reference_date"] == date(1998, 7, 1)
    # Customer 00001 bought once, on 1997-01-01, for $11.77.
    assert rfm.loc["00001"].to_dict() == {"recency_days": 546, "frequency": 1, "monetary": 11.77}
    assert rfm["frequency"].sum() == len(transactions)
    assert rfm["monetary"].sum() == pytest.approx(transactions["dollar_value"].sum())
    by_segment = _check_scored(rfm_scores(rfm), 23_570)
    assert by_segment["customers"].idxmax() in {"Lost", "Hibernating", "Loyal", "Champions"}


@pytest.mark.shared_data
def test_online_retail_transactions():
    raw = pd.read_csv(_shared("online_retail.csv.gz"), dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str})
    sales = raw[~raw["InvoiceNo"].str.startswith("C") & raw["CustomerID"].notna()]
    sales = sales.assign(amount=sales["Quantity"] * sales["UnitPrice"])
    rfm = rfm_table(sales, customer="CustomerID", date="InvoiceDate", amount="amount", order="InvoiceNo")
    assert len(rfm) == 4_339 == sales["CustomerID"].nunique()
    assert rfm.attrs["reference_date"] == date(2011, 12, 10)
    assert rfm["frequency"].sum() == sales["InvoiceNo"].nunique()
    assert rfm["monetary"].sum() == pytest.approx(sales["amount"].sum())
    by_segment = _check_scored(rfm_scores(rfm), 4_339)
    assert set(by_segment.index) == set(SEGMENTS)  # this data fills every cell family of the grid
