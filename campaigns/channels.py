"""Channel constraints on a message (SMS encoding and segments, subject and post lengths) and channel suggestions.

The limits are constants below, each with where it comes from. Some are protocol limits (an SMS
segment), some are platform limits (a LinkedIn post), some are display guidance (an e-mail subject
is cut off on a phone long before any protocol limit): the guidance ones give warnings, not errors.

`suggest_channels` turns segment traits and consent shares into a ranked, reasoned suggestion; it
never decides — the marketer picks the channel.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CHANNELS", "CHANNEL_LABELS", "DIRECT_CHANNELS", "SOCIAL_LIMITS", "ChannelProblem", "ChannelSuggestion", "SmsInfo",
    "UnknownChannelError", "check_message", "sms_info", "suggest_channels", "x_weighted_length",
]

# "post" is direct mail (paper); direct channels need the recipient's consent (see privacy.consent).
CHANNELS: tuple[str, ...] = ("email", "sms", "push", "linkedin", "instagram", "tiktok", "x", "facebook", "post")
DIRECT_CHANNELS: tuple[str, ...] = ("email", "sms", "push")
CHANNEL_LABELS: dict[str, str] = {"email": "e-mail", "sms": "SMS", "push": "push", "linkedin": "LinkedIn",
                                  "instagram": "Instagram", "tiktok": "TikTok", "x": "X", "facebook": "Facebook",
                                  "post": "direct-mail"}

# 3GPP TS 23.038 §6.2.1: the GSM 7-bit default alphabet (ESC 0x1B left out: it only introduces the
# extension table) and its extension table, whose characters take two septets (ESC + character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
# 3GPP TS 23.040 §9.2.3.24.1: 140 octets of user data; a concatenated message spends 6 of them on its
# header, leaving 153 septets (GSM-7) or 67 UTF-16 units (UCS-2) per segment instead of 160 / 70.
SMS_SINGLE = {"GSM-7": 160, "UCS-2": 70}
SMS_CONCATENATED = {"GSM-7": 153, "UCS-2": 67}
SMS_MAX_SEGMENTS_WARNING = 3  # product guidance: every segment is billed, and long texts are read less

# E-mail subject and preheader: display guidance, not protocol limits (RFC 5322 §2.1.1 only caps a
# header line at 998 characters). Phones show roughly 30–60 subject characters; the preheader shows
# 40–130 characters depending on the client (Litmus / Campaign Monitor inbox previews).
EMAIL_SUBJECT_WARNING = 60
EMAIL_SUBJECT_MAX = 150  # product limit: beyond this every client truncates and spam filters frown
EMAIL_PREHEADER_WARNING = 130

# Push: practical lock-screen display limits of iOS and Android (vendor guidance from Airship and
# OneSignal); the protocol limit is the 4 KB payload of APNs/FCM, far above what is readable.
PUSH_TITLE_MAX = 50
PUSH_BODY_MAX = 150

# Platform post limits: LinkedIn Help "post character limit" (3,000); Instagram Help caption limit
# (2,200); TikTok caption (2,200 — the long-standing limit; newer apps allow more, this stays on the
# safe side); X Help "Counting characters" (280 weighted characters for non-Premium accounts);
# Facebook post limit (63,206).
SOCIAL_LIMITS: dict[str, int] = {"linkedin": 3000, "instagram": 2200, "tiktok": 2200, "x": 280, "facebook": 63206}
# X (twitter-text v3 configuration): code points in these ranges weigh 1, all others 2; a URL weighs 23.
_X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_X_URL_WEIGHT = 23
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)

YOUNG_AGE = 30
SENIOR_AGE = 60
BUSINESS_SHARE = 0.5
_BUSINESS_WORDS = {"business", "b2b", "zakelijk", "zakelijke", "geschaftlich", "geschäftlich", "gewerblich",
                   "company", "bedrijf", "unternehmen", "firma"}


class UnknownChannelError(ValueError):
    """A channel name that is not one of CHANNELS; the message lists them."""

    def __init__(self, channel: str) -> None:
        self.message = f"unknown channel {channel!r}; use one of: {', '.join(CHANNELS)}"
        super().__init__(self.message)


@dataclass(frozen=True)
class ChannelProblem:
    """One way a message does not fit its channel: which field, how bad, why, and the limit involved."""

    channel: str
    field: str
    severity: str  # "error" (will not work / be cut off) | "warning" (works, but hurts)
    message: str
    length: int | None = None
    limit: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class SmsInfo:
    """How an SMS text is encoded and billed: encoding, units used, segments, characters forcing UCS-2."""

    encoding: str  # "GSM-7" | "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int
    units_per_segment: int
    non_gsm_characters: tuple[str, ...]


@dataclass(frozen=True)
class ChannelSuggestion:
    """A channel worth considering for a segment, with a score for ranking and the reasons behind it."""

    channel: str
    score: float
    reasons: tuple[str, ...]


def _check_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise UnknownChannelError(channel)
    return channel


def sms_info(text: str) -> SmsInfo:
    """Encoding and segment count of an SMS text (GSM-7 when every character is in the GSM tables, else UCS-2).

    An extension character (e.g. "€") costs two septets and is never split across segments, and an
    emoji (outside the Basic Multilingual Plane) costs two UTF-16 units and is never split either —
    the same rules a handset or SMS gateway applies.
    """
    non_gsm = tuple(dict.fromkeys(char for char in text if char not in GSM7_BASIC and char not in GSM7_EXTENSION))
    encoding = "UCS-2" if non_gsm else "GSM-7"
    if encoding == "GSM-7":
        costs = [2 if char in GSM7_EXTENSION else 1 for char in text]
    else:
        costs = [2 if ord(char) > 0xFFFF else 1 for char in text]
    units = sum(costs)
    if units <= SMS_SINGLE[encoding]:
        return SmsInfo(encoding, units, 1 if units else 0, SMS_SINGLE[encoding], non_gsm)
    per_segment = SMS_CONCATENATED[encoding]
    segments, used = 1, 0
    for cost in costs:
        if used + cost > per_segment:
            segments, used = segments + 1, 0
        used += cost
    return SmsInfo(encoding, units, segments, per_segment, non_gsm)


def x_weighted_length(text: str) -> int:
    """Length of a post as X counts it: URLs weigh 23, most Latin text 1, emoji and CJK 2 per code point."""
    length = 0
    for piece in _URL.split(text):
        length += sum(1 if any(low <= ord(char) <= high for low, high in _X_LIGHT_RANGES) else 2 for char in piece)
    return length + _X_URL_WEIGHT * len(_URL.findall(text))


def _length_problem(channel: str, field: str, text: str, limit: int, severity: str, what: str,
                    length: int | None = None) -> list[ChannelProblem]:
    length = len(text) if length is None else length
    if length <= limit:
        return []
    return [ChannelProblem(channel, field, severity, f"{what} is {length} characters; {_limit_phrase(severity)} "
                           f"{limit} — shorten it by {length - limit}.", length, limit)]


def _article(label: str) -> str:
    return ("An " if label[0].lower() in "aeiosx" else "A ") + label


def _limit_phrase(severity: str) -> str:
    return "the limit is" if severity == "error" else "keep it within"


def _sms_problems(body: str) -> list[ChannelProblem]:
    info = sms_info(body)
    problems = []
    if info.encoding == "UCS-2":
        shown = " ".join(repr(char) for char in info.non_gsm_characters[:5])
        problems.append(ChannelProblem(
            "sms", "body", "warning",
            f"The SMS is sent as UCS-2 (70 characters per SMS instead of 160) because of {shown}; replace "
            f"them with plain characters (e.g. ' for ’) to fit more text per SMS.", info.units, SMS_SINGLE["UCS-2"]))
    if info.segments > SMS_MAX_SEGMENTS_WARNING:
        problems.append(ChannelProblem(
            "sms", "body", "warning",
            f"The SMS needs {info.segments} segments ({info.units} {info.encoding} units, {info.units_per_segment} "
            f"per segment), each billed separately; keep it within {SMS_MAX_SEGMENTS_WARNING}.",
            info.units, SMS_MAX_SEGMENTS_WARNING * info.units_per_segment))
    return problems


def check_message(channel: str, *, body: str, subject: str | None = None, title: str | None = None,
                  preheader: str | None = None) -> list[ChannelProblem]:
    """Every way the message does not fit `channel`: missing parts, lengths, SMS encoding and segments.

    `subject` and `preheader` are for e-mail, `title` for push; passing them to a channel that has
    no such field gives a warning that they will not be shown.
    """
    _check_channel(channel)
    body = body or ""
    problems: list[ChannelProblem] = []
    if not body.strip():
        problems.append(ChannelProblem(channel, "body", "error", "The message body is empty; write the message."))
    extras = {"subject": subject, "preheader": preheader, "title": title}
    accepted = {"email": {"subject", "preheader"}, "push": {"title"}}.get(channel, set())
    for field, value in extras.items():
        if value and field not in accepted:
            problems.append(ChannelProblem(channel, field, "warning", f"{_article(CHANNEL_LABELS[channel])} message "
                                           f"has no {field}; it will not be shown — remove it."))
    if channel == "email":
        if not (subject or "").strip():
            problems.append(ChannelProblem(channel, "subject", "error", "An e-mail needs a subject; write one."))
        else:
            problems += _length_problem(channel, "subject", subject, EMAIL_SUBJECT_MAX, "error", "The subject")
            if len(subject) <= EMAIL_SUBJECT_MAX:
                problems += _length_problem(channel, "subject", subject, EMAIL_SUBJECT_WARNING, "warning",
                                            "The subject (phones cut it off)")
        if preheader:
            problems += _length_problem(channel, "preheader", preheader, EMAIL_PREHEADER_WARNING, "warning",
                                        "The preheader (inboxes show only the start)")
    elif channel == "sms":
        problems += _sms_problems(body)
    elif channel == "push":
        if title:
            problems += _length_problem(channel, "title", title, PUSH_TITLE_MAX, "warning",
                                        "The push title (lock screens cut it off)")
        problems += _length_problem(channel, "body", body, PUSH_BODY_MAX, "warning",
                                    "The push text (lock screens cut it off)")
    elif channel in SOCIAL_LIMITS:
        length = x_weighted_length(body) if channel == "x" else len(body)
        problems += _length_problem(channel, "body", body, SOCIAL_LIMITS[channel], "error",
                                    f"The {CHANNEL_LABELS[channel]} post" + (" (as X counts it)" if channel == "x"
                                                                             else ""), length)
    return problems


def _age_of(profile: Mapping[str, Any]) -> float | None:
    for key in ("median_age", "mean_age", "average_age", "age"):
        value = profile.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
            return float(value)
    return None


def _business_share(profile: Mapping[str, Any]) -> float | None:
    share = profile.get("business_share")
    if isinstance(share, int | float) and not isinstance(share, bool) and share == share:
        return float(share)
    kind = profile.get("customer_type")
    if isinstance(kind, str) and kind.strip():
        return 1.0 if set(re.split(r"[\s_-]+", kind.strip().casefold())) & _BUSINESS_WORDS else 0.0
    return None


def suggest_channels(profile: Mapping[str, Any], consent_share: Mapping[str, float]) -> list[ChannelSuggestion]:
    """Channels worth considering for a segment, best first, each with its reasons; never empty.

    `profile` may hold "median_age" (or "mean_age"/"average_age"/"age"), "customer_type"
    ("business", "B2B", "zakelijk", … or a consumer word) or "business_share" (0–1).
    `consent_share` maps a channel to the share of the segment that consented to it (0–1); a direct
    channel (e-mail, SMS, push) is only suggested with consent. The rules follow the seed article:
    LinkedIn for B2B, TikTok/Instagram for young audiences, direct mail and e-mail for seniors, and
    the best-consented direct channel. This is advice: the marketer chooses.
    """
    scores: dict[str, float] = {}
    reasons: dict[str, list[str]] = {}

    def add(channel: str, score: float, reason: str) -> None:
        scores[channel] = scores.get(channel, 0.0) + score
        reasons.setdefault(channel, []).append(reason)

    age = _age_of(profile)
    if age is not None and age < YOUNG_AGE:
        add("tiktok", 1.0, f"young audience (age about {age:.0f}): TikTok reaches under-30s")
        add("instagram", 0.9, f"young audience (age about {age:.0f}): Instagram suits visual content")
    elif age is not None and age >= SENIOR_AGE:
        add("post", 1.0, f"senior audience (age about {age:.0f}): direct mail is still read")
        add("email", 0.6, f"senior audience (age about {age:.0f}): e-mail works well for over-60s")
        add("facebook", 0.5, f"senior audience (age about {age:.0f}): Facebook reaches a broader, older group")
    business = _business_share(profile)
    if business is not None and business >= BUSINESS_SHARE:
        add("linkedin", 1.0 + business, f"business customers ({business:.0%} of the segment): LinkedIn is the "
                                         "B2B channel")
    consented = {channel: float(share) for channel, share in consent_share.items()
                 if channel in DIRECT_CHANNELS and share == share and share > 0}
    best = max(consented, key=consented.get) if consented else None
    for channel, share in consented.items():
        note = "highest consented share" if channel == best else "consented share"
        add(channel, share * (1.5 if channel == best else 1.0),
            f"{note}: {share:.0%} of the segment may get {CHANNEL_LABELS[channel]}")
    for channel in DIRECT_CHANNELS:
        if channel not in consented:
            scores.pop(channel, None)  # a trait may point here, but nobody in the segment may be contacted so
    suggestions = [ChannelSuggestion(channel, round(score, 3), tuple(reasons[channel]))
                   for channel, score in scores.items() if score > 0]
    if not suggestions:
        suggestions = [ChannelSuggestion("facebook", 0.1, (
            "no trait or consent points to a specific channel: a broad social channel reaches the segment "
            "without personal contact data",))]
    return sorted(suggestions, key=lambda suggestion: (-suggestion.score, CHANNELS.index(suggestion.channel)))
