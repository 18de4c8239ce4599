"""Consent as an append-only ledger of events, and the rule that decides who may be contacted.

Each event says: this subject (a pseudonym) granted or withdrew consent for this channel and purpose,
at this time, recorded from this source, with this evidence. Nothing is ever updated: a withdrawal is
a new event. The current status of a (subject, channel, purpose) is its latest event (ties: the later
event in ledger order wins), and a subject is reachable only with a current "granted" for exactly
that channel and purpose; no event means not reachable.

This module is pure pandas; the store persists the events. Answers are read from customer files
(one column per channel/purpose) or from a separate consent file (one event per row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from privacy.pseudonymise import TEXT_DTYPE

CHANNELS: tuple[str, ...] = ("email", "sms", "push", "phone", "post", "ads")
STATUSES: tuple[str, ...] = ("granted", "withdrawn")
SOURCE_KINDS: tuple[str, ...] = ("import", "form", "admin")  # a source reads e.g. "import: klanten.csv"
EVENT_COLUMNS: tuple[str, ...] = ("subject", "channel", "purpose", "status", "timestamp", "source", "evidence")
DEFAULT_PURPOSE = "marketing"


class ConsentError(ValueError):
    """Consent data or a consent question is invalid; the message names the row, column or value."""


# Purposes named in Dutch or German (or spelled differently) mean the same stored purpose.
_PURPOSE_SYNONYMS = {
    "nieuwsbrief": "newsletter", "reclame": "marketing", "werbung": "marketing", "direct_marketing": "marketing",
    "direktwerbung": "marketing", "personalization": "personalisation", "personalisatie": "personalisation",
    "personalisierung": "personalisation", "onderzoek": "research", "marktonderzoek": "research",
    "marktforschung": "research", "umfrage": "research", "survey": "research",
}


def normalise_purpose(purpose: Any) -> str:
    """A purpose as stored: lower case, words joined by "_", nl/de names in English ("Nieuwsbrief" → "newsletter")."""
    slug = re.sub(r"[\W_]+", "_", str(purpose).strip().casefold()).strip("_")
    return _PURPOSE_SYNONYMS.get(slug, slug)


def check_channel(channel: str) -> str:
    """Return ``channel`` when it is a known channel; raise ``ConsentError`` listing them otherwise."""
    if channel not in CHANNELS:
        raise ConsentError(f"channel={channel!r}: expected one of {', '.join(CHANNELS)}")
    return channel


def check_purpose(purpose: str) -> str:
    """Return the normalised purpose; raise ``ConsentError`` when it is blank."""
    normalised = normalise_purpose(purpose)
    if not normalised:
        raise ConsentError(f"purpose={purpose!r}: give a purpose such as '{DEFAULT_PURPOSE}' or 'newsletter'")
    return normalised


def utc_timestamp(value: Any, *, name: str = "timestamp") -> pd.Timestamp:
    """``value`` as a UTC ``pd.Timestamp``; a naive value is taken to be UTC already."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ConsentError(f"{name}={value!r}: expected a date and time such as 2025-03-01T12:00:00Z") from None
    if pd.isna(stamp):
        raise ConsentError(f"{name} is missing: expected a date and time such as 2025-03-01T12:00:00Z")
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


@dataclass(frozen=True)
class ConsentEvent:
    """One ledger entry: a grant or withdrawal of consent for a channel and purpose."""

    subject: str
    channel: str
    purpose: str
    status: str
    timestamp: datetime
    source: str
    evidence: str = ""

    def __post_init__(self) -> None:
        if not str(self.subject).strip():
            raise ConsentError("A consent event needs a subject (the person's pseudonym).")
        check_channel(self.channel)
        object.__setattr__(self, "purpose", check_purpose(self.purpose))
        if self.status not in STATUSES:
            raise ConsentError(f"status={self.status!r}: expected one of {', '.join(STATUSES)}")
        object.__setattr__(self, "timestamp", utc_timestamp(self.timestamp).to_pydatetime())
        if not str(self.source).strip():
            raise ConsentError(f"A consent event needs a source ({', '.join(SOURCE_KINDS)}).")

    def as_row(self) -> dict[str, Any]:
        """The event as one row of an event frame."""
        return {column: getattr(self, column) for column in EVENT_COLUMNS}


