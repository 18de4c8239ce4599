"""RFM: recency, frequency and monetary value per customer, quintile scores and the named RFM segments.

Build the table from transactions (:func:`rfm_table`) or from per-customer summary columns
(:func:`rfm_from_summary`), score it (:func:`rfm_scores`: 1–5, 5 is best; recent = 5), name the
segments (:func:`rfm_segment`) and summarise them (:func:`rfm_summary`). Everything is grouped and
ranked with pandas/numpy — one million transactions take well under a second.

Scores are rank-based quintiles: ``score = 1 + floor(bins × (rank − 1) / n)`` with rank ``min``, so tied
customers share one score (the lowest their group reaches) and heavy ties — most CDNOW customers buy
once — never produce duplicate bin edges.

Segments come from the usual R × FM grid, where ``FM = round_half_up((F + M) / 2)``:

=====  ================  ===================  ===================  ===============  ===============
R \\ FM       1                  2                    3                   4                5
=====  ================  ===================  ===================  ===============  ===============
5      New               Potential loyalists  Potential loyalists  Champions        Champions
4      Promising         Potential loyalists  Potential loyalists  Loyal            Loyal
3      About to sleep    About to sleep       Need attention       Loyal            Loyal
2      Hibernating       Hibernating          At risk              At risk          Can't lose them
1      Lost              Lost                 At risk              At risk          Can't lose them
=====  ================  ===================  ===================  ===============  ===============
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


class RFMError(ValueError):
    """The input cannot be turned into an RFM table; the message names the column and the fix."""


SEGMENTS: tuple[str, ...] = (
    "Champions", "Loyal", "Potential loyalists", "New", "Promising", "Need attention",
    "About to sleep", "Can't lose them", "At risk", "Hibernating", "Lost",
)  # best first: the order of rfm_summary
_GRID_ROWS = {  # R score → segment for FM = 1..5
    5: ("New", "Potential loyalists", "Potential loyalists", "Champions", "Champions"),
    4: ("Promising", "Potential loyalists", "Potential loyalists", "Loyal", "Loyal"),
    3: ("About to sleep", "About to sleep", "Need attention", "Loyal", "Loyal"),
    2: ("Hibernating", "Hibernating", "At risk", "At risk", "Can't lose them"),
    1: ("Lost", "Lost", "At risk", "At risk", "Can't lose them"),
}
SEGMENT_GRID: dict[tuple[int, int], str] = {
    (r, fm): name for r, row in _GRID_ROWS.items() for fm, name in enumerate(row, start=1)
}
_GRID_CODES = np.array([[SEGMENTS.index(SEGMENT_GRID[r, fm]) for fm in range(1, 6)] for r in range(1, 6)])
RFM_COLUMNS = ("recency_days", "frequency", "monetary")


def rfm_table(
    transactions: pd.DataFrame,
    *,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
    reference_date: dt.date | None = None,
    order: str | None = None,
) -> pd.DataFrame:
    """One row per customer (index: the customer id) with recency_days, frequency and monetary.

    recency_days = days from the customer's last purchase day to ``reference_date`` (default: the day
    after the last transaction); frequency = number of transactions, or of distinct ``order`` values when
    the table has one row per order line; monetary = the sum of ``amount``. Rows without a customer or
    a date are left out. ``attrs["reference_date"]`` records the date used.
    """
    _require_columns(transactions, [customer, date, amount] + ([order] if order else []), "transactions")
    days = _days(transactions[date], date)
    amounts = _numbers(transactions[amount], amount)
    usable = transactions[customer].notna().to_numpy() & ~np.isnat(days)
    codes, customers = pd.factorize(transactions[customer][usable], sort=True)
    day_numbers = days[usable].astype("int64")
    frame = pd.DataFrame({"code": codes, "day": day_numbers, "amount": amounts[usable]})
    groups = frame.groupby("code", sort=True)
    last_day = groups["day"].max()
    if order:
        orders = pd.DataFrame({"code": codes, "order": transactions[order][usable].to_numpy()})
        frequency = orders.dropna().drop_duplicates().groupby("code").size().reindex(last_day.index, fill_value=0)
    else:
        frequency = groups.size()
    reference = _reference(reference_date, last_day.to_numpy().astype("datetime64[D]"), date)
    table = pd.DataFrame(
        {
            "recency_days": _days_between(last_day.to_numpy().astype("datetime64[D]"), reference),
            "frequency": frequency.to_numpy().astype("int64"),
            "monetary": groups["amount"].sum().to_numpy().astype("float64"),
        },
        index=pd.Index(customers.take(last_day.index.to_numpy()), name=customer),
    )
    table.attrs["reference_date"] = reference
    return table


def rfm_from_summary(
    frame: pd.DataFrame,
    *,
    last_purchase: str = "last_purchase",
    order_count: str = "order_count",
    revenue: str = "revenue",
    reference_date: dt.date | None = None,
    customer: str | None = None,
) -> pd.DataFrame:
    """The RFM table from per-customer columns (last purchase date, order count, revenue).

    Customers without a purchase (no last-purchase date or no orders) have no RFM values and are left
    out; ``attrs["without_purchase"]`` counts them. The index is ``frame``'s, or the ``customer`` column.
    """
    _require_columns(frame, [last_purchase, order_count, revenue] + ([customer] if customer else []), "the data")
    days = _days(frame[last_purchase], last_purchase)
    counts = _numbers(frame[order_count], order_count)
    bought = ~np.isnat(days) & (np.nan_to_num(counts) > 0)
    reference = _reference(reference_date, days[bought], last_purchase)
    index = pd.Index(frame[customer]) if customer else frame.index
    table = pd.DataFrame(
        {
            "recency_days": _days_between(days[bought], reference),
            "frequency": counts[bought].astype("int64"),
            "monetary": np.nan_to_num(_numbers(frame[revenue], revenue)[bought]),
        },
        index=index[bought],
    )
    table.attrs.update(reference_date=reference, without_purchase=int((~bought).sum()))
    return table


def rfm_scores(rfm: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    """``rfm`` with r_score, f_score, m_score (1..bins, higher is better; recent = high) and fm_score."""
    _require_columns(rfm, list(RFM_COLUMNS), "the RFM table")
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or not 2 <= bins <= 100:
        raise RFMError(f"bins={bins!r}: use a whole number from 2 to 100 (5 gives the usual quintiles).")
    scored = rfm.copy()
    scored["r_score"] = _rank_score(rfm["recency_days"], bins, higher_is_better=False)
    scored["f_score"] = _rank_score(rfm["frequency"], bins, higher_is_better=True)
    scored["m_score"] = _rank_score(rfm["monetary"], bins, higher_is_better=True)
    scored["fm_score"] = (scored["f_score"] + scored["m_score"] + 1) // 2  # the mean, rounded half up
    return scored


def rfm_segment(scored: pd.DataFrame) -> pd.Series:
    """The named segment of every customer (a categorical Series ordered best first), from 1–5 scores."""
    _require_columns(scored, ["r_score", "f_score", "m_score"], "the scored RFM table (use rfm_scores first)")
    scores = scored[["r_score", "f_score", "m_score"]].to_numpy()
    if len(scores) and (scores.min() < 1 or scores.max() > 5):
        raise RFMError("RFM segments are defined on 1–5 scores; score the table with rfm_scores(rfm, bins=5).")
    recency = scores[:, 0].astype(int)
    fm = (scores[:, 1].astype(int) + scores[:, 2].astype(int) + 1) // 2
    codes = _GRID_CODES[recency - 1, fm - 1] if len(scores) else np.array([], dtype=int)
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(SEGMENTS), ordered=True),
                     index=scored.index, name="segment")


def rfm_summary(scored: pd.DataFrame) -> pd.DataFrame:
    """Per segment (best first): customers, share, revenue, revenue_share and mean recency/frequency/monetary."""
    segment = scored["segment"] if "segment" in scored else rfm_segment(scored)
    frame = scored[list(RFM_COLUMNS)].assign(segment=pd.Categorical(segment, categories=list(SEGMENTS), ordered=True))
    groups = frame.groupby("segment", observed=True, sort=True)
    summary = groups.agg(
        customers=("frequency", "size"),
        revenue=("monetary", "sum"),
        mean_recency_days=("recency_days", "mean"),
        mean_frequency=("frequency", "mean"),
        mean_monetary=("monetary", "mean"),
    )
    total_revenue = summary["revenue"].sum()
    summary.insert(1, "share", summary["customers"] / max(len(frame), 1))
    summary.insert(3, "revenue_share", summary["revenue"] / total_revenue if total_revenue else 0.0)
    summary = summary.reset_index()
    summary["segment"] = summary["segment"].astype("str")
    return summary


# --- helpers -----------------------------------------------------------------------------------------------


def _rank_score(values: pd.Series, bins: int, *, higher_is_better: bool) -> pd.Series:
    ranks = values.rank(method="min", ascending=higher_is_better).to_numpy()
    scores = 1 + ((ranks - 1) * bins // max(len(values), 1))
    return pd.Series(scores.astype("int64"), index=values.index)


def _require_columns(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        available = ", ".join(map(str, frame.columns[:40]))
        raise RFMError(
            f"Column {', '.join(repr(c) for c in missing)} is not in {what}; available columns: {available}. "
            "Name the right columns with the keyword arguments (customer=, date=, amount= …)."
        )


def _days(series: pd.Series, column: str) -> np.ndarray:
    """The column as datetime64[D] (NaT for missing); text may be YYYY-MM-DD(…) or YYYYMMDD."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        if getattr(series.dtype, "tz", None) is not None:
            series = series.dt.tz_localize(None)
        return series.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    text = series.astype("str").str.strip()
    compact = text.str.fullmatch(r"\d{8}").fillna(False)
    parsed = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    if compact.any():
        parsed[compact] = pd.to_datetime(text[compact], format="%Y%m%d", errors="coerce")
    rest = ~compact & text.notna()
    if rest.any():
        parsed[rest] = pd.to_datetime(text[rest], format="ISO8601", errors="coerce")
    bad = text.notna() & parsed.isna()
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise RFMError(
            f"Column '{column}': {text.iloc[position]!r} (row {position + 1}) is not a date; "
            "use YYYY-MM-DD or YYYYMMDD."
        )
    return parsed.to_numpy().astype("datetime64[D]")


