"""The one registry of KPI definitions, and `compute_kpis` to evaluate them per segment.

Every page, chart and SMART goal refers to a KPI by its key here, so "conversion rate" means the
same thing everywhere. A KPI is either a ratio of two summed result columns (numerator /
denominator) or a function over the aggregated frame. Rates are returned as fractions (0.183, shown
as 18.3 % because the unit is "%"); money in euro; NPS on its usual −100…100 scale.

Results tables may lack columns (no cost data, no survey): the KPIs that need them come out NaN
instead of failing. Division by zero gives NaN, never infinity, so a segment with no deliveries has
no open rate rather than an infinite one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "KPI",
    "KPIS",
    "KPI_BY_KEY",
    "RESULT_COLUMNS",
    "SURVEY_COLUMNS",
    "KPIInputError",
    "UnknownKPIError",
    "compute_kpis",
    "format_kpi_value",
    "kpi",
    "safe_divide",
]

# Columns of a campaign results table, summed per group before any ratio is taken.
RESULT_COLUMNS = ("sent", "delivered", "opens", "clicks", "conversions", "revenue", "cost", "unsubscribes",
                  "complaints")
# Optional survey counts: NPS from promoters (9–10) and detractors (0–6) among responses; CSAT from the
# number of satisfied answers (4–5 on a five-point scale) among responses.
SURVEY_COLUMNS = ("promoters", "detractors", "nps_responses", "satisfied", "csat_responses")
UNITS = ("%", "€", "count", "score")


class UnknownKPIError(KeyError):
    """A KPI key that is not in the registry; the message lists the known keys."""

    def __init__(self, key: str) -> None:
        self.message = f"unknown KPI {key!r}; known KPIs are: {', '.join(KPI_BY_KEY)}"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class KPIInputError(ValueError):
    """A results table that cannot be summarised (missing group column, text in a count column)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class KPI:
    """One KPI definition: what it is called, how it is computed, how to read it.

    Either `numerator` (with an optional `denominator`) names summed result columns, or `compute`
    takes the aggregated frame (one row per group, summed columns) and returns a Series. `inputs`
    lists the columns the KPI needs, so a page can say why a value is missing.
    """

    key: str
    label: str
    formula: str
    unit: str
    higher_is_better: bool
    numerator: str | None = None
    denominator: str | None = None
    compute: Callable[[pd.DataFrame], pd.Series] | None = None
    inputs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"KPI {self.key!r}: unit {self.unit!r} is not one of {UNITS}")
        if (self.numerator is None) == (self.compute is None):
            raise ValueError(f"KPI {self.key!r}: give either numerator/denominator or compute, not both")
        if not self.inputs:
            derived = tuple(name for name in (self.numerator, self.denominator) if name)
            object.__setattr__(self, "inputs", derived)

    def evaluate(self, aggregated: pd.DataFrame) -> pd.Series:
        """This KPI for every row of an aggregated frame; NaN where an input column is absent."""
        if any(name not in aggregated.columns for name in self.inputs):
            return pd.Series(np.nan, index=aggregated.index, dtype="float64", name=self.key)
        if self.compute is not None:
            values = self.compute(aggregated)
        elif self.denominator is None:
            values = aggregated[self.numerator].astype("float64")
        else:
            values = safe_divide(aggregated[self.numerator], aggregated[self.denominator])
        return values.astype("float64").rename(self.key)


