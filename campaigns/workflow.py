"""The review state machine of a message version, waivers for block findings, and the content hash.

States and actions (anything else raises IllegalTransition naming the allowed actions)::

    draft             --edit-->            draft
    draft             --submit-->          submitted
    submitted         --approve-->         approved            (four-eyes; every block finding waived)
    submitted         --request_changes--> changes_requested
    submitted         --reject-->          rejected            (final: write a new message)
    submitted         --withdraw-->        draft               (the author takes it back before review)
    changes_requested --edit-->            draft
    approved          --edit-->            draft               (the service stores the edit as a new version)
    approved          --recheck-->         submitted           (the system: under the rules in force the approval
                                                                no longer holds — a rule changed, a waiver expired)

A submitted version cannot be edited: the reviewer judges exactly the content whose hash they see,
and an approval binds to that `content_hash`. Four-eyes: nobody approves a version they wrote or
edited. A block finding needs a valid waiver (rule id + hash of the matched text, a reason of at
least 20 characters, an expiry date in the future, granted by someone who did not write the
message) before the version can be approved.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

__all__ = [
    "ACTIONS", "CONTENT_FIELDS", "MIN_WAIVER_REASON", "STATES", "TRANSITIONS", "FourEyesViolation",
    "IllegalTransition", "UnwaivedBlockFinding", "Waiver", "WorkflowError", "allowed_actions", "content_hash",
    "finding_key", "text_hash", "transition", "valid_waiver_keys", "verdict_worsened",
]

STATES: tuple[str, ...] = ("draft", "submitted", "approved", "changes_requested", "rejected")
ACTIONS: tuple[str, ...] = ("edit", "submit", "approve", "request_changes", "reject", "withdraw", "recheck")
TRANSITIONS: dict[str, dict[str, str]] = {
    "draft": {"edit": "draft", "submit": "submitted"},
    "submitted": {"approve": "approved", "request_changes": "changes_requested", "reject": "rejected",
                  "withdraw": "draft"},
    "changes_requested": {"edit": "draft"},
    "approved": {"edit": "draft", "recheck": "submitted"},
    "rejected": {},
}
MIN_WAIVER_REASON = 20
# The fields that make up what a recipient sees; an approval binds to their hash. "preheader" is the
# e-mail preview line, which recipients read too.
CONTENT_FIELDS: tuple[str, ...] = ("body", "subject", "title", "preheader", "channel", "language", "variant")
_VERDICT_RANK = {"pass": 0, "review": 1, "block": 2}  # as compliance.model.VERDICTS

FindingKey = tuple[str, str]  # (rule id, SHA-256 of the matched text)


class WorkflowError(Exception):
    """Base of the review-workflow errors; `message` is one sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IllegalTransition(WorkflowError):
    """An action that is not allowed in the version's current state."""

    def __init__(self, state: str, action: str) -> None:
        self.state, self.action = state, action
        self.allowed = allowed_actions(state) if state in TRANSITIONS else ()
        if state not in TRANSITIONS:
            message = f"Unknown review state {state!r}; states are: {', '.join(STATES)}."
        elif action not in ACTIONS:
            message = f"Unknown action {action!r}; actions are: {', '.join(ACTIONS)}."
        elif not self.allowed:
            message = f"Cannot {action.replace('_', ' ')} a {state} message: {state} is final; write a new message."
        else:
            hint = " (withdraw it first to edit)" if (state, action) == ("submitted", "edit") else ""
            message = (f"Cannot {action.replace('_', ' ')} a message that is {state.replace('_', ' ')}{hint}; "
                       f"allowed there: {', '.join(self.allowed)}.")
        super().__init__(message)


class FourEyesViolation(WorkflowError):
    """The actor wrote or edited the version they try to approve."""

    def __init__(self, actor: Hashable) -> None:
        self.actor = actor
        super().__init__("You wrote or edited this version, so you cannot approve it (four-eyes rule); "
                         "ask another reviewer.")


class UnwaivedBlockFinding(WorkflowError):
    """The version has block findings without a valid waiver."""

    def __init__(self, unwaived: Collection[FindingKey]) -> None:
        self.unwaived = tuple(sorted(unwaived))
        rules = ", ".join(dict.fromkeys(rule for rule, _ in self.unwaived)) or "unlisted findings"
        count = len(self.unwaived) or "some"
        super().__init__(f"Cannot approve: {count} block finding(s) have no valid waiver ({rules}); change the "
                         "text or grant a waiver with a reason and an expiry date.")