def _numbers(series: pd.Series, column: str) -> np.ndarray:
    if pd.api.types.is_bool_dtype(series.dtype) or not pd.api.types.is_numeric_dtype(series.dtype):
        converted = pd.to_numeric(series, errors="coerce")
        bad = series.notna() & converted.isna()
        if bad.any():
            position = int(np.flatnonzero(bad.to_numpy())[0])
            raise RFMError(f"Column '{column}': {series.iloc[position]!r} (row {position + 1}) is not a number.")
        series = converted
    return series.to_numpy(dtype="float64", na_value=np.nan)


def _reference(reference_date: dt.date | None, last_days: np.ndarray, column: str) -> dt.date:
    newest = pd.Timestamp(last_days.max()) if len(last_days) else pd.NaT
    if reference_date is None:
        if pd.isna(newest):
            raise RFMError(f"Column '{column}' has no purchase dates, so there is nothing to score.")
        return (newest + pd.Timedelta(days=1)).date()
    reference = pd.Timestamp(reference_date).date()
    if not pd.isna(newest) and newest.date() > reference:
        raise RFMError(
            f"reference_date {reference} lies before the newest purchase ({newest.date()}) in '{column}'; "
            "use a later date, or leave it out to use the day after the newest purchase."
        )
    return reference


def _days_between(days: np.ndarray, reference: dt.date) -> np.ndarray:
    return (np.datetime64(reference, "D") - np.asarray(days, dtype="datetime64[D]")).astype("int64")
