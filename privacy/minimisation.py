"""Data minimisation: per column, keep / pseudonymise / drop / exclude, decided by the dataset's purpose.

Defaults follow privacy by design: direct identifiers (and the customer id) are pseudonymised, except
contact details that the purpose needs for sending, which are kept and shown masked; special-category
columns are excluded from use; free text is dropped; everything else is kept. The user may choose
otherwise per column, but never against the rules (keeping an e-mail address for an analysis that sends
nothing is refused with a ``MinimisationError`` that says what to choose instead).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from privacy.pseudonymise import pseudonymise
from privacy.special_categories import ROLES, category_label, is_special_category

Choice = Literal["keep", "pseudonymise", "drop"]
CHOICES: tuple[str, ...] = ("keep", "pseudonymise", "drop")
ACTIONS: tuple[str, ...] = ("kept", "pseudonymised", "dropped", "excluded")


class MinimisationError(ValueError):
    """A purpose, role or choice breaks the minimisation rules; the message names the column and the fix."""


@dataclass(frozen=True)
class Purpose:
    """What a dataset is for, and which contact details (identifier kinds) sending needs."""

    key: str
    label: str
    description: str
    sends_messages: bool
    channels: tuple[str, ...]
    contact_kinds: tuple[str, ...]


PURPOSES: dict[str, Purpose] = {purpose.key: purpose for purpose in (
    Purpose("analysis", "Analysis", "Segment customers and measure results; nothing is sent.",
            sends_messages=False, channels=(), contact_kinds=()),
    Purpose("campaign_sending", "Campaign sending",
            "Send approved messages per segment by e-mail, SMS, push, phone or post.",
            sends_messages=True, channels=("email", "sms", "push", "phone", "post"),
            contact_kinds=("email", "phone", "address", "push_token")),
    Purpose("personalisation", "Personalised messages",
            "Send messages that greet people by name and tailor content to them.",
            sends_messages=True, channels=("email", "sms", "push", "phone", "post"),
            contact_kinds=("email", "phone", "address", "push_token", "name")),
)}

IDENTIFIER_KIND_LABELS: dict[str, str] = {
    "email": "e-mail address", "phone": "phone number", "address": "postal address", "name": "name",
    "iban": "bank account (IBAN)", "push_token": "push token", "other": "identifier",
}
# How a kept contact detail is shown (see privacy.masking).
MASK_KIND_OF: dict[str, str] = {"email": "email", "phone": "phone", "name": "name", "iban": "iban"}

# Column-name hints in English, Dutch and German, checked in this order.
_KIND_HINTS: tuple[tuple[str, str], ...] = (
    ("push_token", r"push|device.?token|fcm|apns"),
    ("email", r"e.?mail|^mail|mail.?ad"),
    ("iban", r"iban|bank.?account|rekening|konto"),
    ("phone", r"phone|tele?f|^tel|_tel|mobi|gsm|handy|cell|nummer.?mobiel"),
    ("address", r"address|adres|street|straat|stra(ss|ß)e|anschrift|huis.?n|haus.?n|postal|woonplaats"),
    ("name", r"name|naam|voornaam|surname"),
)


@dataclass(frozen=True)
class ColumnDecision:
    """The minimisation outcome for one column, with the reason in plain words."""

    column: str
    role: str
    action: str
    reason: str
    identifier_kind: str | None = None
    mask_kind: str | None = None  # set when a kept contact detail must be shown masked
    chosen: bool = False  # True when the user's choice, not the default, decided the action


@dataclass(frozen=True)
class MinimisationPlan:
    """Decisions for every column of a dataset under one purpose."""

    purpose: str
    decisions: tuple[ColumnDecision, ...]

    def decision(self, column: str) -> ColumnDecision:
        """The decision for ``column``."""
        for decision in self.decisions:
            if decision.column == column:
                return decision
        raise MinimisationError(f"The plan has no decision for column '{column}'.")

    def columns_with(self, action: str) -> list[str]:
        """The columns whose action is ``action`` (kept, pseudonymised, dropped or excluded)."""
        return [decision.column for decision in self.decisions if decision.action == action]

    def to_frame(self) -> pd.DataFrame:
        """One row per column: column, role, action, reason, identifier_kind, mask_kind, chosen."""
        return pd.DataFrame([vars(decision) for decision in self.decisions],
                            columns=["column", "role", "action", "reason", "identifier_kind", "mask_kind",
                                     "chosen"])

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form to store with the dataset."""
        return {"purpose": self.purpose, "decisions": [vars(decision) for decision in self.decisions]}

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> MinimisationPlan:
        """Read a plan written by `as_dict` (stored with each dataset)."""
        try:
            return cls(purpose=stored["purpose"],
                       decisions=tuple(ColumnDecision(**decision) for decision in stored["decisions"]))
        except (KeyError, TypeError) as exc:
            raise MinimisationError(f"The stored minimisation plan cannot be read ({exc}).") from None


