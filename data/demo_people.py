"""Person columns of the demo customers (internal to `data.demo`): who they are and where they live.

Name, email, phone, birth date and age, gender, income, postcode, city, region, country, language,
customer type, lifestyle, personal values, interests and religion, each drawn from the customer's archetype
and formatted the way the customer's country writes it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import numpy as np
import pandas as pd

from data import names
from data.demo_arrays import (
    archetype_profile,
    archetype_weights,
    dates,
    digits,
    draw,
    fill_template,
    flatten,
    labels,
    pick,
)

GENDERS: tuple[str, ...] = ("female", "male", "non-binary")
LANGUAGES: tuple[str, ...] = ("nl", "de", "en", "fr")

_MIN_AGE_DAYS, _MAX_AGE_DAYS = 5_846, 36_500  # at least 16 whole years, below 100

# ---------------------------------------------------------------- lookup tables built once at import
_LIFESTYLE_P = archetype_weights(names.LIFESTYLES, [a.lifestyle for a in names.ARCHETYPES])
_PERSONAL_VALUES_P = archetype_weights(names.PERSONAL_VALUES, [a.personal_values for a in names.ARCHETYPES])
_INTEREST_P = archetype_weights(names.INTERESTS, [a.interests for a in names.ARCHETYPES])
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
_FIRST_FLAT, _FIRST_OFFSET, _FIRST_COUNT = flatten(
    [names.FIRST_NAMES[country][sex] for country in names.COUNTRIES for sex in ("female", "male")]
)
_LAST_FLAT, _LAST_OFFSET, _LAST_COUNT = flatten([names.LAST_NAMES[country] for country in names.COUNTRIES])


def person_columns(rng: np.random.Generator, archetype: np.ndarray, as_of: datetime.date) -> dict[str, object]:
    """Identity, demographic, geographic, psychographic and special-category columns, keyed by name."""
    n = archetype.size
    country = rng.choice(len(names.COUNTRIES), size=n, p=np.array(names.COUNTRY_SHARES) / sum(names.COUNTRY_SHARES))
    settlement = draw(rng, np.array([a.settlement for a in names.ARCHETYPES]), archetype)
    place = draw(rng, _PLACE_P, country * len(names.SETTLEMENTS) + settlement)
    age_shape = np.array([a.age for a in names.ARCHETYPES])[archetype]
    age_days = np.floor(rng.triangular(age_shape[:, 0], age_shape[:, 1], age_shape[:, 2]) * 365.25)
    birth_day = int(np.datetime64(as_of, "D").astype(np.int64)) - np.clip(age_days, _MIN_AGE_DAYS, _MAX_AGE_DAYS)
    birth_day = birth_day.astype(np.int64)
    age = _whole_years(birth_day, as_of)
    gender = rng.choice(len(GENDERS), size=n, p=(0.49, 0.49, 0.02))
    name_sex = np.where(gender == 2, rng.integers(0, 2, n), gender)  # non-binary: either name list
    first = pick(rng, _FIRST_OFFSET, _FIRST_COUNT, country * 2 + name_sex)
    last = pick(rng, _LAST_OFFSET, _LAST_COUNT, country)
    region = _PLACE_REGION[place]
    language = np.array([LANGUAGES.index(names.COUNTRY_LANGUAGE[c]) for c in names.COUNTRIES])[country]
    language[region == "Wallonia"] = LANGUAGES.index("fr")
    language[(region == "Brussels-Capital") & (rng.random(n) < 0.8)] = LANGUAGES.index("fr")
    expat = (archetype == names.ARCHETYPE_NAMES.index("young urban professionals")) & (rng.random(n) < 0.08)
    language[expat] = LANGUAGES.index("en")
    business = rng.random(n) < archetype_profile("business_rate")[archetype]
    return {
        "full_name": _full_names(first, last),
        "email": _emails(rng, first, last, country),
        "phone": _by_country(rng, country, place, _phone_numbers),
        "birth_date": dates(birth_day),
        "age": age,
        "gender": labels(GENDERS, gender),
        "income_band": labels(names.INCOME_BANDS, draw(rng, np.array([a.income for a in names.ARCHETYPES]), archetype)),
        "postcode": _by_country(rng, country, place, _postcodes),
        "city": labels(_PLACE_CITY, place),
        "region": labels(_PLACE_REGION, place),
        "country": labels(names.COUNTRIES, country),
        "language": labels(LANGUAGES, language),
        "customer_type": labels(("consumer", "business"), business.astype(np.int64)),
        "lifestyle": labels(names.LIFESTYLES, draw(rng, _LIFESTYLE_P, archetype)),
        "personal_values": labels(names.PERSONAL_VALUES, draw(rng, _PERSONAL_VALUES_P, archetype)),
        "interests": _interests(rng, archetype),
        "religion": labels(names.RELIGIONS, draw(rng, _RELIGION_P, settlement * 2 + (age >= 60))),
    }


def _whole_years(birth_day: np.ndarray, as_of: datetime.date) -> np.ndarray:
    """Age in completed years on as_of."""
    birth = birth_day.astype("datetime64[D]")
    month_start = birth.astype("datetime64[M]")
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    month = month_start.astype(np.int64) % 12 + 1
    day = (birth - month_start).astype(np.int64) + 1
    before_birthday = (month > as_of.month) | ((month == as_of.month) & (day > as_of.day))
    return as_of.year - year - before_birthday


def _full_names(first: np.ndarray, last: np.ndarray) -> pd.Series:
    """'First Last', built once per distinct pair and then indexed (fast for millions of rows)."""
    pairs, inverse = np.unique(first * len(_LAST_FLAT) + last, return_inverse=True)
    texts = [f"{_FIRST_FLAT[pair // len(_LAST_FLAT)]} {_LAST_FLAT[pair % len(_LAST_FLAT)]}" for pair in pairs]
    return labels(texts, inverse)


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
    return labels(local_parts, inverse) + number + "@" + pd.Series(domain, dtype="str")


_CountryColumnMaker = Callable[[np.random.Generator, str, np.ndarray], pd.Series]


def _by_country(
    rng: np.random.Generator, country: np.ndarray, place: np.ndarray, make: _CountryColumnMaker
) -> pd.Series:
    """Build a string column country by country with make(rng, country_code, places) -> Series."""
    rows = [np.flatnonzero(country == code) for code in range(len(names.COUNTRIES))]
    parts = [make(rng, country_code, place[where]) for country_code, where in zip(names.COUNTRIES, rows, strict=True)]
    position = np.empty(country.size, dtype=np.int64)
    position[np.concatenate(rows)] = np.arange(country.size)
    return pd.concat(parts, ignore_index=True).take(position).reset_index(drop=True)


def _phone_numbers(rng: np.random.Generator, country_code: str, places: np.ndarray) -> pd.Series:
    """Mobile numbers in the country's format with random digits."""
    template = names.PHONE_TEMPLATES[country_code]
    return fill_template(template, digits(rng, template.count("#"), places.size))


