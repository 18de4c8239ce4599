"""Segmentation templates: ready-made rule segments for the four classic segmentation types.

Demographic (young urban professionals, age groups, business buyers), geographic (regions),
psychographic (values and lifestyle) and behavioural (heavy / medium / light users, new / active /
lapsed, loyalty tiers, benefits sought). :func:`available_templates` lists the templates the data can
fill (the columns are found by role tag and by their English, Dutch or German names — age / leeftijd /
Alter, city / stad / Stadt …); :func:`instantiate` turns one into concrete rule definitions whose
thresholds come from the data (quantiles, the most common values, the median income band).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segmentation.rules import RuleSegment
from segmentation.templates_columns import (
    SLOTS,
    bands_from_middle,
    common_tokens,
    common_values,
    find_column,
    normalise_roles,
    ordered_tiers,
)
from segmentation.vocabulary import fold_text

__all__ = ["TEMPLATES", "Template", "TemplateError", "available_templates", "instantiate"]

Definition = dict[str, Any]
Segments = list[tuple[str, Definition]]


class TemplateError(ValueError):
    """A template is unknown or the data cannot fill it; the message says what is missing."""


@dataclass(frozen=True)
class Template:
    """A segmentation recipe: what it is and which columns it needs.

    ``required`` lists the concepts it needs, each a tuple of alternatives (("urbanisation", "city") means
    either); ``optional`` concepts refine the segments when present. Concepts are defined in
    `segmentation.templates_columns.SLOTS`.
    """

    id: str
    name: str
    segmentation_type: str
    description: str
    required: tuple[tuple[str, ...], ...]
    optional: tuple[str, ...] = ()


TEMPLATES: tuple[Template, ...] = (
    Template("young_urban_professionals", "Young urban professionals", "demographic",
             "Aged 25–40, living in the largest cities (or an urban area), with an income band at or above the "
             "middle band of the data.", (("age",), ("urbanisation", "city")), ("income",)),
    Template("age_groups", "Age groups", "demographic",
             "Life-stage age bands: under 18, 18–24, 25–34, 35–49, 50–64 and 65+.", (("age",),)),
    Template("business_buyers", "Business buyers", "demographic",
             "Business customers (B2B) versus consumers, from the customer-type column.", (("customer_type",),)),
    Template("region", "Region", "geographic",
             "One segment per region (or country) with at least 1% of the customers.", (("region", "country"),)),
    Template("values_lifestyle", "Values and lifestyle", "psychographic",
             "One segment per common lifestyle and personal value.", (("lifestyle", "values"),)),
    Template("usage_rate", "Heavy, medium and light users", "behavioural",
             "By number of orders: light up to the median, medium up to the 80th percentile, heavy above it.",
             (("order_count",),)),
    Template("customer_lifecycle", "New, active and lapsed customers", "behavioural",
             "New: first purchase in the last 90 days; active: bought within the lapse window; lapsed: no "
             "purchase for longer. The window is twice the typical time between orders (90–730 days; 365 when "
             "it cannot be measured).", (("last_purchase",),), ("first_purchase", "order_count")),
    Template("loyalty_tier", "Loyalty tier", "behavioural", "One segment per loyalty tier, lowest tier first.",
             (("loyalty_tier",),)),
    Template("benefits_sought", "Benefits sought", "behavioural",
             "One segment per common interest (multi-value text such as 'sports;travel').", (("interests",),)),
)
_BY_ID = {template.id: template for template in TEMPLATES}
NEW_CUSTOMER_DAYS = 90
DEFAULT_LAPSE_DAYS = 365
MAX_VALUE_SEGMENTS = 8
_BUSINESS_WORDS = frozenset((
    "business", "b2b", "company", "companies", "zakelijk", "zakelijke", "bedrijf", "bedrijven", "firma", "firm",
    "corporate", "enterprise", "geschaft", "geschaeftlich", "geschaftlich", "gewerblich", "gewerbe", "unternehmen",
    "organisation", "organization", "reseller", "wholesale", "groothandel",
))


def available_templates(column_roles: Any, frame: pd.DataFrame) -> list[Template]:
    """The templates whose columns exist in ``frame`` (and whose values give at least one segment)."""
    roles = normalise_roles(column_roles)
    available = []
    for template in TEMPLATES:
        try:
            segments = _build(template, roles, frame)
        except TemplateError:
            continue
        if segments:
            available.append(template)
    return available


def instantiate(
    template_id: str, column_roles: Any, frame: pd.DataFrame, as_of: dt.date | None = None
) -> list[tuple[str, dict]]:
    """Concrete ``(name, definition)`` pairs for one template, with thresholds taken from ``frame``.

    Segments that select nobody in ``frame`` at ``as_of`` (default today) are left out. Raises
    TemplateError for an unknown template or when the data lacks the columns it needs.
    """
    template = _BY_ID.get(template_id)
    if template is None:
        raise TemplateError(f"Unknown template '{template_id}'; choose one of {', '.join(_BY_ID)}.")
    segments = _build(template, normalise_roles(column_roles), frame)
    as_of = as_of or dt.date.today()
    kept = [(name, rule) for name, rule in segments if RuleSegment(rule).mask(frame, as_of=as_of).any()]
    if not kept:
        raise TemplateError(f"Template '{template.name}' selects nobody in this data on {as_of}.")
    return kept


# --- building the segments ------------------------------------------------------------------------------------


def _build(template: Template, roles: dict[str, dict], frame: pd.DataFrame) -> Segments:
    columns: dict[str, str] = {}
    for alternatives in template.required:
        found = {concept: find_column(SLOTS[concept], frame, roles) for concept in alternatives}
        found = {concept: column for concept, column in found.items() if column}
        if not found:
            wanted = " or ".join(SLOTS[concept].label for concept in alternatives)
            examples = ", ".join(SLOTS[concept].examples for concept in alternatives)
            raise TemplateError(
                f"Template '{template.name}' needs a column for {wanted} (for example {examples}); none was found. "
                "Rename the column or set its role to a feature."
            )
        columns.update(found)
    for concept in template.optional:
        column = find_column(SLOTS[concept], frame, roles)
        if column:
            columns[concept] = column
    return _BUILDERS[template.id](columns, frame)


def _young_urban_professionals(columns: dict[str, str], frame: pd.DataFrame) -> Segments:
    conditions = [_condition(columns["age"], "between", [25, 40]), _urban(columns, frame)]
    if "income" in columns:
        income = frame[columns["income"]]
        if pd.api.types.is_numeric_dtype(income.dtype):
            conditions.append(_condition(columns["income"], ">=", _number(income.median())))
        elif bands := bands_from_middle(income):
            conditions.append(_condition(columns["income"], "in", bands))
    return [("Young urban professionals", {"all": conditions})]


def _urban(columns: dict[str, str], frame: pd.DataFrame) -> Definition:
    """Urban by an urbanisation column ("urban", "stedelijk" …), else the cities with the most customers."""
    if "urbanisation" in columns:
        values = common_values(frame[columns["urbanisation"]], limit=50, min_share=0)
        urban = [value for value in values if fold_text(value).startswith(("urban", "stedelijk", "stadt", "city"))]
        if urban:
            return _condition(columns["urbanisation"], "in", urban)
    if "city" not in columns:
        raise TemplateError("No urbanisation value reads as 'urban' and there is no city column to fall back on.")
    cities = common_values(frame[columns["city"]], limit=1000, min_share=0)
    if not cities:
        raise TemplateError(f"Column '{columns['city']}' holds no city names.")
    largest = cities[: min(10, max(1, math.ceil(len(cities) / 3)))]
    return _condition(columns["city"], "in", largest)


def _age_groups(columns: dict[str, str], _frame: pd.DataFrame) -> Segments:
    age = columns["age"]
    bands = [("under 18", None, 18), ("18–24", 18, 25), ("25–34", 25, 35), ("35–49", 35, 50), ("50–64", 50, 65),
             ("65+", 65, None)]
    segments = []
    for label, low, high in bands:
        tests = ([_condition(age, ">=", low)] if low is not None else []) + (
            [_condition(age, "<", high)] if high is not None else [])
        segments.append((f"Age {label}", {"all": tests}))
    return segments


def _business_buyers(columns: dict[str, str], frame: pd.DataFrame) -> Segments:
    column = columns["customer_type"]
    values = common_values(frame[column], limit=100, min_share=0)
    business = [value for value in values if set(fold_text(value).replace("-", " ").split()) & _BUSINESS_WORDS]
    if not business:
        raise TemplateError(f"No value of '{column}' reads as a business customer (business, B2B, zakelijk …).")
    segments = [("Business buyers", _condition(column, "in", business))]
    if len(business) < len(values):
        segments.append(("Consumers", _condition(column, "not_in", business)))
    return segments


def _region(columns: dict[str, str], frame: pd.DataFrame) -> Segments:
    concept = "region" if "region" in columns else "country"
    column = columns[concept]
    label = "Region" if concept == "region" else "Country"
    values = common_values(frame[column], limit=MAX_VALUE_SEGMENTS)
    return [(f"{label}: {value}", _condition(column, "==", value)) for value in values]


def _values_lifestyle(columns: dict[str, str], frame: pd.DataFrame) -> Segments:
    segments = []
    for concept, label in (("lifestyle", "Lifestyle"), ("values", "Values")):
        if concept in columns:
            for token in common_tokens(frame[columns[concept]], limit=MAX_VALUE_SEGMENTS):
                segments.append((f"{label}: {token}", _condition(columns[concept], "contains", token)))
    return segments


def _usage_rate(columns: dict[str, str], frame: pd.DataFrame) -> Segments:
    column = columns["order_count"]
    counts = pd.to_numeric(frame[column], errors="coerce").dropna()
    if counts.empty:
        raise TemplateError(f"Column '{column}' holds no order counts.")
    median = _number(counts.quantile(0.5, interpolation="lower"))
    high = _number(counts.quantile(0.8, interpolation="lower"))
    if median >= counts.max():
        raise TemplateError(f"Column '{column}' has too few different order counts to tell heavy from light users.")
    segments = [(f"Light users (≤ {median} orders)", _condition(column, "<=", median))]
    if high > median:
        above_median = median + 1 if isinstance(median, int) and isinstance(high, int) else median
        segments.append((f"Medium users ({above_median}–{high} orders)",
                         {"all": [_condition(column, ">", median), _condition(column, "<=", high)]}))
    top = max(high, median)
    segments.append((f"Heavy users (> {top} orders)", _condition(column, ">", top)))
    return segments


def _customer_lifecycle(columns: dict[str, str], frame: pd.DataFrame) -> Segments:
    last = columns["last_purchase"]
    window = _lapse_window(columns, frame)
    segments = []
    active = [_condition(last, "within_last_days", window)]
    if "first_purchase" in columns:
        first = columns["first_purchase"]
        segments.append((f"New (first purchase ≤ {NEW_CUSTOMER_DAYS} days ago)",
                         _condition(first, "within_last_days", NEW_CUSTOMER_DAYS)))
        active.append(_condition(first, "more_than_days_ago", NEW_CUSTOMER_DAYS))
    segments.append((f"Active (bought in the last {window} days)", {"all": active}))
    segments.append((f"Lapsed (no purchase for more than {window} days)",
                     _condition(last, "more_than_days_ago", window)))
    segments.append(("No purchase yet", _condition(last, "is_missing")))
    return segments


def _lapse_window(columns: dict[str, str], frame: pd.DataFrame) -> int:
    """Twice the median days between orders of repeat buyers, rounded up to 30 days, within 90–730."""
    if "first_purchase" not in columns or "order_count" not in columns:
        return DEFAULT_LAPSE_DAYS
    first = _as_datetime(frame[columns["first_purchase"]])
    last = _as_datetime(frame[columns["last_purchase"]])
    orders = pd.to_numeric(frame[columns["order_count"]], errors="coerce")
    repeat = (orders > 1) & first.notna() & last.notna()
    if repeat.sum() < 10:
        return DEFAULT_LAPSE_DAYS
    gaps = (last[repeat] - first[repeat]).dt.days / (orders[repeat] - 1)
    window = math.ceil(2 * float(gaps.median()) / 30) * 30
    return int(min(730, max(90, window)))


def _loyalty_tier(columns: dict[str, str], frame: pd.DataFrame) -> Segments:
    column = columns["loyalty_tier"]
    tiers = ordered_tiers(common_values(frame[column], limit=12))
    return [(f"Loyalty tier: {tier}", _condition(column, "==", tier)) for tier in tiers]


def _benefits_sought(columns: dict[str, str], frame: pd.DataFrame) -> Segments:
    column = columns["interests"]
    return [(f"Interested in {token}", _condition(column, "contains", token))
            for token in common_tokens(frame[column], limit=MAX_VALUE_SEGMENTS)]


_BUILDERS: dict[str, Callable[[dict[str, str], pd.DataFrame], Segments]] = {
    "young_urban_professionals": _young_urban_professionals,
    "age_groups": _age_groups,
    "business_buyers": _business_buyers,
    "region": _region,
    "values_lifestyle": _values_lifestyle,
    "usage_rate": _usage_rate,
    "customer_lifecycle": _customer_lifecycle,
    "loyalty_tier": _loyalty_tier,
    "benefits_sought": _benefits_sought,
}


def _condition(column: str, op: str, value: object = None) -> Definition:
    return {"column": column, "op": op} | ({} if value is None else {"value": value})


def _number(value: object) -> int | float:
    """A plain int when the value is whole (thresholds read better as 3 than as 3.0)."""
    number = float(np.asarray(value).item())
    return int(number) if number.is_integer() else round(number, 2)


def _as_datetime(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series
    return pd.to_datetime(series.astype("str").str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
