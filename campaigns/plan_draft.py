"""A first draft of a segment's campaign plan (value proposition and 4P) from what sets the segment apart.

The seeds' six-step plan fills the marketing mix per segment from its profile. The draft puts the profile's
facts where a marketer needs them — price-related traits under Price, interests and lifestyle under Product,
channel and buying behaviour under Promotion, the suggested channels under Place — as text to edit, never
as a decision: a field the marketer (or the segment's own 4P) already filled is kept as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from campaigns.channels import ChannelSuggestion
from segmentation.profiles import SegmentProfile, Trait

PLAN_TEXT_FIELDS = ("value_proposition", "product", "price", "place", "promotion")
# Column-name words (en, nl, de) that route a trait to one part of the mix.
_PRICE_WORDS = ("income", "revenue", "spend", "price", "monetary", "value", "inkomen", "omzet", "besteding",
                "prijs", "einkommen", "umsatz", "ausgaben", "preis", "budget")
_PRODUCT_WORDS = ("interest", "lifestyle", "hobby", "category", "product", "values", "interesse", "leefstijl",
                  "waarden", "lebensstil", "werte", "kategorie")
_PROMOTION_WORDS = ("channel", "loyalty", "tier", "order", "frequency", "purchase", "recency", "newsletter",
                    "visit", "kanaal", "bestelling", "aankoop", "kanal", "bestellung", "kauf", "treue")
TRAITS_PER_FIELD = 3


def _routed(traits: Iterable[Trait], words: tuple[str, ...]) -> list[str]:
    return [trait.text for trait in traits if any(word in trait.feature.lower() for word in words)]


def draft_segment_plan(profile: SegmentProfile, channels: Iterable[ChannelSuggestion],
                       filled: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Text for each empty plan field, from the profile's strongest traits and the channel suggestions.

    ``filled`` holds what is already written (the campaign's plan or the segment's 4P); those fields are
    returned unchanged.
    """
    filled = dict(filled or {})
    traits = list(profile.top_traits)
    price = _routed(traits, _PRICE_WORDS)
    product = _routed(traits, _PRODUCT_WORDS)
    promotion = _routed(traits, _PROMOTION_WORDS)
    routed = set(price + product + promotion)
    others = [trait.text for trait in traits if trait.text not in routed]
    suggested = list(channels)
    draft = {
        "value_proposition": (f"For {profile.proposed_name.lower()} — " + "; ".join(others[:2]))
        if others else f"For {profile.proposed_name.lower()}",
        "product": "; ".join(product[:TRAITS_PER_FIELD]),
        "price": "; ".join(price[:TRAITS_PER_FIELD]),
        "place": "; ".join(f"{s.channel} ({s.reasons[0]})" for s in suggested[:3] if s.reasons),
        "promotion": "; ".join(promotion[:TRAITS_PER_FIELD]),
    }
    return {field: (str(filled.get(field) or "").strip() or draft[field]) for field in PLAN_TEXT_FIELDS}
