"""Realistic data-quality issues for the demo customers (internal to `data.demo`).

Light, deterministic noise of the kind real CRM exports carry, so cleaning, deduplication and
quality checks have something to find: missing values, untrimmed or odd-case strings, and people
who registered twice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data import names

_MISSING_RATE, _ODD_STRING_RATE, _NEAR_DUPLICATE_RATE = 0.015, 0.004, 0.005
# The person details a re-registration repeats; its id, purchases and consent stay its own.
_COPIED_FOR_DUPLICATE = (
    "full_name", "email", "birth_date", "age", "gender", "income_band", "postcode", "city", "region", "country",
    "language", "customer_type", "lifestyle", "personal_values", "interests", "religion",
)


def with_quality_issues(rng: np.random.Generator, customers: pd.DataFrame, archetype: np.ndarray) -> pd.DataFrame:
    """Add deterministic, realistic noise: near-duplicates, missing values, untrimmed and odd-case strings."""
    customers = _with_near_duplicates(rng, customers.copy(), archetype)
    n = len(customers)

    def chosen(rate: float) -> np.ndarray:
        return rng.random(n) < rate

    customers["phone"] = customers["phone"].mask(chosen(_MISSING_RATE))
    customers["income_band"] = customers["income_band"].mask(chosen(_MISSING_RATE))
    city = customers["city"]
    city = city.mask(chosen(_ODD_STRING_RATE), city + " ").mask(chosen(_ODD_STRING_RATE), " " + city)
    customers["city"] = city.mask(chosen(_ODD_STRING_RATE), city.str.upper())
    customers["full_name"] = customers["full_name"].mask(chosen(_ODD_STRING_RATE), customers["full_name"] + "  ")
    gender = customers["gender"]
    customers["gender"] = gender.mask(chosen(_ODD_STRING_RATE), gender.str.capitalize()).mask(
        chosen(_ODD_STRING_RATE), gender.str.upper()
    )
    customers["email"] = customers["email"].mask(chosen(_ODD_STRING_RATE), customers["email"].str.capitalize())
    return customers


def _with_near_duplicates(rng: np.random.Generator, customers: pd.DataFrame, archetype: np.ndarray) -> pd.DataFrame:
    """Turn ~0.5% of customers into re-registrations of another customer of the same archetype.

    The copy keeps its own id, purchases and consent, but takes the person's details: the name with a
    typo or different case, the same birth date and postcode, and the same email or the same local
    part on another domain.
    """
    n = len(customers)
    duplicates = np.sort(rng.choice(n, size=int(n * _NEAR_DUPLICATE_RATE), replace=False))
    if duplicates.size == 0:
        return customers
    is_duplicate = np.zeros(n, dtype=bool)
    is_duplicate[duplicates] = True
    source_of = np.arange(n)
    for code in range(len(names.ARCHETYPES)):
        targets = duplicates[archetype[duplicates] == code]
        pool = np.flatnonzero((archetype == code) & ~is_duplicate)
        if targets.size and pool.size:
            source_of[targets] = pool[rng.integers(0, pool.size, targets.size)]
    targets = np.flatnonzero(source_of != np.arange(n))
    for column in _COPIED_FOR_DUPLICATE:
        customers[column] = customers[column].array.take(source_of)
    phone_source = np.arange(n)
    same_phone = targets[rng.random(targets.size) < 0.5]
    phone_source[same_phone] = source_of[same_phone]
    customers["phone"] = customers["phone"].array.take(phone_source)

    name = customers["full_name"].iloc[targets].reset_index(drop=True)
    variants = [
        name.str.upper(),
        name.str.lower(),
        name.str.slice(0, -2) + name.str.slice(-1) + name.str.slice(-2, -1),  # swapped letters
        name.str.slice(0, -2) + name.str.slice(-1),  # dropped letter
        name.str.slice(0, -1) + name.str.slice(-2),  # doubled letter
    ]
    kind = rng.integers(0, len(variants), targets.size)
    customers.loc[targets, "full_name"] = np.select(
        [kind == k for k in range(len(variants))], [v.to_numpy(dtype=object) for v in variants]
    )
    email = customers["email"].iloc[targets].reset_index(drop=True)
    local, domain = email.str.split("@", n=1).str[0], email.str.split("@", n=1).str[1]
    country_domain = customers["country"].iloc[targets].map(names.COUNTRY_EMAIL_DOMAIN).to_numpy(dtype=object)
    generic = names.GENERIC_EMAIL_DOMAIN
    other_domain = local + "@" + np.where(domain == generic, country_domain, generic)
    same_email = rng.random(targets.size) < 0.5
    customers.loc[targets, "email"] = np.where(same_email, email.to_numpy(object), other_domain.to_numpy(object))
    return customers
