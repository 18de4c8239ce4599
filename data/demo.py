"""Deterministic demo customer data: a customers table, its transactions and a consent ledger.

Six latent archetypes (young urban professionals, young families, students, affluent seniors, rural
traditional, small-business buyers) drive every other attribute, so segments exist to be found by
clustering and by rules. The archetype is never a column; `DemoData.archetype` exposes it for tests.
Generation is vectorised with numpy and the same (rows, seed, as_of) always gives identical frames.

CLI: `python -m data.demo --rows N --out FILE [--seed S] [--as-of YYYY-MM-DD] [--transactions FILE]
[--consent FILE] [--no-quality-issues]`; the format follows the extension (.csv, .parquet, .xlsx).
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from data import names

__all__ = [
    "ARCHETYPE_NAMES", "COLUMN_ROLES", "INCOME_BANDS", "LOYALTY_TIERS", "TRANSACTION_COLUMN_ROLES",
    "DemoData", "InvalidDemoParameter", "generate_demo", "main",
]

INCOME_BANDS: tuple[str, ...] = names.INCOME_BANDS  # ordered, lowest first
LOYALTY_TIERS: tuple[str, ...] = ("bronze", "silver", "gold", "platinum")  # ordered, lowest first
GENDERS: tuple[str, ...] = ("female", "male", "non-binary")
LANGUAGES: tuple[str, ...] = ("nl", "de", "en", "fr")
ARCHETYPE_NAMES: tuple[str, ...] = tuple(archetype.name for archetype in names.ARCHETYPES)
CONSENT_PURPOSES: tuple[str, ...] = ("marketing", "newsletter")
CONSENT_STATUSES: tuple[str, ...] = ("granted", "withdrawn")
CONSENT_SOURCES: tuple[str, ...] = ("signup form", "preference centre", "import")
MAX_ROWS = 20_000_000
EXCEL_MAX_DATA_ROWS = 1_048_575  # Excel's sheet limit is 1,048,576 rows including the header

COLUMN_ROLES: dict[str, str] = {
    "customer_id": "id",
    "full_name": "direct_identifier", "email": "direct_identifier", "phone": "direct_identifier",
    # Age and postcode stay usable for segmentation but, with birth date, can single a person out.
    "birth_date": "quasi_identifier", "age": "quasi_identifier", "gender": "demographic",
    "income_band": "demographic", "postcode": "quasi_identifier",
    "city": "geographic", "region": "geographic", "country": "geographic",
    "language": "demographic", "customer_type": "demographic",
    "lifestyle": "psychographic", "values": "psychographic", "interests": "psychographic",
    "loyalty_tier": "behavioural", "preferred_channel": "behavioural", "signup_date": "behavioural",
    "first_purchase": "behavioural", "last_purchase": "behavioural", "order_count": "behavioural",
    "revenue": "behavioural",
    "consent_email": "consent", "consent_sms": "consent", "consent_push": "consent",
    "religion": "special_category",
}
# Both ids use the app's one identifier role; customer_id joins to the customers table by name.
TRANSACTION_COLUMN_ROLES: dict[str, str] = {
    "customer_id": "id", "order_id": "id", "order_date": "transaction_date",
    "amount": "transaction_amount", "product_category": "behavioural",
}

_SECONDS_PER_DAY = 86_400
_MIN_AGE_DAYS, _MAX_AGE_DAYS = 5_846, 36_500  # at least 16 whole years, below 100
_FLOOR_WEIGHT = 0.15  # every label keeps a little weight in every archetype, so segments overlap
_LOYALTY_THRESHOLDS_EUR = np.array([300.0, 1200.0, 5000.0])
_IMPORTED_BEFORE_DAYS = 6 * 365  # consents older than this were migrated from a legacy CRM ("import")
_MISSING_RATE, _ODD_STRING_RATE, _NEAR_DUPLICATE_RATE = 0.015, 0.004, 0.005


class InvalidDemoParameter(ValueError):
    """An argument of `generate_demo` is out of range or of the wrong type."""


@dataclass(frozen=True, eq=False)
class DemoData:
    """The generated tables; `archetype` is each customer's hidden segment, kept out of `customers`."""

    customers: pd.DataFrame
    transactions: pd.DataFrame
    consent: pd.DataFrame
    archetype: pd.Series = field(repr=False)


@dataclass(frozen=True)
class _History:
    """Purchase history as day numbers (days since 1970-01-01); `_NO_DAY` where a customer never bought."""

    signup_day: np.ndarray
    first_day: np.ndarray
    last_day: np.ndarray
    order_count: np.ndarray
    revenue_cents: np.ndarray
    tx_customer: np.ndarray
    tx_day: np.ndarray
    tx_cents: np.ndarray
    tx_category: np.ndarray


