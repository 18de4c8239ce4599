"""`reachable`: the one place that decides who may be contacted on a channel for a purpose.

Every audience count, preview and export goes through here. The rule itself is
`privacy.consent.reachable_subjects` (a current "granted" event for exactly that channel and purpose;
no event means no); this module reads the ledger and keeps the current granted set per
(ledger version, channel, purpose) in a small cache, so a live preview over a million subjects is a
set lookup. A withdrawal adds a ledger row, changes the version and so takes effect at once.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from privacy.consent import check_channel, check_purpose, current_consent
from store.authz import Principal, requires
from store.consent import ledger_version, read_consent_events

_CACHE_SIZE = 16
_granted_cache: OrderedDict[tuple[Any, ...], pd.Index] = OrderedDict()
_cache_lock = Lock()


def granted_subjects(engine: Engine, channel: str, purpose: str) -> pd.Index:
    """Subjects whose current status for (channel, purpose) is "granted" (cached per ledger version)."""
    channel, purpose = check_channel(channel), check_purpose(purpose)
    key = (engine.url.render_as_string(hide_password=True), ledger_version(engine), channel, purpose)
    with _cache_lock:
        if key in _granted_cache:
            _granted_cache.move_to_end(key)
            return _granted_cache[key]
    current = current_consent(read_consent_events(engine, channel=channel, purpose=purpose))
    granted = pd.Index(current.loc[current["status"] == "granted", "subject"].unique())
    with _cache_lock:
        _granted_cache[key] = granted
        while len(_granted_cache) > _CACHE_SIZE:
            _granted_cache.popitem(last=False)
    return granted


@requires("marketer", "reviewer", "manager", "admin", action="work out the reachable audience")
def reachable(engine: Engine, actor: Principal, subjects: Any, channel: str, purpose: str) -> pd.Index:
    """The subjects (pseudonyms, in the given order, without duplicates) that may be contacted now."""
    candidates = pd.Index(pd.Series(subjects, dtype=object).dropna().unique())
    return candidates[candidates.isin(granted_subjects(engine, channel, purpose))]


@requires("marketer", "reviewer", "manager", "admin", action="count the reachable audience")
def reachable_mask(engine: Engine, actor: Principal, subjects: pd.Series, channel: str, purpose: str) -> pd.Series:
    """A boolean mask over ``subjects``: True where that subject may be contacted now."""
    return pd.Series(subjects).isin(granted_subjects(engine, channel, purpose))


@requires("marketer", "manager", "admin", action="see consent coverage")
def consent_coverage(engine: Engine, actor: Principal, subjects: pd.Series,
                     pairs: list[tuple[str, str]]) -> pd.DataFrame:
    """Per (channel, purpose): how many of ``subjects`` are reachable, and the share."""
    distinct = pd.Series(pd.Series(subjects).dropna().unique())
    total = len(distinct)
    rows = []
    for channel, purpose in pairs:
        count = int(distinct.isin(granted_subjects(engine, channel, purpose)).sum())
        rows.append({"channel": channel, "purpose": purpose, "reachable": count, "subjects": total,
                     "share": count / total if total else 0.0})
    return pd.DataFrame(rows, columns=["channel", "purpose", "reachable", "subjects", "share"])
