"""Customer lifetime value: what a customer has brought (historical) and is expected to bring (predictive).

Historical CLTV sums each customer's revenue and margin over their tenure. The predictive estimate
combines two models fitted by maximum likelihood with `scipy.optimize.minimize`:

* BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way", Marketing Science 24(2)):
  while alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase
  they drop out with probability p ~ Beta(a, b). For a customer with x repeat purchases, the last at
  t_x, observed until T, the likelihood (their eq. 6) is
      L = B(a, b+x)/B(a, b) · Γ(r+x)/Γ(r) · α^r/(α+T)^(r+x)
          + [x > 0] · B(a+1, b+x−1)/B(a, b) · Γ(r+x)/Γ(r) · α^r/(α+t_x)^(r+x)
  and the expected number of purchases in the next t periods is their eq. 10 (`expected_purchases`).
* Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves", JMR 42(4); Fader &
  Hardie 2013 note): each purchase value ~ Gamma(p, ν) with ν ~ Gamma(q, γ), independent of the
  purchase process; the expected value of a customer's purchases given x purchases averaging m_x
  is (γ + m_x·x)·p / (p·x + q − 1).

Predicted CLTV = expected purchases in the horizon × expected value per purchase × margin rate,
undiscounted (a discount rate matters less than the model error for horizons of a year or two).
Time is measured in weeks; purchases on the same day count as one purchase, as in the papers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special

__all__ = [
    "BGNBDParameters",
    "CLTVInputError",
    "GammaGammaParameters",
    "expected_purchases",
    "expected_purchase_value",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "historical_cltv",
    "predict_cltv",
    "probability_alive",
    "purchase_summary",
]

_DAYS_PER_WEEK = 7.0


class CLTVInputError(ValueError):
    """Transactions that cannot be summarised or fitted; the message names the column and the fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BGNBDParameters:
    """Fitted BG/NBD parameters: purchase rate ~ Gamma(r, alpha), drop-out probability ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float


@dataclass(frozen=True)
class GammaGammaParameters:
    """Fitted Gamma-Gamma parameters for the value of a purchase (p, q, gamma)."""

    p: float
    q: float
    gamma: float
    log_likelihood: float


def _prepare(transactions: pd.DataFrame, customer: str, date: str, value: str) -> pd.DataFrame:
    missing = [name for name in (customer, date, value) if name not in transactions.columns]
    if missing:
        raise CLTVInputError(f"column {missing[0]!r} is not in the transactions; columns are: "
                             f"{', '.join(map(str, transactions.columns))}")
    dates = pd.to_datetime(transactions[date], errors="coerce")
    if dates.isna().any():
        bad = transactions.loc[dates.isna(), date].iloc[0]
        raise CLTVInputError(f"column {date!r} has a value that is not a date: {bad!r}; fix or remove that row")
    amounts = pd.to_numeric(transactions[value], errors="coerce")
    if amounts.isna().any():
        bad = transactions.loc[amounts.isna(), value].iloc[0]
        raise CLTVInputError(f"column {value!r} has a value that is not a number: {bad!r}; fix or remove that row")
    # one purchase per customer and day, as in the papers
    frame = pd.DataFrame({"customer": transactions[customer], "day": dates.dt.normalize(), "value": amounts})
    return frame.groupby(["customer", "day"], sort=False, as_index=False)["value"].sum()


def historical_cltv(transactions: pd.DataFrame, *, customer: str, date: str, value: str, margin_rate: float = 1.0,
                    as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """What each customer has brought so far: orders, revenue, margin, tenure and margin per year.

    `margin_rate` turns revenue into margin (0.3 = 30 % gross margin). Tenure runs from the first
    purchase to `as_of` (default: the last transaction date in the data). Indexed by customer.
    """
    purchases = _prepare(transactions, customer, date, value)
    end = pd.Timestamp(as_of) if as_of is not None else purchases["day"].max()
    summary = purchases.groupby("customer").agg(first_purchase=("day", "min"), last_purchase=("day", "max"),
                                                orders=("day", "size"), revenue=("value", "sum"))
    summary["margin"] = summary["revenue"] * margin_rate
    summary["average_order_value"] = summary["revenue"] / summary["orders"]
    summary["tenure_days"] = (end - summary["first_purchase"]).dt.days
    years = (summary["tenure_days"] + 1) / 365.25  # a first-day customer has one day of tenure, not zero
    summary["margin_per_year"] = summary["margin"] / years
    return summary


def purchase_summary(transactions: pd.DataFrame, *, customer: str, date: str, value: str,
                     calibration_end: pd.Timestamp | str, observation_end: pd.Timestamp | str | None = None
                     ) -> pd.DataFrame:
    """Per customer: frequency x, recency t_x and age T in weeks up to `calibration_end`, plus holdout counts.

    x counts repeat purchase days; t_x is the time from the first to the last purchase; T from the
    first purchase to `calibration_end`; monetary_value is the mean value of the repeat purchases
    (NaN when x = 0). With `observation_end`, holdout_purchases counts purchase days after
    `calibration_end` up to it and holdout_weeks gives the holdout length. Only customers whose
    first purchase falls in the calibration period are included.
    """
    purchases = _prepare(transactions, customer, date, value)
    end = pd.Timestamp(calibration_end)
    first = purchases.groupby("customer")["day"].transform("min")
    purchases = purchases[first <= end].assign(first=first[first <= end])
    calibration = purchases[purchases["day"] <= end]
    grouped = calibration.groupby("customer")
    summary = pd.DataFrame({"frequency": grouped.size() - 1})
    summary["recency"] = (grouped["day"].max() - grouped["first"].first()).dt.days / _DAYS_PER_WEEK
    summary["T"] = (end - grouped["first"].first()).dt.days / _DAYS_PER_WEEK
    repeat_value = calibration[calibration["day"] > calibration["first"]].groupby("customer")["value"].mean()
    summary["monetary_value"] = repeat_value.reindex(summary.index)
    if observation_end is not None:
        stop = pd.Timestamp(observation_end)
        holdout = purchases[(purchases["day"] > end) & (purchases["day"] <= stop)]
        summary["holdout_purchases"] = holdout.groupby("customer").size().reindex(summary.index, fill_value=0)
        summary["holdout_weeks"] = (stop - end).days / _DAYS_PER_WEEK
    return summary


def _bgnbd_log_likelihood(log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray,
                          weights: np.ndarray) -> float:
    r, alpha, a, b = np.exp(log_params)
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    still_alive = special.betaln(a, b + x) - special.betaln(a, b) - (r + x) * np.log(alpha + big_t)
    dropped = np.where(x > 0, special.betaln(a + 1, np.maximum(b + x - 1, 1e-300)) - special.betaln(a, b)
                       - (r + x) * np.log(alpha + t_x), -np.inf)
    return float(np.sum(weights * (common + np.logaddexp(still_alive, dropped))))


def _unique_rows(summary: pd.DataFrame, columns: list[str]) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows and how often each occurs: the likelihood is evaluated once per distinct customer."""
    counts = summary.groupby(columns, sort=False).size()
    values = counts.index.to_frame(index=False)
    return [values[name].to_numpy(dtype="float64") for name in columns], counts.to_numpy(dtype="float64")