_NO_DAY = np.iinfo(np.int64).min  # the integer numpy reads as NaT


def generate_demo(
    rows: int = 5000,
    seed: int = 42,
    as_of: datetime.date | None = None,
    *,
    transactions: bool = True,
    quality_issues: bool = True,
) -> DemoData:
    """Generate a seeded demo customer base with transactions and a consent ledger.

    Every date falls before `as_of` (default: today), so recency is measured against it. The same
    (rows, seed, as_of) gives identical frames. `transactions=False` leaves the transactions table
    empty while the purchase summaries stay the same. `quality_issues=True` adds light, deterministic
    noise: ~1.5% missing phone and income band, a few untrimmed or odd-case strings and ~0.5%
    near-duplicate customers (the same person re-registered under a new id).
    """
    as_of = _validated(rows, seed, as_of, transactions, quality_issues)
    rows = int(rows)
    as_of_day = int(np.datetime64(as_of, "D").astype(np.int64))
    archetype_rng, people_rng, purchase_rng, consent_rng, noise_rng = (
        np.random.default_rng(child) for child in np.random.SeedSequence(int(seed)).spawn(5)
    )
    shares = np.array([archetype.share for archetype in names.ARCHETYPES])
    archetype = archetype_rng.choice(len(names.ARCHETYPES), size=rows, p=shares / shares.sum())
    history = _purchase_history(purchase_rng, archetype, as_of_day)
    customer_ids = _sequential_ids("C", rows, width=7)
    customers = pd.DataFrame(
        {
            "customer_id": customer_ids,
            **_person_columns(people_rng, archetype, as_of),
            **_behaviour_columns(purchase_rng, archetype, history),
        }
    )[list(COLUMN_ROLES)]
    consent_now = customers[[f"consent_{channel}" for channel in names.CONSENT_CHANNELS]].to_numpy()
    consent = _consent_events(consent_rng, consent_now, history.signup_day, as_of_day, customer_ids)
    if quality_issues:
        customers = _with_quality_issues(noise_rng, customers, archetype)
    return DemoData(
        customers=customers,
        transactions=_transactions_frame(history, customer_ids, include=transactions),
        consent=consent,
        archetype=_labels(ARCHETYPE_NAMES, archetype).rename("archetype"),
    )


def _validated(rows: object, seed: object, as_of: object, *flags: object) -> datetime.date:
    """Check the arguments of generate_demo (scikit-learn style messages) and return as_of as a date."""
    if isinstance(rows, bool) or not isinstance(rows, int | np.integer):
        raise InvalidDemoParameter(f"rows={rows!r}: need an integer")
    if rows < 1:
        raise InvalidDemoParameter(f"rows={rows}: need at least 1")
    if rows > MAX_ROWS:
        raise InvalidDemoParameter(f"rows={rows}: need at most {MAX_ROWS} (memory); combine several seeds instead")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InvalidDemoParameter(f"seed={seed!r}: need a non-negative integer")
    for name, value in zip(("transactions", "quality_issues"), flags, strict=True):
        if not isinstance(value, bool | np.bool_):
            raise InvalidDemoParameter(f"{name}={value!r}: need True or False")
    if as_of is None:
        return datetime.date.today()
    if not isinstance(as_of, datetime.date):
        raise InvalidDemoParameter(f"as_of={as_of!r}: need a datetime.date, e.g. datetime.date(2025, 1, 31)")
    if isinstance(as_of, datetime.datetime):
        as_of = as_of.date()
    if not datetime.date(1900, 1, 1) <= as_of <= datetime.date(2200, 12, 31):
        raise InvalidDemoParameter(f"as_of={as_of.isoformat()}: need a date between 1900-01-01 and 2200-12-31")
    return as_of


# ---------------------------------------------------------------- lookup tables built once at import
def _weight_matrix(labels: tuple[str, ...], specs: list[dict[str, float]]) -> np.ndarray:
    """Rows of label weights per archetype; labels a spec does not name get the floor weight."""
    for spec in specs:
        if unknown := set(spec) - set(labels):
            raise KeyError(f"archetype weights name unknown labels {sorted(unknown)}")
    return np.array([[spec.get(label, _FLOOR_WEIGHT) for label in labels] for spec in specs])


def _profile(attribute: str) -> np.ndarray:
    """One archetype attribute as an array indexed by archetype number."""
    return np.array([getattr(archetype, attribute) for archetype in names.ARCHETYPES], dtype=float)


