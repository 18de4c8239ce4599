"""Consent changes for one person, entered by staff (a phone call, a letter, a preference form)."""

from __future__ import annotations

import re

import pandas as pd
from sqlalchemy import Engine

from privacy.consent import check_channel, check_purpose
from privacy.keys import load_pseudonym_key
from privacy.pseudonymise import pseudonymise
from store.authz import Principal, requires
from store.consent import read_consent_events, record_consent_events
from store.schema import utcnow

SOURCES = ("form", "admin", "phone call", "letter", "preference centre")


def subject_pseudonym(identifier: str) -> str:
    """The pseudonym under which a customer id is stored in datasets and the ledger."""
    identifier = (identifier or "").strip()
    if not identifier:
        raise ValueError("Type the customer id exactly as it appears in the uploaded data.")
    return str(pseudonymise(pd.Series([identifier]), load_pseudonym_key()).iloc[0])


@requires("marketer", "admin", action="record a consent change")
def record_consent_change(engine: Engine, actor: Principal, identifier: str, channel: str, purpose: str,
                          status: str, source: str = "form", evidence: str = "") -> str:
    """Append one grant or withdrawal for the person with ``identifier``; returns their pseudonym."""
    if status not in ("granted", "withdrawn"):
        raise ValueError("Choose granted or withdrawn.")
    if source not in SOURCES:
        raise ValueError(f"Choose where the change came from: {', '.join(SOURCES)}.")
    if re.search(r"\S+@\S+\.\w+", evidence or ""):
        raise ValueError("Evidence is a reference (form id, letter date), not contact details.")
    pseudonym = subject_pseudonym(identifier)
    event = pd.DataFrame([{"subject": pseudonym, "channel": check_channel(channel), "purpose": check_purpose(purpose),
                           "status": status, "timestamp": utcnow(), "source": source,
                           "evidence": evidence.strip()[:500] or f"entered by {actor.username}"}])
    record_consent_events(engine, actor, event, note=f"manual {status}")
    return pseudonym


@requires("marketer", "admin", action="read a consent history")
def consent_history_for(engine: Engine, actor: Principal, identifier: str) -> pd.DataFrame:
    """Every ledger event of the person with ``identifier``, oldest first."""
    return read_consent_events(engine, subjects=[subject_pseudonym(identifier)])