def events_frame(events: list[ConsentEvent] | None = None) -> pd.DataFrame:
    """An event frame (the columns of ``EVENT_COLUMNS``) from ``ConsentEvent`` values, in ledger order."""
    rows = pd.DataFrame([event.as_row() for event in events or []], columns=list(EVENT_COLUMNS))
    return _events(*(rows[column] for column in EVENT_COLUMNS))


def _checked_events(events: pd.DataFrame) -> pd.DataFrame:
    missing = [column for column in EVENT_COLUMNS[:5] if column not in events.columns]
    if missing:
        raise ConsentError(f"The consent events lack column(s) {', '.join(missing)}; expected "
                           f"{', '.join(EVENT_COLUMNS)}.")
    stamps = events["timestamp"]
    if not isinstance(stamps.dtype, pd.DatetimeTZDtype):
        events = events.assign(timestamp=pd.to_datetime(stamps, errors="coerce", utc=True))  # naive → UTC
    if events["timestamp"].isna().any():
        row = int(np.flatnonzero(events["timestamp"].isna().to_numpy())[0]) + 1
        raise ConsentError(f"Consent event {row} has no valid timestamp; every event needs one.")
    return events


def current_consent(events: pd.DataFrame, *, as_of: Any = None) -> pd.DataFrame:
    """The current event per (subject, channel, purpose): the latest by timestamp, ties by ledger order.

    ``events`` must be in ledger order (the order the events were recorded). With ``as_of``, events
    after that moment are ignored, giving the status as it was then. The result keeps all columns of
    ``events``, one row per (subject, channel, purpose), in the ledger order of the winning events.
    """
    events = _checked_events(events)
    if as_of is not None:
        events = events[events["timestamp"] <= utc_timestamp(as_of, name="as_of")]
    if events.empty:
        return events.reset_index(drop=True)
    # Integer group codes and one stable sort by time keep this O(n log n) in numpy: no Python loop,
    # no sort on strings. After the sort, a larger rank means later in time, then later in the ledger.
    group = np.zeros(len(events), dtype=np.int64)
    for column in ("subject", "channel", "purpose"):
        codes, uniques = pd.factorize(events[column], use_na_sentinel=False)
        group = group * len(uniques) + codes
    group, distinct_groups = pd.factorize(group)
    moments = events["timestamp"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    by_time = np.argsort(moments, kind="stable")
    rank = np.empty(len(events), dtype=np.int64)
    rank[by_time] = np.arange(len(events))
    latest_rank = np.full(len(distinct_groups), -1, dtype=np.int64)
    np.maximum.at(latest_rank, group, rank)
    winners = np.sort(by_time[latest_rank])
    return events.iloc[winners].reset_index(drop=True)


def reachable_subjects(events: pd.DataFrame, subjects: Any, channel: str, purpose: str,
                       as_of: Any = None) -> pd.Index:
    """The subjects (of ``subjects``) with a current "granted" for ``channel`` and ``purpose``.

    No event for that channel and purpose means not reachable. The result keeps the order of
    ``subjects``, without duplicates or missing values.
    """
    check_channel(channel)
    purpose = check_purpose(purpose)
    events = _checked_events(events)
    relevant = events[(events["channel"] == channel) & (events["purpose"] == purpose)]
    current = current_consent(relevant, as_of=as_of)
    granted = current.loc[current["status"] == "granted", "subject"]
    candidates = pd.Index(pd.Series(subjects).dropna().unique(), name="subject")
    return candidates[candidates.isin(granted)]


# Answers in English, Dutch and German, compared after case-folding and removing spaces, "-" and "_".
_GRANTED_ANSWERS = frozenset({
    "yes", "y", "true", "t", "1", "x", "on", "optin", "optedin", "granted", "given", "agreed", "accepted",
    "subscribed", "ja", "j", "waar", "akkoord", "toegestaan", "aangemeld", "ingeschreven", "gegeven",
    "wahr", "zugestimmt", "einverstanden", "erteilt", "angemeldet", "eingewilligt",
})
_WITHDRAWN_ANSWERS = frozenset({
    "no", "n", "false", "f", "0", "off", "optout", "optedout", "withdrawn", "revoked", "declined", "refused",
    "unsubscribed", "nee", "onwaar", "afgemeld", "uitgeschreven", "ingetrokken", "geweigerd",
    "geentoestemming", "nein", "falsch", "abgemeldet", "widerrufen", "abgelehnt", "verweigert",
})
_NO_ANSWER = frozenset({"", "-", "na", "n/a", "unknown", "onbekend", "unbekannt", "?"})
_ANSWER_HINT = "use yes/no, ja/nee, ja/nein, true/false, 1/0, x, opt-in/opt-out, granted/withdrawn or leave it blank"


def _answer_key(value: Any) -> str:
    return re.sub(r"[\s_\-]+", "", str(value).strip().casefold())


def _first_problem(rows: np.ndarray, values: pd.Series, where: str, problem: str, hint: str) -> ConsentError:
    """One message for the first bad row, with how many more there are."""
    first = int(rows[0])
    value = values.iloc[first]
    shown = "(blank)" if pd.isna(value) or not str(value).strip() else repr(value)
    more = f" ({len(rows) - 1} more row(s) like this)" if len(rows) > 1 else ""
    return ConsentError(f"{where}, row {first + 1}: {shown} {problem}; {hint}{more}.")


def parse_consent_answers(values: pd.Series, *, where: str, blank_allowed: bool = True) -> pd.Series:
    """Map answers to "granted" / "withdrawn" (missing where blank); unknown answers raise ``ConsentError``.

    Each distinct answer is looked up once, so a million rows cost no more than their distinct values.
    ``where`` names the column (and file) in error messages; rows are counted from 1 after the header.
    """
    values = pd.Series(values).reset_index(drop=True)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    statuses = []
    for answer in uniques:
        key = _answer_key(answer)
        key = key[:-2] if key in ("1.0", "0.0") else key  # 1 / 0 read as floats from a spreadsheet
        statuses.append("granted" if key in _GRANTED_ANSWERS else "withdrawn" if key in _WITHDRAWN_ANSWERS
                        else None if key in _NO_ANSWER else "?")
    lookup = np.array([*statuses, None], dtype=object)
    parsed = lookup[codes]
    unknown = np.flatnonzero(parsed == "?")
    if len(unknown):
        raise _first_problem(unknown, values, where, "is not a consent answer", _ANSWER_HINT)
    if not blank_allowed:
        blank = np.flatnonzero(pd.isna(parsed))
        if len(blank):
            raise _first_problem(blank, values, where, "is not a consent status",
                                 "every row of a consent file needs granted or withdrawn (or yes/no)")
    return pd.Series(parsed, dtype=object)


def _require_columns(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ConsentError(f"{what}: no column {', '.join(map(repr, missing))}; the data has "
                           f"{', '.join(map(repr, map(str, frame.columns)))}.")


def _events(subjects: pd.Series, channel: Any, purpose: Any, statuses: pd.Series, timestamps: Any,
            source: Any, evidence: Any) -> pd.DataFrame:
    events = pd.DataFrame({"subject": subjects, "channel": channel, "purpose": purpose, "status": statuses,
                           "timestamp": timestamps, "source": source, "evidence": evidence},
                          columns=list(EVENT_COLUMNS))
    text_columns = [column for column in EVENT_COLUMNS if column != "timestamp"]
    events = events.astype(dict.fromkeys(text_columns, TEXT_DTYPE))
    events["timestamp"] = pd.to_datetime(events["timestamp"], utc=True)
    return events


def consent_events_from_columns(frame: pd.DataFrame, subject_column: str,
                                consent_columns: dict[str, tuple[str, str]], *, recorded_at: Any,
                                source: str, evidence: str = "") -> pd.DataFrame:
    """Turn consent columns of a customer file into ledger events (one per non-blank answer).

    ``consent_columns`` maps a column to its (channel, purpose). Yes-like answers become "granted",
    no-like answers "withdrawn", blanks no event. ``subject_column`` should already hold pseudonyms.
    Every event gets ``recorded_at``, ``source`` and ``evidence`` plus the column it came from.
    """
    _require_columns(frame, [subject_column, *consent_columns], "Consent columns")
    stamp = utc_timestamp(recorded_at, name="recorded_at")
    if not str(source).strip():
        raise ConsentError(f"Give the source of these consent answers ({', '.join(SOURCE_KINDS)}).")
    claimed: dict[tuple[str, str], str] = {}
    parts = []
    subjects = frame[subject_column].reset_index(drop=True)
    for column, (channel, purpose) in consent_columns.items():
        pair = (check_channel(channel), check_purpose(purpose))
        if pair in claimed:
            raise ConsentError(f"Columns '{claimed[pair]}' and '{column}' both record consent for "
                               f"{pair[0]}/{pair[1]}; map one of them to another purpose or leave it out.")
        claimed[pair] = column
        statuses = parse_consent_answers(frame[column], where=f"Consent column '{column}'")
        answered = statuses.notna().to_numpy()
        nameless = np.flatnonzero(answered & subjects.isna().to_numpy())
        if len(nameless):
            raise _first_problem(nameless, subjects, f"Column '{subject_column}'", "has no subject",
                                 f"every row with a consent answer in '{column}' needs one")
        note = f"{evidence}; column '{column}'" if evidence else f"column '{column}'"
        parts.append(_events(subjects[answered].to_numpy(), pair[0], pair[1], statuses[answered].to_numpy(),
                             stamp, source, note))
    return pd.concat(parts, ignore_index=True) if parts else events_frame()


_CHANNEL_WORDS = {
    "email": "email", "e-mail": "email", "e_mail": "email", "mail": "email", "sms": "sms", "text": "sms",
    "push": "push", "app": "push", "phone": "phone", "telephone": "phone", "telefoon": "phone", "telefon": "phone",
    "call": "phone", "post": "post", "letter": "post", "brief": "post", "ads": "ads", "advertising": "ads",
    "advertenties": "ads", "anzeigen": "ads",
}
FILE_FIELDS: tuple[str, ...] = EVENT_COLUMNS


def _map_distinct(values: pd.Series, function: Any) -> pd.Series:
    """``function`` applied once per distinct value (missing stays missing)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = np.array([*(function(value) for value in uniques), None], dtype=object)
    return pd.Series(lookup[codes], index=values.index, dtype=object)


def _parse_timestamps(values: pd.Series, where: str) -> pd.Series:
    """ISO dates first, then day-first dates (01-03-2025 is 1 March in nl/de); naive means UTC."""
    text = values.astype("string").str.strip()
    parsed = pd.to_datetime(text, errors="coerce", utc=True, format="ISO8601")
    retry = parsed.isna() & text.notna()
    if retry.any():
        parsed = parsed.where(~retry, pd.to_datetime(text.where(retry), errors="coerce", utc=True,
                                                     format="mixed", dayfirst=True))
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if len(bad):
        raise _first_problem(bad, values, where, "is not a date", "use e.g. 2025-03-01 or 2025-03-01T12:00:00Z")
    return parsed


def consent_events_from_file(frame: pd.DataFrame, mapping: dict[str, str], *,
                             default_purpose: str | None = None, default_source: str = "import",
                             file_name: str = "consent file") -> pd.DataFrame:
    """Read a separate consent file (one event per row) into ledger events, validating every value.

    ``mapping`` maps the fields subject, channel, status, timestamp and optionally purpose, source and
    evidence to column names of the file. Without a purpose column, ``default_purpose`` is used. Errors
    name the file, the column and the first bad row (counted from 1 after the header).
    """
    unknown = [field for field in mapping if field not in FILE_FIELDS]
    required = ["subject", "channel", "status", "timestamp"] + ([] if default_purpose else ["purpose"])
    absent = [field for field in required if field not in mapping]
    if unknown or absent:
        optional = [field for field in FILE_FIELDS if field not in required]
        problems = ([f"unknown field(s) {', '.join(map(repr, unknown))}"] if unknown else []) + (
            [f"missing {', '.join(absent)}"] if absent else [])
        raise ConsentError(f"{file_name}: map the fields {', '.join(required)} (optional: {', '.join(optional)}) "
                           f"to columns; {'; '.join(problems)}.")
    _require_columns(frame, list(mapping.values()), file_name)
    frame = frame.reset_index(drop=True)

    def where(field: str) -> str:
        return f"{file_name}, column '{mapping[field]}'"

    def text(field: str) -> pd.Series:
        return frame[mapping[field]].astype("string").str.strip().replace("", pd.NA)

    subjects = text("subject")
    blank = np.flatnonzero(subjects.isna().to_numpy())
    if len(blank):
        raise _first_problem(blank, frame[mapping["subject"]], where("subject"), "is not a subject",
                             "every row needs the person's id or pseudonym")
    channels = text("channel").str.lower().map(_CHANNEL_WORDS)
    bad = np.flatnonzero(~channels.isin(CHANNELS).to_numpy())
    if len(bad):
        raise _first_problem(bad, frame[mapping["channel"]], where("channel"), "is not a channel",
                             f"use one of {', '.join(CHANNELS)}")
    if "purpose" in mapping:
        purposes = _map_distinct(text("purpose"), normalise_purpose)
        if default_purpose:
            purposes = purposes.fillna(check_purpose(default_purpose)).replace("", check_purpose(default_purpose))
        bad = np.flatnonzero((purposes.isna() | (purposes == "")).to_numpy())
        if len(bad):
            raise _first_problem(bad, frame[mapping["purpose"]], where("purpose"), "is not a purpose",
                                 "every row needs one, e.g. marketing or newsletter")
    else:
        purposes = check_purpose(default_purpose or "")
    statuses = parse_consent_answers(frame[mapping["status"]], where=where("status"), blank_allowed=False)
    timestamps = _parse_timestamps(frame[mapping["timestamp"]], where("timestamp"))
    sources = (text("source").fillna(default_source) if "source" in mapping else default_source)
    evidence = (text("evidence").fillna("") if "evidence" in mapping else f"row of {file_name}")
    return _events(subjects, channels, purposes, statuses, timestamps, sources, evidence)


# Column-name hints for consent columns (checked on the name in lower case, words joined by "_").
_CONSENT_MARK = r"consent|opt_?in|toestemming|einwilligung|zustimmung|permission|nieuwsbrief|newsletter"
_INVERTED_MARK = r"opt_?out|unsubscri|afmeld|abmeld|widerruf|bezwaar|widerspruch|do_?not"
# Names of columns *about* consent (when, where from, how often), not the answer itself.
_NOT_AN_ANSWER = (r"(^|_)(sent|opens?|opened|clicks?|clicked|count|aantal|anzahl|at|on|source|bron|text|tekst|"
                  r"doel|id|tijd)(_|$)|date|datum|time|zeit|quelle|version|versie|channel|kana|purpose|zweck")
_CHANNEL_HINTS: tuple[tuple[str, str], ...] = (
    ("sms", r"sms"), ("push", r"push"), ("phone", r"phone|tele?fo|(^|_)tel(_|$)|bellen|anruf|call"),
    ("post", r"(^|_)(post|brief|letter)"), ("ads", r"(^|_)ads?(_|$)|advert|retarget|audience"),
    ("email", r"e_?mail|mail|newsletter|nieuwsbrief"),
)
_PURPOSE_HINTS: tuple[tuple[str, str], ...] = (
    ("newsletter", r"newsletter|nieuwsbrief"), ("personalisation", r"profil|personali"),
    ("research", r"research|onderzoek|survey|umfrage|enquete|marktforschung"),
)


def _name_words(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(name))  # camelCase → camel_Case
    return re.sub(r"[^0-9a-z]+", "_", spaced.casefold()).strip("_")


def infer_consent_columns(columns: list[str] | pd.Index) -> dict[str, tuple[str, str]]:
    """Guess which columns hold consent answers, and for which (channel, purpose), from their names.

    Recognises names such as consent_email, opt_in_sms, toestemming_email, nieuwsbrief,
    Einwilligung_Newsletter and push_optin. Opt-out columns (where "yes" means withdrawn) and names that
    do not reveal a channel are left out for the user to map by hand.
    """
    found: dict[str, tuple[str, str]] = {}
    for column in columns:
        words = _name_words(column)
        if (not re.search(_CONSENT_MARK, words) or re.search(_INVERTED_MARK, words)
                or re.search(_NOT_AN_ANSWER, words)):
            continue
        channel = next((name for name, pattern in _CHANNEL_HINTS if re.search(pattern, words)), None)
        if channel is None:
            continue
        purpose = next((name for name, pattern in _PURPOSE_HINTS if re.search(pattern, words)), DEFAULT_PURPOSE)
        found[column] = (channel, purpose)
    return found