_LIFESTYLE_P = _weight_matrix(names.LIFESTYLES, [a.lifestyle for a in names.ARCHETYPES])
_VALUES_P = _weight_matrix(names.VALUES, [a.values for a in names.ARCHETYPES])
_INTEREST_P = _weight_matrix(names.INTERESTS, [a.interests for a in names.ARCHETYPES])
_CATEGORY_P = _weight_matrix(names.PRODUCT_CATEGORIES, [a.categories for a in names.ARCHETYPES])
_PRICE_FACTOR = np.array(names.CATEGORY_PRICE_FACTORS)
# Expected price factor per archetype, so its mean order amount stays close to basket_eur.
_CATEGORY_NORM = (_CATEGORY_P / _CATEGORY_P.sum(axis=1, keepdims=True)) @ _PRICE_FACTOR
_RELIGION_P = np.repeat(np.array(names.RELIGION_WEIGHTS_BY_SETTLEMENT), 2, axis=0)
_RELIGION_P[1::2, 1] += 0.12  # rows for customers aged 60+: more Christianity, fewer "None"
_RELIGION_P[1::2, 0] -= 0.12
_PLACE_CITY = np.array([place.city for place in names.PLACES], dtype=object)
_PLACE_REGION = np.array([place.region for place in names.PLACES], dtype=object)
_PLACE_P = np.array(
    [
        [place.weight if (place.country, place.settlement) == (country, settlement) else 0.0 for place in names.PLACES]
        for country in names.COUNTRIES
        for settlement in names.SETTLEMENTS
    ]
)
_POSTCODE_LOW = np.array([p.postcodes[0] if p.country != "GB" else 0 for p in names.PLACES], dtype=np.int64)
_POSTCODE_HIGH = np.array([p.postcodes[1] if p.country != "GB" else 0 for p in names.PLACES], dtype=np.int64)
_OUTWARD_CODES = np.array([code for p in names.PLACES if p.country == "GB" for code in p.postcodes], dtype=object)
_OUTWARD_COUNT = np.array([len(p.postcodes) if p.country == "GB" else 0 for p in names.PLACES], dtype=np.int64)
_OUTWARD_OFFSET = np.cumsum(_OUTWARD_COUNT) - _OUTWARD_COUNT
# Dutch postcode letters avoid F, I, O, Q, U, Y and the pairs SA, SD, SS (no S first keeps it simple).
_NL_LETTER_PAIRS = np.array([a + b for a in "ABCDEGHJKLMNPRTVWXZ" for b in "ABCDEGHJKLMNPRSTVWXZ"], dtype=object)
_UK_INWARD_LETTERS = np.array([a + b for a in "ABDEFGHJLNPQRSTUWXYZ" for b in "ABDEFGHJLNPQRSTUWXYZ"], dtype=object)
_FIRST_NAME_LISTS = [names.FIRST_NAMES[country][sex] for country in names.COUNTRIES for sex in ("female", "male")]
_LAST_NAME_LISTS = [names.LAST_NAMES[country] for country in names.COUNTRIES]