def identifier_kind(column: str, info: dict[str, Any] | None = None) -> str:
    """The kind of a direct identifier: the role's ``tag`` when it is a known kind, else a name hint."""
    tag = str((info or {}).get("tag") or "").strip().lower()
    if tag in IDENTIFIER_KIND_LABELS:
        return tag
    name = str(column).strip().lower()
    for kind, pattern in _KIND_HINTS:
        if re.search(pattern, name):
            return kind
    return "other"


def _purpose(purpose: str) -> Purpose:
    if purpose not in PURPOSES:
        raise MinimisationError(f"purpose={purpose!r}: expected one of {', '.join(PURPOSES)}")
    return PURPOSES[purpose]


def _refuse(column: str, problem: str, fix: str) -> MinimisationError:
    return MinimisationError(f"Column '{column}': {problem}. {fix}")


def _decide(column: str, info: dict[str, Any], purpose: Purpose, choice: str | None) -> ColumnDecision:
    role = str(info.get("role") or "").strip()
    if role not in ROLES:
        raise _refuse(column, f"unknown role {role or '(none)'!r}", f"Give it one of: {', '.join(ROLES)}.")
    if choice is not None and choice not in CHOICES:
        raise _refuse(column, f"unknown choice {choice!r}", f"Choose one of: {', '.join(CHOICES)}.")
    chosen = choice is not None

    def decided(action: str, reason: str, **extra: Any) -> ColumnDecision:
        return ColumnDecision(column=column, role=role, action=action, reason=reason, chosen=chosen, **extra)

    if choice == "drop":
        return decided("dropped", "dropped on request: not stored")
    if role in ("free_text", "ignore"):
        return _decide_unused(role, choice, decided)
    if is_special_category(info):
        return _decide_special(column, info, choice, decided)
    if role == "id":
        if choice == "keep":
            raise _refuse(column, "the customer id is never stored in clear",
                          "Choose pseudonymise (records still link up) or drop.")
        return decided("pseudonymised", "replaced by a keyed pseudonym: records still link up with each other "
                                        "and with consent, but the real id is not stored", identifier_kind="other")
    if role == "direct_identifier":
        return _decide_identifier(column, info, purpose, choice, decided)
    if role == "consent":
        if choice == "pseudonymise":
            raise _refuse(column, "consent answers are not identifiers", "Choose keep or drop.")
        if choice == "keep":
            return decided("kept", "kept on request; who may be contacted is still decided by the consent "
                                   "ledger, never by this column")
        return decided("dropped", "moved to the consent ledger at import; the ledger, not a copy in the "
                                  "data, decides who may be contacted")
    if choice == "pseudonymise":
        return decided("pseudonymised", "replaced by a keyed pseudonym on request")
    reasons = {
        "quasi_identifier": "kept for segmentation; combined with other columns it can single someone out, "
                            "so drop it when no segment needs it",
        "feature": "kept for segmentation",
        "transaction_date": "kept for recency and frequency (RFM) analysis",
        "transaction_amount": "kept for monetary value and KPIs",
    }
    return decided("kept", reasons[role])


def _decide_unused(role: str, choice: str | None, decided: Any) -> ColumnDecision:
    if choice == "keep":
        return decided("kept", "kept on request; never used for segmentation or targeting")
    if choice == "pseudonymise":
        return decided("pseudonymised", "replaced by a keyed pseudonym on request")
    if role == "free_text":
        return decided("dropped", "free text can contain anything, including health or religion details, "
                                  "and is not used for segments")
    return decided("dropped", "marked as not needed")


def _decide_special(column: str, info: dict[str, Any], choice: str | None, decided: Any) -> ColumnDecision:
    category = str(info.get("special_category") or "").strip()
    kind = f"special-category data ({category_label(category)})" if category else "special-category data"
    if choice == "pseudonymise":
        raise _refuse(column, f"{kind} stays special-category data when pseudonymised",
                      "Choose keep (stored but excluded from use) or drop.")
    return decided("excluded", f"{kind}: stored but excluded from segmentation, targeting and export unless "
                               "an admin records an allowance with a legal basis")


