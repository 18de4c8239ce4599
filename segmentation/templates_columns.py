"""Finding the columns a segmentation template needs, and reading their values (tiers, bands, tokens).

A *slot* is one concept a template needs ("age", "city", "order count" …). A column fills a slot when
its name matches one of the slot's keywords (English, Dutch, German; the keyword syntax of
`segmentation.vocabulary`) or its stored role says so (``kind: "age"``), its values are of the right
kind, its role may be used for targeting (never identifiers, contact data, consent or special
categories) and its feature tag, when it has one, is the slot's family.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from segmentation.vocabulary import first_keyword, fold_text, normalise_name

NUMBER, DATE, TEXT, ANY = "number", "date", "text", "any"
REFUSED_ROLES = frozenset({"id", "direct_identifier", "special_category", "consent", "free_text", "ignore"})
FEATURE_TAGS = ("demographic", "geographic", "psychographic", "behavioural")


@dataclass(frozen=True)
class Slot:
    """A concept a template needs: its label, the names it goes by, its feature family and value kind."""

    concept: str
    label: str
    examples: str
    keywords: tuple[str, ...]
    tag: str
    kind: str
    role_kinds: tuple[str, ...] = ()


def _slot(concept: str, label: str, examples: str, tag: str, kind: str, keywords: str, *role_kinds: str) -> Slot:
    return Slot(concept, label, examples, tuple(keywords.split()), tag, kind, role_kinds)


SLOTS: dict[str, Slot] = {
    slot.concept: slot
    for slot in (
        _slot("age", "age", "age, leeftijd, Alter", "demographic", NUMBER,
              "=age =ages ageyears leeftijd =alter alterinjahren =lebensalter", "age"),
        _slot("income", "income", "income, inkomen, Einkommen", "demographic", ANY,
              "income inkomen einkommen salary salaris gehalt"),
        _slot("customer_type", "customer type", "customer_type, klanttype, Kundentyp", "demographic", TEXT,
              "customertype klanttype kundentyp kundenart clienttype businesstype =b2b =b2c klantsoort"),
        _slot("urbanisation", "urbanisation", "urbanisation, stedelijkheid, Siedlungstyp", "geographic", TEXT,
              "urbanis urbaniz stedelijk verstedelijk settlement =areatype gebiedstype siedlungstyp urbanrural "
              "stadtland"),
        _slot("city", "city", "city, stad, Stadt", "geographic", TEXT,
              "=city =town =stad =plaats woonplaats =ort wohnort =stadt gemeente gemeinde =ville", "city"),
        _slot("region", "region", "region, regio, Bundesland", "geographic", TEXT,
              "region =regio provin bundesland =state =county =departement", "region"),
        _slot("country", "country", "country, land, Land", "geographic", TEXT,
              "country =land landcode =nation =pays countrycode", "country"),
        _slot("lifestyle", "lifestyle", "lifestyle, levensstijl, Lebensstil", "psychographic", TEXT,
              "lifestyle levensstijl leefstijl lebensstil"),
        _slot("values", "personal values", "personal_values, waarden, Werte", "psychographic", TEXT,
              "=values personalvalues waarden =werte wertvorstellung"),
        _slot("interests", "interests", "interests, interesses, Interessen", "psychographic", TEXT,
              "interest interesse hobby hobbies hobbys"),
        _slot("order_count", "order count", "order_count, bestellingen, Bestellungen", "behavioural", NUMBER,
              "ordercount =orders numberoforders ordersnumber bestellingen bestellungen aantalbestellingen "
              "anzahlbestellungen purchasecount =purchases aankopen =kaufe =kaeufe =frequency frequentie "
              "haufigkeit haeufigkeit"),
        _slot("last_purchase", "last purchase date", "last_purchase, laatste_aankoop, letzter_kauf", "behavioural",
              DATE, "lastpurchase lastorder laatsteaankoop laatstebestelling letzterkauf letztebestellung "
              "letzteskauf recentpurchase lastbought lastbuy"),
        _slot("first_purchase", "first purchase date", "first_purchase, eerste_aankoop, erster_kauf", "behavioural",
              DATE, "firstpurchase firstorder eersteaankoop eerstebestelling ersterkauf erstebestellung ersteskauf"),
        _slot("loyalty_tier", "loyalty tier", "loyalty_tier, klantniveau, Kundenstufe", "behavioural", TEXT,
              "loyaltytier loyaltylevel loyaltystatus =tier loyaliteit klantniveau kundenstufe treuestufe treue "
              "membershiplevel membership"),
    )
}


def normalise_roles(column_roles: Any) -> dict[str, dict[str, Any]]:
    """``{column: {"role", "tag", "kind" …}}`` from the stored form, ``{column: "demographic"}`` or ColumnRoles."""
    if column_roles is None:
        return {}
    if isinstance(column_roles, list | tuple):
        return {role.column: asdict(role) for role in column_roles}
    roles = {}
    for column, entry in column_roles.items():
        if isinstance(entry, str):
            entry = {"role": "feature", "tag": entry} if entry in FEATURE_TAGS else {"role": entry, "tag": None}
        elif not isinstance(entry, dict):
            entry = asdict(entry)
        roles[str(column)] = entry
    return roles


def find_column(slot: Slot, frame: pd.DataFrame, roles: dict[str, dict[str, Any]]) -> str | None:
    """The best column of ``frame`` for ``slot``, or None when no usable column fits."""
    best, best_score = None, 0
    for column in frame.columns:
        entry = roles.get(str(column), {})
        if entry.get("role") in REFUSED_ROLES:
            continue
        if entry.get("tag") and entry["tag"] != slot.tag:
            continue
        named = first_keyword(slot.keywords, normalise_name(column)) is not None
        by_role = entry.get("kind") in slot.role_kinds
        if not (named or by_role) or not fits_kind(frame[column], slot.kind):
            continue
        score = 2 * named + 2 * by_role + (entry.get("tag") == slot.tag)
        if score > best_score:
            best, best_score = str(column), score
    return best


def fits_kind(series: pd.Series, kind: str) -> bool:
    """True when the values are numbers / dates (datetime or ISO text) / text, as ``kind`` asks."""
    dtype = series.dtype
    numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    if kind == ANY:
        return numeric or not pd.api.types.is_datetime64_any_dtype(dtype)
    if kind == NUMBER:
        return numeric
    is_text = not numeric and not pd.api.types.is_bool_dtype(dtype) and not pd.api.types.is_datetime64_any_dtype(dtype)
    if kind == TEXT:
        return is_text
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return True
    if not is_text:
        return False
    sample = series.dropna().astype("str").head(1000)
    return len(sample) > 0 and sample.str.match(r"\d{4}-\d{2}-\d{2}").mean() >= 0.9


# --- reading values -----------------------------------------------------------------------------------------


def common_values(series: pd.Series, limit: int, min_share: float = 0.01) -> list[str]:
    """The most frequent non-blank text values (at least ``min_share`` of the rows), most frequent first.

    Values stay exactly as stored (no trimming), because rules compare text exactly.
    """
    text = series.dropna().astype("str")
    counts = text[text.str.strip().astype(bool)].value_counts()
    counts = counts[counts >= max(1, math.ceil(min_share * len(series)))]
    return [str(value) for value in counts.index[:limit]]


def common_tokens(series: pd.Series, limit: int, min_share: float = 0.01) -> list[str]:
    """The most frequent items of multi-value text ("sports;travel" → sports, travel), lower-cased."""
    text = series.dropna().astype("str").str.lower()
    items = text.str.split(r"\s*[;,|]\s*", regex=True).explode().str.strip()
    counts = items[items.astype(bool)].value_counts()
    counts = counts[counts >= max(1, math.ceil(min_share * len(series)))]
    return [str(value) for value in counts.index[:limit]]


_TIER_WORDS = (
    ("basic", "standard", "brons", "bronze", "blue", "blauw", "blau", "member", "lid", "mitglied"),
    ("silver", "zilver", "silber", "plus"),
    ("gold", "goud", "premium"),
    ("platinum", "platina", "platin", "diamond", "diamant", "black", "zwart", "schwarz", "vip", "elite"),
)


def ordered_tiers(values: list[str]) -> list[str]:
    """Loyalty tiers lowest first when their names say so (bronze < silver < gold < platinum), else as given."""
    def rank(value: str) -> int | None:
        words = set(re.findall(r"[a-z]+", fold_text(value)))
        return next((position for position, names in enumerate(_TIER_WORDS) if words & set(names)), None)

    ranks = [rank(value) for value in values]
    if any(position is None for position in ranks):
        return values
    return [value for _, value in sorted(zip(ranks, values, strict=True), key=lambda pair: pair[0])]


_LEVEL_WORDS = (("low", "laag", "niedrig", "gering"), ("middle", "medium", "mid", "midden", "gemiddeld", "mittel"),
                ("high", "hoog", "hoch"))


def band_order(value: str) -> tuple[float, int] | None:
    """A sort key for an income band ("<20k", "20-40k", "€40.000–60.000", ">100k", "high"), or None."""
    folded = fold_text(value).replace(" ", "")
    numbers = re.findall(r"\d+(?:[.,]\d{3})*(?:[.,]\d+)?", folded)
    if numbers:
        first = float(re.sub(r"[.,](?=\d{3}\b)", "", numbers[0]).replace(",", "."))
        scale = 1000 if re.search(r"\d\s*k", folded) else 1
        side = -1 if folded.startswith(("<", "tot", "bis", "under", "onder", "unter")) else (
            1 if folded.startswith((">", "vanaf", "ab", "over", "boven", "uber")) or folded.endswith("+") else 0)
        return first * scale, side
    for position, words in enumerate(_LEVEL_WORDS):
        if any(word in folded for word in words):
            return float(position), 0
    return None


def bands_from_middle(series: pd.Series) -> list[str] | None:
    """The bands at or above the band of the median customer, when the band labels can be ordered."""
    counts = series.dropna().astype("str").value_counts()
    keys = {band: band_order(band) for band in counts.index}
    if not keys or any(key is None for key in keys.values()):
        return None
    ordered = sorted(counts.index, key=lambda band: keys[band])
    cumulative = counts[ordered].cumsum() / counts.sum()
    middle = int(np.searchsorted(cumulative.to_numpy(), 0.5))
    return [str(band) for band in ordered[middle:]]