def _flatten(lists: list[tuple[str, ...]]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Concatenate lists and return (flat list, offset of each list, length of each list)."""
    counts = np.array([len(items) for items in lists], dtype=np.int64)
    return [item for items in lists for item in items], np.cumsum(counts) - counts, counts


_FIRST_FLAT, _FIRST_OFFSET, _FIRST_COUNT = _flatten(_FIRST_NAME_LISTS)
_LAST_FLAT, _LAST_OFFSET, _LAST_COUNT = _flatten(_LAST_NAME_LISTS)


# ---------------------------------------------------------------- vectorised helpers
def _draw(rng: np.random.Generator, probabilities: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Draw one category per row from its group's probability row (vectorised inverse CDF)."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative = cumulative / cumulative[:, -1:]
    n_groups, n_categories = cumulative.shape
    group = np.asarray(group, dtype=np.int64)
    # Shifting each group's CDF by its group number lets one searchsorted serve all groups.
    flat = (cumulative + np.arange(n_groups)[:, None]).ravel()
    position = np.searchsorted(flat, rng.random(group.size) + group, side="right")
    return np.minimum(position - group * n_categories, n_categories - 1)


def _pick(rng: np.random.Generator, offset: np.ndarray, count: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Uniformly pick an index into a flattened list of lists, one list per group."""
    return offset[group] + (rng.random(group.size) * count[group]).astype(np.int64)


def _labels(labels: tuple[str, ...] | list[str] | np.ndarray, codes: np.ndarray) -> pd.Series:
    """Map integer codes to a string column (decoded in Arrow: much faster than Python str objects)."""
    dictionary = pa.array(list(labels), type=pa.large_string())
    decoded = pa.DictionaryArray.from_arrays(pa.array(codes, type=pa.int64()), dictionary).dictionary_decode()
    return pd.Series(decoded, dtype="str")


def _dates(days: np.ndarray) -> pd.Series:
    """Day numbers (days since 1970-01-01, `_NO_DAY` = missing) to a datetime column."""
    return pd.Series(days.astype("datetime64[D]").astype("datetime64[us]"))


def _digits(rng: np.random.Generator, count: int, size: int) -> pd.Series:
    """Random zero-padded digit strings of a fixed length."""
    return (pd.Series(rng.integers(0, 10**count, size) + 10**count).astype("str")).str.slice(1)


def _fill_template(template: str, digits: pd.Series) -> pd.Series:
    """Replace the runs of '#' in a template ("+31 6 ########") with the digits, left to right."""
    result, used = pd.Series("", index=digits.index, dtype="str"), 0
    for part in re.split(r"(#+)", template):
        if part.startswith("#"):
            result, used = result + digits.str.slice(used, used + len(part)), used + len(part)
        else:
            result = result + part
    return result


def _sequential_ids(prefix: str, count: int, width: int) -> pd.Series:
    """Zero-padded ids ("C0000001", ...); wider when the count needs more digits."""
    width = max(width, len(str(count)))
    return prefix + (pd.Series(np.arange(1, count + 1, dtype=np.int64) + 10**width).astype("str")).str.slice(1)


def _whole_years(birth_day: np.ndarray, as_of: datetime.date) -> np.ndarray:
    """Age in completed years on as_of."""
    birth = birth_day.astype("datetime64[D]")
    month_start = birth.astype("datetime64[M]")
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    month = month_start.astype(np.int64) % 12 + 1
    day = (birth - month_start).astype(np.int64) + 1
    before_birthday = (month > as_of.month) | ((month == as_of.month) & (day > as_of.day))
    return as_of.year - year - before_birthday


# ---------------------------------------------------------------- customers
def _person_columns(rng: np.random.Generator, archetype: np.ndarray, as_of: datetime.date) -> dict[str, object]:
    """Identity, demographic, geographic, psychographic and special-category columns."""
    n = archetype.size
    country = rng.choice(len(names.COUNTRIES), size=n, p=np.array(names.COUNTRY_SHARES) / sum(names.COUNTRY_SHARES))
    settlement = _draw(rng, np.array([a.settlement for a in names.ARCHETYPES]), archetype)
    place = _draw(rng, _PLACE_P, country * len(names.SETTLEMENTS) + settlement)
    age_shape = np.array([a.age for a in names.ARCHETYPES])[archetype]
    age_days = np.floor(rng.triangular(age_shape[:, 0], age_shape[:, 1], age_shape[:, 2]) * 365.25)
    birth_day = int(np.datetime64(as_of, "D").astype(np.int64)) - np.clip(age_days, _MIN_AGE_DAYS, _MAX_AGE_DAYS)
    birth_day = birth_day.astype(np.int64)
    age = _whole_years(birth_day, as_of)
    gender = rng.choice(len(GENDERS), size=n, p=(0.49, 0.49, 0.02))
    name_sex = np.where(gender == 2, rng.integers(0, 2, n), gender)  # non-binary: either name list
    first = _pick(rng, _FIRST_OFFSET, _FIRST_COUNT, country * 2 + name_sex)
    last = _pick(rng, _LAST_OFFSET, _LAST_COUNT, country)
    region = _PLACE_REGION[place]
    language = np.array([LANGUAGES.index(names.COUNTRY_LANGUAGE[c]) for c in names.COUNTRIES])[country]
    language[region == "Wallonia"] = LANGUAGES.index("fr")
    language[(region == "Brussels-Capital") & (rng.random(n) < 0.8)] = LANGUAGES.index("fr")
    expat = (archetype == ARCHETYPE_NAMES.index("young urban professionals")) & (rng.random(n) < 0.08)
    language[expat] = LANGUAGES.index("en")
    business = rng.random(n) < _profile("business_rate")[archetype]
    return {
        "full_name": _full_names(first, last),
        "email": _emails(rng, first, last, country),
        "phone": _by_country(rng, country, place, _phone_numbers),
        "birth_date": _dates(birth_day),
        "age": age,
        "gender": _labels(GENDERS, gender),
        "income_band": _labels(INCOME_BANDS, _draw(rng, np.array([a.income for a in names.ARCHETYPES]), archetype)),
        "postcode": _by_country(rng, country, place, _postcodes),
        "city": _labels(_PLACE_CITY, place),
        "region": _labels(_PLACE_REGION, place),
        "country": _labels(names.COUNTRIES, country),
        "language": _labels(LANGUAGES, language),
        "customer_type": _labels(("consumer", "business"), business.astype(np.int64)),
        "lifestyle": _labels(names.LIFESTYLES, _draw(rng, _LIFESTYLE_P, archetype)),
        "values": _labels(names.VALUES, _draw(rng, _VALUES_P, archetype)),
        "interests": _interests(rng, archetype),
        "religion": _labels(names.RELIGIONS, _draw(rng, _RELIGION_P, settlement * 2 + (age >= 60))),
    }


def _full_names(first: np.ndarray, last: np.ndarray) -> pd.Series:
    """'First Last', built once per distinct pair and then indexed (fast for millions of rows)."""
    pairs, inverse = np.unique(first * len(_LAST_FLAT) + last, return_inverse=True)
    names = [f"{_FIRST_FLAT[pair // len(_LAST_FLAT)]} {_LAST_FLAT[pair % len(_LAST_FLAT)]}" for pair in pairs]
    return _labels(names, inverse)


def _emails(rng: np.random.Generator, first: np.ndarray, last: np.ndarray, country: np.ndarray) -> pd.Series:
    """Unique addresses on reserved example domains: a name pattern plus the customer's sequence number."""
    n = first.size
    pattern = rng.integers(0, 4, n)
    keys, inverse = np.unique((first * len(_LAST_FLAT) + last) * 4 + pattern, return_inverse=True)
    local_parts = []
    for key in keys:
        pair, style = divmod(int(key), 4)
        given = names.email_local_part(_FIRST_FLAT[pair // len(_LAST_FLAT)])
        family = names.email_local_part(_LAST_FLAT[pair % len(_LAST_FLAT)])
        styles = (f"{given}.{family}", f"{given}{family}", f"{given[0]}.{family}", f"{given}_{family}")
        local_parts.append(styles[style])
    country_domain = np.array([names.COUNTRY_EMAIL_DOMAIN[c] for c in names.COUNTRIES], dtype=object)[country]
    domain = np.where(rng.random(n) < 0.7, country_domain, names.GENERIC_EMAIL_DOMAIN)
    number = pd.Series(np.arange(1, n + 1)).astype("str")
    return _labels(local_parts, inverse) + number + "@" + pd.Series(domain, dtype="str")


def _by_country(rng: np.random.Generator, country: np.ndarray, place: np.ndarray, make) -> pd.Series:
    """Build a string column country by country with make(rng, country_code, places) -> Series."""
    rows = [np.flatnonzero(country == code) for code in range(len(names.COUNTRIES))]
    parts = [make(rng, country_code, place[where]) for country_code, where in zip(names.COUNTRIES, rows, strict=True)]
    position = np.empty(country.size, dtype=np.int64)
    position[np.concatenate(rows)] = np.arange(country.size)
    return pd.concat(parts, ignore_index=True).take(position).reset_index(drop=True)


def _phone_numbers(rng: np.random.Generator, country_code: str, places: np.ndarray) -> pd.Series:
    """Mobile numbers in the country's format with random digits."""
    template = names.PHONE_TEMPLATES[country_code]
    return _fill_template(template, _digits(rng, template.count("#"), places.size))


def _postcodes(rng: np.random.Generator, country_code: str, places: np.ndarray) -> pd.Series:
    """Postcodes in the country's format inside the place's range: NL '1234 AB', BE 4, DE/FR 5 digits, UK 'SW1A 1AA'."""
    size = places.size
    if country_code == "GB":
        outward = _labels(_OUTWARD_CODES, _pick(rng, _OUTWARD_OFFSET, _OUTWARD_COUNT, places))
        inward_letters = _labels(_UK_INWARD_LETTERS, rng.integers(0, _UK_INWARD_LETTERS.size, size))
        return outward + " " + _digits(rng, 1, size) + inward_letters
    low, high = _POSTCODE_LOW[places], _POSTCODE_HIGH[places]
    width = 4 if country_code in ("NL", "BE") else 5
    number = low + (rng.random(size) * (high - low + 1)).astype(np.int64)
    text = pd.Series(number + 10**width).astype("str").str.slice(1)
    if country_code == "NL":
        text = text + " " + _labels(_NL_LETTER_PAIRS, rng.integers(0, _NL_LETTER_PAIRS.size, size))
    return text


def _interests(rng: np.random.Generator, archetype: np.ndarray) -> pd.Series:
    """1-3 distinct interests per customer in vocabulary order, joined with ';'."""
    n, absent = archetype.size, len(names.INTERESTS)
    wanted = rng.choice(3, size=n, p=(0.25, 0.45, 0.30)) + 1
    picks = np.column_stack([_draw(rng, _INTEREST_P, archetype) for _ in range(3)])
    picks[:, 1] = np.where((wanted < 2) | (picks[:, 1] == picks[:, 0]), absent, picks[:, 1])
    repeated = (picks[:, 2] == picks[:, 0]) | (picks[:, 2] == picks[:, 1])
    picks[:, 2] = np.where((wanted < 3) | repeated, absent, picks[:, 2])
    picks.sort(axis=1)
    combos, inverse = np.unique((picks[:, 0] * 32 + picks[:, 1]) * 32 + picks[:, 2], return_inverse=True)
    texts = [";".join(names.INTERESTS[i] for i in (c // 1024, c // 32 % 32, c % 32) if i < absent) for c in combos]
    return _labels(texts, inverse)


# ---------------------------------------------------------------- purchases
def _purchase_history(rng: np.random.Generator, archetype: np.ndarray, as_of_day: int) -> _History:
    """Signup, purchase summaries and the individual orders, all consistent with each other."""
    n = archetype.size
    latest = as_of_day - 1  # everything happens before the as_of date starts
    tenure = np.clip(np.rint(rng.gamma(1.5, _profile("tenure_years")[archetype] * 365 / 1.5)), 1, 12 * 365)
    tenure = tenure.astype(np.int64)
    signup = as_of_day - tenure
    buys = (rng.random(n) >= _profile("no_order_rate")[archetype]) & ((tenure >= 14) | (rng.random(n) < 0.5))
    first = signup + np.minimum(rng.exponential(15.0, n).astype(np.int64), tenure - 1)
    room = latest - first
    lapsed = (rng.random(n) < _profile("lapse_rate")[archetype]) & (room > 400)
    # Mean-one lognormal spread: heavy and light buyers inside every archetype.
    frequency = _profile("orders_per_year")[archetype] * rng.lognormal(-0.18, 0.6, n)
    recent_gap = np.minimum(rng.exponential(0.5 * 365 / frequency).astype(np.int64), np.minimum(room, 364))
    lapsed_last = first + (rng.random(n) * np.maximum(room - 365, 0)).astype(np.int64)
    last = np.where(lapsed, lapsed_last, latest - recent_gap)
    count = np.minimum(1 + rng.poisson(frequency * (last - first) / 365), 2_000)
    last = np.where(count == 1, first, last)  # one-time buyers
    count = np.where(buys, count, 0)
    span = last - first

    tx_customer = np.repeat(np.arange(n), count)
    start = np.cumsum(count) - count
    position = np.arange(tx_customer.size) - start[tx_customer]
    # Order dates: first and last are fixed, the ones between are sorted uniform spacings.
    gaps = np.where(position == 0, 0.0, rng.exponential(1.0, tx_customer.size) + 1e-9)
    cumulative = np.cumsum(gaps)
    within = cumulative - cumulative[start[tx_customer]]
    total = np.zeros(n)
    total[buys] = within[start[buys] + count[buys] - 1]
    customer_total = total[tx_customer]
    fraction = np.divide(within, customer_total, out=np.zeros_like(within), where=customer_total > 0)
    tx_day = first[tx_customer] + np.rint(fraction * span[tx_customer]).astype(np.int64)

    favourite = _draw(rng, _CATEGORY_P, archetype)
    tx_category = np.where(
        rng.random(tx_customer.size) < 0.5, favourite[tx_customer], _draw(rng, _CATEGORY_P, archetype[tx_customer])
    )
    basket = _profile("basket_eur")[archetype] / _CATEGORY_NORM[archetype] * rng.lognormal(-0.06, 0.35, n)
    euros = basket[tx_customer] * _PRICE_FACTOR[tx_category] * rng.lognormal(-0.08, 0.4, tx_customer.size)
    tx_cents = np.maximum(100, np.rint(euros * 100)).astype(np.int64)
    revenue_cents = np.rint(np.bincount(tx_customer, weights=tx_cents, minlength=n)).astype(np.int64)
    return _History(
        signup_day=signup,
        first_day=np.where(buys, first, _NO_DAY),
        last_day=np.where(buys, last, _NO_DAY),
        order_count=count.astype(np.int64),
        revenue_cents=revenue_cents,
        tx_customer=tx_customer,
        tx_day=tx_day,
        tx_cents=tx_cents,
        tx_category=tx_category,
    )


def _behaviour_columns(rng: np.random.Generator, archetype: np.ndarray, history: _History) -> dict[str, object]:
    """Purchase summaries, loyalty tier, preferred channel and current consent per customer."""
    n = archetype.size
    revenue = history.revenue_cents / 100.0
    tier = np.searchsorted(_LOYALTY_THRESHOLDS_EUR, revenue * rng.lognormal(0.0, 0.25, n), side="right")
    preferred = _draw(rng, np.array([a.channel for a in names.ARCHETYPES]), archetype)
    consent_rates = np.array([a.consent for a in names.ARCHETYPES])[archetype]
    columns: dict[str, object] = {
        "loyalty_tier": _labels(LOYALTY_TIERS, tier),
        "preferred_channel": _labels(names.PREFERRED_CHANNELS, preferred),
        "signup_date": _dates(history.signup_day),
        "first_purchase": _dates(history.first_day),
        "last_purchase": _dates(history.last_day),
        "order_count": history.order_count,
        "revenue": revenue,
    }
    for position, channel in enumerate(names.CONSENT_CHANNELS):
        rate = consent_rates[:, position]
        rate = np.where(preferred == position, 0.5 + 0.5 * rate, rate)  # people allow the channel they prefer
        columns[f"consent_{channel}"] = rng.random(n) < rate
    return columns


def _transactions_frame(history: _History, customer_ids: pd.Series, *, include: bool) -> pd.DataFrame:
    """One row per order, sorted by customer and date; order ids follow the chronological order."""
    keep = slice(None) if include else slice(0, 0)
    tx_customer, tx_day = history.tx_customer[keep], history.tx_day[keep]
    # A stable sort on the date keeps customer order within a day, so ids are chronological and repeatable.
    order_number = np.empty(tx_day.size, dtype=np.int64)
    order_number[np.argsort(tx_day, kind="stable")] = np.arange(tx_day.size)
    return pd.DataFrame(
        {
            "customer_id": customer_ids.array.take(tx_customer),
            "order_id": _sequential_ids("O", tx_day.size, width=9).array.take(order_number),
            "order_date": _dates(tx_day),
            "amount": history.tx_cents[keep] / 100.0,
            "product_category": _labels(names.PRODUCT_CATEGORIES, history.tx_category[keep]),
        }
    )


# ---------------------------------------------------------------- consent ledger
def _consent_events(
    rng: np.random.Generator,
    consent_now: np.ndarray,
    signup_day: np.ndarray,
    as_of_day: int,
    customer_ids: pd.Series,
) -> pd.DataFrame:
    """Append-only consent events whose latest marketing status per channel matches consent_now.

    Current opt-ins were granted at signup (or later in the preference centre), some after a
    withdrawal; some current opt-outs granted and later withdrew; the rest never consented (no event).
    """
    n = signup_day.size
    end = as_of_day * _SECONDS_PER_DAY
    signed_up = signup_day * _SECONDS_PER_DAY + rng.integers(6 * 3600, 22 * 3600, n)
    signup_source = np.where(signup_day < as_of_day - _IMPORTED_BEFORE_DAYS, 2, 0)
    events: list[tuple[np.ndarray, ...]] = []

    def record(who: np.ndarray, channel: int, purpose: int, status: int, at: np.ndarray, source) -> None:
        rows = np.flatnonzero(who)
        source = np.broadcast_to(source, (n,))[rows]
        events.append((rows, np.full(rows.size, channel), np.full(rows.size, purpose), np.full(rows.size, status),
                       at[rows], source))

    def later(after: np.ndarray, leave: int) -> np.ndarray:
        """A second strictly after `after` that still leaves `leave` seconds before as_of."""
        return after + 1 + (rng.random(n) * (end - leave - after)).astype(np.int64)

    for channel in range(len(names.CONSENT_CHANNELS)):
        now = consent_now[:, channel]
        opted_in_later = rng.random(n) < 0.2
        granted_at = np.where(opted_in_later, later(signed_up, 4), signed_up)
        regranted = now & (rng.random(n) < 0.12)
        withdrew = (~now & (rng.random(n) < 0.35)) | regranted
        withdrawn_at = later(granted_at, 2)
        record(now | withdrew, channel, 0, 0, granted_at, np.where(opted_in_later, 1, signup_source))
        record(withdrew, channel, 0, 1, withdrawn_at, 1)
        record(regranted, channel, 0, 0, later(withdrawn_at, 1), 1)
    subscribed = rng.random(n) < np.where(consent_now[:, 0], 0.55, 0.10)
    record(subscribed, 0, 1, 0, signed_up, signup_source)
    record(subscribed & (rng.random(n) < 0.2), 0, 1, 1, later(signed_up, 2), 1)

    customer, channel, purpose, status, seconds, source = (np.concatenate(parts) for parts in zip(*events, strict=True))
    order = np.lexsort((purpose, channel, seconds, customer))
    return pd.DataFrame(
        {
            "customer_id": customer_ids.array.take(customer[order]),
            "channel": _labels(names.CONSENT_CHANNELS, channel[order]),
            "purpose": _labels(CONSENT_PURPOSES, purpose[order]),
            "status": _labels(CONSENT_STATUSES, status[order]),
            "recorded_at": pd.Series(seconds[order].astype("datetime64[s]").astype("datetime64[us]")),
            "source": _labels(CONSENT_SOURCES, source[order]),
        }
    )


# ---------------------------------------------------------------- quality issues
_COPIED_FOR_DUPLICATE = (
    "full_name", "email", "birth_date", "age", "gender", "income_band", "postcode", "city", "region", "country",
    "language", "customer_type", "lifestyle", "values", "interests", "religion",
)


def _with_quality_issues(rng: np.random.Generator, customers: pd.DataFrame, archetype: np.ndarray) -> pd.DataFrame:
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


# ---------------------------------------------------------------- command line
_WRITERS = {
    ".csv": lambda frame, path: frame.to_csv(path, index=False),
    ".parquet": lambda frame, path: frame.to_parquet(path, index=False),
    ".xlsx": lambda frame, path: frame.to_excel(path, index=False),
}


class _OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad argument as one stderr line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in YYYY-MM-DD form") from None


def _check_output(parser: _OneLineParser, option: str, path: Path) -> None:
    if path.suffix.lower() not in _WRITERS:
        parser.error(f"{option} {path}: unknown format {path.suffix or '(none)'!r}; use .csv, .parquet or .xlsx")
    if not path.parent.is_dir():
        parser.error(f"{option} {path}: folder {path.parent} does not exist")


def _too_many_for_excel(option: str, path: Path, rows: int) -> str:
    return f"{option} {path}: {rows:,} rows exceed Excel's limit of {EXCEL_MAX_DATA_ROWS:,}; use .csv or .parquet"


def main(argv: list[str] | None = None) -> int:
    """Generate the demo tables and write them; returns the process exit status."""
    parser = _OneLineParser(prog="python -m data.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000, metavar="N", help="number of customers (default 5000)")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="customers: .csv, .parquet or .xlsx")
    parser.add_argument("--seed", type=int, default=42, metavar="S", help="random seed (default 42)")
    parser.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="reference date (default today)")
    parser.add_argument("--transactions", type=Path, metavar="FILE", help="also write the transactions here")
    parser.add_argument("--consent", type=Path, metavar="FILE", help="also write the consent events here")
    parser.add_argument("--no-quality-issues", action="store_true", help="leave out the realistic noise")
    args = parser.parse_args(argv)
    outputs = {"--out": args.out, "--transactions": args.transactions, "--consent": args.consent}
    outputs = {option: path for option, path in outputs.items() if path is not None}
    for option, path in outputs.items():
        _check_output(parser, option, path)
    if len({path.resolve() for path in outputs.values()}) < len(outputs):
        parser.error("--out, --transactions and --consent must name different files")
    if args.out.suffix.lower() == ".xlsx" and args.rows > EXCEL_MAX_DATA_ROWS:
        parser.error(_too_many_for_excel("--out", args.out, args.rows))

    started = time.perf_counter()
    try:
        data = generate_demo(
            args.rows, args.seed, args.as_of,
            transactions=args.transactions is not None, quality_issues=not args.no_quality_issues,
        )
    except InvalidDemoParameter as error:
        parser.error(str(error))
    frames = {"--out": data.customers, "--transactions": data.transactions, "--consent": data.consent}
    for option, path in outputs.items():
        if path.suffix.lower() == ".xlsx" and len(frames[option]) > EXCEL_MAX_DATA_ROWS:
            parser.error(_too_many_for_excel(option, path, len(frames[option])))
    for option, path in outputs.items():
        try:
            _WRITERS[path.suffix.lower()](frames[option], path)
        except OSError as error:
            print(f"{parser.prog}: error: cannot write {option} {path}: {error.strerror or error}", file=sys.stderr)
            return 1
    what = {"--out": "customers", "--transactions": "transactions", "--consent": "consent events"}
    written = "; ".join(f"{len(frames[option]):,} {what[option]} to {path}" for option, path in outputs.items())
    as_of = args.as_of or datetime.date.today()
    print(f"wrote {written} (seed {args.seed}, as of {as_of.isoformat()}, {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