def allowed_actions(state: str) -> tuple[str, ...]:
    """The actions allowed in `state`, in the order of ACTIONS."""
    return tuple(action for action in ACTIONS if action in TRANSITIONS.get(state, {}))


def transition(state: str, action: str, *, actor: Hashable, author_ids: Collection[Hashable],
               has_block_findings: bool, waived_findings: Collection[FindingKey],
               all_block_findings: Collection[FindingKey]) -> str:
    """The state after `action` on a version in `state`; raises when the action is not allowed.

    `author_ids` are everyone who wrote or edited this version; `all_block_findings` the keys of its
    block findings under the current rule set and `waived_findings` the keys with a valid waiver
    (see `valid_waiver_keys`). Raises IllegalTransition, FourEyesViolation or UnwaivedBlockFinding.
    """
    if state not in TRANSITIONS or action not in TRANSITIONS[state]:
        raise IllegalTransition(state, action)
    if action == "approve":
        if actor in set(author_ids):
            raise FourEyesViolation(actor)
        unwaived = set(all_block_findings) - set(waived_findings)
        # A block flagged without its findings listed cannot be checked against waivers: refuse.
        if unwaived or (has_block_findings and not all_block_findings):
            raise UnwaivedBlockFinding(unwaived)
    return TRANSITIONS[state][action]


def text_hash(text: str) -> str:
    """SHA-256 (hex) of a matched text in NFC form, so a waiver names the exact wording it covers."""
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()


def finding_key(rule_id: str, matched_text: str) -> FindingKey:
    """The key of a finding that waivers refer to: (rule id, hash of the matched text)."""
    return rule_id, text_hash(matched_text)


@dataclass(frozen=True)
class Waiver:
    """A reviewer's documented exception for one block finding (rule + matched text) until an expiry date."""

    rule_id: str
    text_hash: str
    reason: str
    expires: date
    granted_by: Hashable

    @property
    def key(self) -> FindingKey:
        """The finding this waiver covers, as in `finding_key`."""
        return self.rule_id, self.text_hash

    def problem(self, today: date, author_ids: Collection[Hashable] = ()) -> str | None:
        """Why the waiver is not valid on `today` (one sentence), or None when it is valid."""
        if len((self.reason or "").strip()) < MIN_WAIVER_REASON:
            return (f"The waiver reason must explain the exception in at least {MIN_WAIVER_REASON} characters "
                    f"(it has {len((self.reason or '').strip())}).")
        expires = self.expires.date() if isinstance(self.expires, datetime) else self.expires
        if not isinstance(expires, date) or expires <= today:
            return f"The waiver expired on {expires}; grant a new one with a future expiry date."
        if self.granted_by in set(author_ids):
            return "The waiver was granted by an author of the message; another reviewer must grant it."
        return None

    def is_valid(self, today: date, author_ids: Collection[Hashable] = ()) -> bool:
        """True when the reason is long enough, the expiry lies after `today`, and no author granted it."""
        return self.problem(today, author_ids) is None


def valid_waiver_keys(waivers: Iterable[Waiver], *, today: date,
                      author_ids: Collection[Hashable] = ()) -> set[FindingKey]:
    """The finding keys covered by a waiver that is valid today (the `waived_findings` of `transition`)."""
    return {waiver.key for waiver in waivers if waiver.is_valid(today, author_ids)}


def _canonical(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    if value is None or isinstance(value, bool | int | float):
        return value
    raise TypeError(f"content field value {value!r} must be text, a number or empty")


def content_hash(version_fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of the content fields (CONTENT_FIELDS; others are ignored).

    Canonical: every content field present (missing → null), keys sorted, no whitespace, UTF-8,
    text in NFC with \\n line ends — so the same visible content always gives the same hash and any
    change to what recipients see gives another.
    """
    canonical = {name: _canonical(version_fields.get(name)) for name in CONTENT_FIELDS}
    payload = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def verdict_worsened(old_verdict: str, new_verdict: str) -> bool:
    """True when re-screening (e.g. after a rule change) gives a stricter verdict: pass < review < block."""
    for verdict in (old_verdict, new_verdict):
        if verdict not in _VERDICT_RANK:
            raise ValueError(f"unknown verdict {verdict!r}; verdicts are: {', '.join(_VERDICT_RANK)}")
    return _VERDICT_RANK[new_verdict] > _VERDICT_RANK[old_verdict]