def safe_divide(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator as floats, NaN where the denominator is zero or missing (never ±inf)."""
    top = numerator.astype("float64")
    bottom = denominator.astype("float64")
    return (top / bottom.where(bottom != 0)).astype("float64")


def _roi(frame: pd.DataFrame) -> pd.Series:
    return safe_divide(frame["revenue"] - frame["cost"], frame["cost"])


def _nps(frame: pd.DataFrame) -> pd.Series:
    return safe_divide(frame["promoters"] - frame["detractors"], frame["nps_responses"]) * 100


def _not_per_segment(frame: pd.DataFrame) -> pd.Series:
    # CLTV needs each customer's transaction history, not campaign totals: see kpis.cltv.
    return pd.Series(np.nan, index=frame.index, dtype="float64")


KPIS: tuple[KPI, ...] = (
    KPI("sent", "Sent", "number of messages sent", "count", True, numerator="sent"),
    KPI("delivered", "Delivered", "number of messages delivered", "count", True, numerator="delivered"),
    KPI("delivery_rate", "Delivery rate", "delivered divided by sent", "%", True,
        numerator="delivered", denominator="sent"),
    KPI("open_rate", "Open rate", "opens divided by delivered", "%", True, numerator="opens", denominator="delivered"),
    KPI("ctr", "Click-through rate", "clicks divided by delivered", "%", True,
        numerator="clicks", denominator="delivered"),
    KPI("click_to_open", "Click-to-open rate", "clicks divided by opens", "%", True,
        numerator="clicks", denominator="opens"),
    KPI("conversion_rate", "Conversion rate", "conversions divided by delivered", "%", True,
        numerator="conversions", denominator="delivered"),
    KPI("revenue", "Revenue", "total revenue attributed to the campaign", "€", True, numerator="revenue"),
    KPI("revenue_per_recipient", "Revenue per recipient", "revenue divided by delivered", "€", True,
        numerator="revenue", denominator="delivered"),
    KPI("cost", "Cost", "total campaign cost", "€", False, numerator="cost"),
    KPI("cpa", "Cost per acquisition", "cost divided by conversions", "€", False,
        numerator="cost", denominator="conversions"),
    KPI("roi", "Return on investment", "revenue minus cost, divided by cost", "%", True,
        compute=_roi, inputs=("revenue", "cost")),
    KPI("unsubscribe_rate", "Unsubscribe rate", "unsubscribes divided by delivered", "%", False,
        numerator="unsubscribes", denominator="delivered"),
    KPI("complaint_rate", "Complaint rate", "spam complaints divided by delivered", "%", False,
        numerator="complaints", denominator="delivered"),
    KPI("aov", "Average order value", "revenue divided by conversions", "€", True,
        numerator="revenue", denominator="conversions"),
    KPI("nps", "Net Promoter Score", "share of promoters (9–10) minus share of detractors (0–6), times 100",
        "score", True, compute=_nps, inputs=("promoters", "detractors", "nps_responses")),
    KPI("csat", "Customer satisfaction", "satisfied answers (4–5 of 5) divided by survey responses", "%", True,
        numerator="satisfied", denominator="csat_responses"),
    KPI("cltv", "Customer lifetime value",
        "expected margin a customer brings over their lifetime; computed per customer from transactions "
        "in kpis.cltv, not from campaign totals", "€", True, compute=_not_per_segment, inputs=()),
)

KPI_BY_KEY: dict[str, KPI] = {definition.key: definition for definition in KPIS}


def kpi(key: str) -> KPI:
    """The KPI definition for `key`; raises UnknownKPIError listing the known keys."""
    try:
        return KPI_BY_KEY[key]
    except KeyError:
        raise UnknownKPIError(key) from None


def format_kpi_value(definition: KPI, value: float | None) -> str:
    """A KPI value for display: rates as percentages, money with two decimals, counts with separators."""
    if value is None or not np.isfinite(value):
        return "–"
    if definition.unit == "%":
        return f"{value * 100:,.2f} %"
    if definition.unit == "€":
        return f"€ {value:,.2f}"
    if definition.unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def _numeric_inputs(frame: pd.DataFrame) -> list[str]:
    """The result and survey columns present in `frame`; refuses text where a number is expected."""
    present = [name for name in (*RESULT_COLUMNS, *SURVEY_COLUMNS) if name in frame.columns]
    for name in present:
        column = frame[name]
        if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
            example = column.dropna().astype(str).head(1).tolist()
            shown = f" (for example {example[0]!r})" if example else ""
            raise KPIInputError(f"column {name!r} must hold numbers{shown}; fix or remove that column")
    return present


def compute_kpis(frame: pd.DataFrame, by: Sequence[str] = (), *, keys: Sequence[str] | None = None) -> pd.DataFrame:
    """Every registered KPI (or those in `keys`) per group of `by`, from a campaign results table.

    The result and survey columns are summed per group, then each KPI is evaluated on the sums
    (a ratio of sums, not a mean of per-row ratios). Returns one row per group with the `by`
    columns first and one float column per KPI key; an empty `by` gives a single overall row.
    """
    by = list(by)
    missing = [name for name in by if name not in frame.columns]
    if missing:
        raise KPIInputError(f"group column {missing[0]!r} is not in the results table; "
                            f"columns are: {', '.join(map(str, frame.columns))}")
    definitions = [kpi(key) for key in keys] if keys is not None else list(KPIS)
    inputs = _numeric_inputs(frame)
    values = frame[inputs].astype("float64")
    if by:
        grouped = values.groupby([frame[name] for name in by], sort=True, dropna=False, observed=True)
        aggregated = grouped.sum(min_count=1)
        if not inputs:  # no numeric columns: still one row per group
            aggregated = frame.groupby(by, sort=True, dropna=False, observed=True).size().to_frame().iloc[:, :0]
    else:
        aggregated = values.sum(min_count=1).to_frame().T if inputs else pd.DataFrame(index=[0])
    result = pd.concat([definition.evaluate(aggregated) for definition in definitions], axis=1)
    return result.reset_index() if by else result.reset_index(drop=True)