def _postcodes(rng: np.random.Generator, country_code: str, places: np.ndarray) -> pd.Series:
    """Postcodes in the country's format inside the place's range: NL '1234 AB', BE 4, DE/FR 5 digits, UK 'SW1A 1AA'."""
    size = places.size
    if country_code == "GB":
        outward = labels(_OUTWARD_CODES, pick(rng, _OUTWARD_OFFSET, _OUTWARD_COUNT, places))
        inward_letters = labels(_UK_INWARD_LETTERS, rng.integers(0, _UK_INWARD_LETTERS.size, size))
        return outward + " " + digits(rng, 1, size) + inward_letters
    low, high = _POSTCODE_LOW[places], _POSTCODE_HIGH[places]
    width = 4 if country_code in ("NL", "BE") else 5
    number = low + (rng.random(size) * (high - low + 1)).astype(np.int64)
    text = pd.Series(number + 10**width).astype("str").str.slice(1)
    if country_code == "NL":
        text = text + " " + labels(_NL_LETTER_PAIRS, rng.integers(0, _NL_LETTER_PAIRS.size, size))
    return text


def _interests(rng: np.random.Generator, archetype: np.ndarray) -> pd.Series:
    """1-3 distinct interests per customer in vocabulary order, joined with ';'."""
    n, absent = archetype.size, len(names.INTERESTS)
    wanted = rng.choice(3, size=n, p=(0.25, 0.45, 0.30)) + 1
    picks = np.column_stack([draw(rng, _INTEREST_P, archetype) for _ in range(3)])
    picks[:, 1] = np.where((wanted < 2) | (picks[:, 1] == picks[:, 0]), absent, picks[:, 1])
    repeated = (picks[:, 2] == picks[:, 0]) | (picks[:, 2] == picks[:, 1])
    picks[:, 2] = np.where((wanted < 3) | repeated, absent, picks[:, 2])
    picks.sort(axis=1)
    combos, inverse = np.unique((picks[:, 0] * 32 + picks[:, 1]) * 32 + picks[:, 2], return_inverse=True)
    texts = [";".join(names.INTERESTS[i] for i in (c // 1024, c // 32 % 32, c % 32) if i < absent) for c in combos]
    return labels(texts, inverse)
