"""Erasure ("right to be forgotten"): remove a person's rows everywhere and stop all contact.

The person is found by the identifier the user types (customer id or e-mail address): it is turned
into the same keyed pseudonym the datasets store, and e-mail columns kept for sending are matched
too. Their rows are removed from every stored dataset (every version). The consent ledger is
append-only and already pseudonymous, so its rows stay — as evidence of what was consented — and a
"withdrawn" event is added for every channel and purpose the person had, so nobody can contact them
again even if an old export resurfaces in a new import. The audit entry names no person.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from privacy.keys import load_pseudonym_key
from privacy.pseudonymise import pseudonymise
from store.authz import Principal, requires
from store.consent import read_consent_events, record_consent_events, subject_digest
from store.datasets import all_dataset_rows, read_dataset_frame, replace_dataset_rows
from store.schema import utcnow


class ErasureError(ValueError):
    """The erasure request cannot be carried out; the message says why."""


@dataclass(frozen=True)
class ErasureReport:
    subject_digest: str
    rows_removed: dict[int, int]  # dataset id → rows removed
    withdrawals: int

    @property
    def total_rows(self) -> int:
        return sum(self.rows_removed.values())

    def summary(self) -> str:
        if not self.total_rows and not self.withdrawals:
            return "Nobody with that identifier was found in the stored datasets or the consent ledger."
        return (f"Removed {self.total_rows:,} row(s) from {len(self.rows_removed)} dataset(s) and recorded "
                f"{self.withdrawals} withdrawal(s) in the consent ledger.")


def _matching_rows(frame: pd.DataFrame, info: dict, identifier: str, subjects: set[str]) -> pd.Series:
    mask = pd.Series(False, index=frame.index)
    subject = (info.get("details") or {}).get("subject_column")
    if subject and subject in frame:
        mask |= frame[subject].astype("string").isin(subjects).fillna(False)
    if "@" in identifier:
        for column, role in (info.get("column_roles") or {}).items():
            if column in frame and role.get("mask_kind") == "email" and role.get("action") == "kept":
                folded = frame[column].astype("string").str.strip().str.casefold()
                mask |= folded.eq(identifier.casefold()).fillna(False)
    return mask


@requires("admin", action="erase a person's data")
def erase_subject(engine: Engine, actor: Principal, identifier: str) -> ErasureReport:
    """Remove every stored row of the person with ``identifier`` and withdraw all their consent."""
    identifier = (identifier or "").strip()
    if len(identifier) < 2:
        raise ErasureError("Type the person's customer id or e-mail address exactly as in the uploaded data.")
    key = load_pseudonym_key()
    pseudonym = str(pseudonymise(pd.Series([identifier]), key).iloc[0])
    subjects = {pseudonym}
    datasets = all_dataset_rows(engine)
    # First find every pseudonym of the person (an e-mail match reveals the customer id's pseudonym),
    # then remove the rows of all of them, so linked tables such as transactions go too.
    for info in datasets:
        subject = (info.get("details") or {}).get("subject_column")
        frame = read_dataset_frame(engine, info["id"])
        mask = _matching_rows(frame, info, identifier, subjects)
        if subject in frame and mask.any():
            subjects.update(frame.loc[mask, subject].dropna().astype(str))
    removed: dict[int, int] = {}
    for info in datasets:
        frame = read_dataset_frame(engine, info["id"])
        mask = _matching_rows(frame, info, identifier, subjects)
        if mask.any():
            replace_dataset_rows(engine, actor, info["id"], frame.loc[~mask].reset_index(drop=True),
                                 reason=f"erasure of subject {subject_digest(pseudonym)}")
            removed[info["id"]] = int(mask.sum())
    history = read_consent_events(engine, subjects=sorted(subjects))
    pairs = history[["subject", "channel", "purpose"]].drop_duplicates()
    withdrawals = 0
    if len(pairs):
        events = pairs.assign(status="withdrawn", timestamp=utcnow(), source="erasure",
                              evidence=f"erasure by {actor.username}")
        withdrawals = record_consent_events(engine, actor, events, note="erasure")
    return ErasureReport(subject_digest(pseudonym), removed, withdrawals)