def fit_bgnbd(summary: pd.DataFrame) -> BGNBDParameters:
    """Fit BG/NBD to a `purchase_summary` (columns frequency, recency, T) by maximum likelihood."""
    if summary.empty or not summary["frequency"].gt(0).any():
        raise CLTVInputError("no customer bought more than once in the calibration period; BG/NBD needs repeat "
                             "purchases — use a longer calibration period")
    (x, t_x, big_t), weights = _unique_rows(summary, ["frequency", "recency", "T"])
    result = optimize.minimize(lambda p: -_bgnbd_log_likelihood(p, x, t_x, big_t, weights), np.zeros(4),
                               method="L-BFGS-B", bounds=[(-10, 10)] * 4)
    r, alpha, a, b = np.exp(result.x)
    return BGNBDParameters(float(r), float(alpha), float(a), float(b), -float(result.fun))


def expected_purchases(params: BGNBDParameters, weeks: float, frequency: np.ndarray, recency: np.ndarray,
                       age: np.ndarray) -> np.ndarray:
    """Expected purchases in the next `weeks` for customers with (x, t_x, T) — FHL 2005 eq. 10."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x, t_x, big_t = (np.asarray(values, dtype="float64") for values in (frequency, recency, age))
    horizon = weeks / (alpha + big_t + weeks)
    hypergeometric = special.hyp2f1(r + x, b + x, a + b + x - 1, horizon)
    numerator = (a + b + x - 1) / (a - 1) * (1 - ((alpha + big_t) / (alpha + big_t + weeks)) ** (r + x)
                                             * hypergeometric)
    return numerator / _alive_denominator(params, x, t_x, big_t)


def _alive_denominator(params: BGNBDParameters, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> np.ndarray:
    ratio = np.where(x > 0, params.a / np.maximum(params.b + x - 1, 1e-300)
                     * ((params.alpha + big_t) / (params.alpha + t_x)) ** (params.r + x), 0.0)
    return 1 + ratio


def probability_alive(params: BGNBDParameters, frequency: np.ndarray, recency: np.ndarray,
                      age: np.ndarray) -> np.ndarray:
    """Probability that each customer is still active at the end of observation (FHL 2005 eq. 11)."""
    x, t_x, big_t = (np.asarray(values, dtype="float64") for values in (frequency, recency, age))
    return 1 / _alive_denominator(params, x, t_x, big_t)


def fit_gamma_gamma(summary: pd.DataFrame) -> GammaGammaParameters:
    """Fit Gamma-Gamma to repeat customers' (frequency, monetary_value) by maximum likelihood."""
    repeaters = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    if len(repeaters) < 10:
        raise CLTVInputError("fewer than 10 customers with repeat purchases of positive value; "
                             "the spend model needs more data")
    (x, m), weights = _unique_rows(repeaters, ["frequency", "monetary_value"])

    def negative_log_likelihood(log_params: np.ndarray) -> float:
        p, q, gamma = np.exp(log_params)
        terms = (special.gammaln(p * x + q) - special.gammaln(p * x) - special.gammaln(q) + q * np.log(gamma)
                 + (p * x - 1) * np.log(m) + p * x * np.log(x) - (p * x + q) * np.log(gamma + m * x))
        return -float(np.sum(weights * terms))

    start = np.log([1.0, 1.0, float(np.average(m, weights=weights))])
    result = optimize.minimize(negative_log_likelihood, start, method="L-BFGS-B", bounds=[(-10, 10)] * 3)
    p, q, gamma = np.exp(result.x)
    return GammaGammaParameters(float(p), float(q), float(gamma), -float(result.fun))