def _decide_identifier(column: str, info: dict[str, Any], purpose: Purpose, choice: str | None,
                       decided: Any) -> ColumnDecision:
    kind = identifier_kind(column, info)
    label = IDENTIFIER_KIND_LABELS[kind]
    needed = kind in purpose.contact_kinds
    if choice == "pseudonymise":
        return decided("pseudonymised", f"{label} replaced by a keyed pseudonym on request",
                       identifier_kind=kind)
    if needed:
        return decided("kept", f"{label} kept because '{purpose.label}' sends messages; shown masked",
                       identifier_kind=kind, mask_kind=MASK_KIND_OF.get(kind, "text"))
    if choice == "keep":
        sending = [other.label for other in PURPOSES.values() if kind in other.contact_kinds]
        fix = "Choose pseudonymise or drop"
        fix += f", or use a purpose that needs it ({', '.join(sending)})." if sending else "."
        raise _refuse(column, f"the purpose '{purpose.label}' does not need the {label} in clear", fix)
    return decided("pseudonymised", f"{label} not needed for '{purpose.label}'; replaced by a keyed pseudonym",
                   identifier_kind=kind)


def plan_minimisation(roles: dict[str, dict[str, Any]], purpose: str,
                      choices: dict[str, Choice] | None = None) -> MinimisationPlan:
    """Decide, for every column in ``roles``, what is stored under ``purpose``, and why.

    ``choices`` overrides the defaults per column ("keep", "pseudonymise", "drop"); a choice that breaks
    the rules raises ``MinimisationError``. For special-category columns "keep" means stored but
    excluded from use (only an admin's allowance lifts that).
    """
    declared = _purpose(purpose)
    choices = dict(choices or {})
    unknown = [column for column in choices if column not in roles]
    if unknown:
        raise MinimisationError(f"Choices name unknown column(s) {', '.join(map(repr, unknown))}; "
                                f"the data has {', '.join(map(repr, roles))}.")
    decisions = tuple(_decide(column, dict(info or {}), declared, choices.get(column))
                      for column, info in roles.items())
    return MinimisationPlan(purpose=purpose, decisions=decisions)


def apply_minimisation(frame: pd.DataFrame, plan: MinimisationPlan, key: bytes, *,
                       namespace: str = "subject") -> pd.DataFrame:
    """Return the data as it may be stored: dropped columns removed, pseudonymised columns replaced.

    Kept and excluded columns are stored unchanged (exclusion is enforced when columns are used).
    The frame must have exactly the plan's columns, so nothing unplanned slips through.
    """
    planned = [decision.column for decision in plan.decisions]
    unplanned = [column for column in frame.columns if column not in planned]
    absent = [column for column in planned if column not in frame.columns]
    if unplanned or absent:
        problems = []
        if unplanned:
            problems.append(f"column(s) without a decision: {', '.join(map(repr, unplanned))}")
        if absent:
            problems.append(f"planned column(s) missing from the data: {', '.join(map(repr, absent))}")
        raise MinimisationError(f"The plan does not match the data ({'; '.join(problems)}); plan again.")
    result = frame.drop(columns=plan.columns_with("dropped"))
    for column in plan.columns_with("pseudonymised"):
        result[column] = pseudonymise(frame[column], key, namespace=namespace)
    return result


def minimisation_report(plan: MinimisationPlan, used_columns: Iterable[str]) -> pd.DataFrame:
    """Per column: role, action, reason, whether a saved segment uses it, and whether to consider dropping it.

    A column is a candidate to drop when it is stored for analysis (a kept feature, quasi-identifier,
    free text or ignored column, or an excluded special-category column) and no saved segment uses it.
    """
    used = set(used_columns)
    unused_is_waste = {"feature", "quasi_identifier", "free_text", "ignore", "special_category"}
    rows = []
    for decision in plan.decisions:
        used_by_segments = decision.column in used
        stored_for_analysis = (decision.action == "excluded"
                               or (decision.action == "kept" and decision.role in unused_is_waste))
        rows.append({"column": decision.column, "role": decision.role, "action": decision.action,
                     "reason": decision.reason, "used_by_segments": used_by_segments,
                     "candidate_to_drop": stored_for_analysis and not used_by_segments})
    return pd.DataFrame(rows, columns=["column", "role", "action", "reason", "used_by_segments",
                                       "candidate_to_drop"])