def expected_purchase_value(params: GammaGammaParameters, frequency: np.ndarray,
                            monetary_value: np.ndarray) -> np.ndarray:
    """Expected value of a customer's future purchases; customers without repeats get the population mean."""
    x = np.asarray(frequency, dtype="float64")
    m = np.nan_to_num(np.asarray(monetary_value, dtype="float64"), nan=0.0)
    if params.q <= 1:
        raise CLTVInputError("the fitted spend model has q ≤ 1, so its mean value is undefined; "
                             "the data may be too small or have extreme outliers")
    population_mean = params.p * params.gamma / (params.q - 1)
    conditional = (params.gamma + m * x) * params.p / (params.p * x + params.q - 1)
    return np.where(x > 0, conditional, population_mean)


def predict_cltv(summary: pd.DataFrame, bgnbd: BGNBDParameters, gamma_gamma: GammaGammaParameters, *,
                 weeks: float = 52.0, margin_rate: float = 1.0) -> pd.DataFrame:
    """Expected purchases, value per purchase, P(alive) and CLTV over the next `weeks`, per customer."""
    if not (math.isfinite(weeks) and weeks > 0):
        raise CLTVInputError(f"the horizon must be a positive number of weeks (got {weeks})")
    x, t_x, big_t = (summary[name].to_numpy(dtype="float64") for name in ("frequency", "recency", "T"))
    purchases = expected_purchases(bgnbd, weeks, x, t_x, big_t)
    value = expected_purchase_value(gamma_gamma, x, summary["monetary_value"].to_numpy(dtype="float64"))
    return pd.DataFrame({"expected_purchases": purchases, "expected_purchase_value": value,
                         "probability_alive": probability_alive(bgnbd, x, t_x, big_t),
                         "predicted_cltv": purchases * value * margin_rate}, index=summary.index)
