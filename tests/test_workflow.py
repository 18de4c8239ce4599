"""Review state machine, four-eyes, waivers, content hash, verdict changes and the line diff."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from campaigns.content import line_diff
from campaigns.workflow import (
    ACTIONS,
    STATES,
    FourEyesViolation,
    IllegalTransition,
    UnwaivedBlockFinding,
    Waiver,
    content_hash,
    finding_key,
    text_hash,
    transition,
    valid_waiver_keys,
    verdict_worsened,
)

TODAY = date(2026, 3, 1)
REASON = "Educational article about the history of riba, no offer made."

# Written out independently of campaigns.workflow.TRANSITIONS, so a wrong table there fails here.
LEGAL = {
    ("draft", "edit"): "draft",
    ("draft", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "request_changes"): "changes_requested",
    ("submitted", "reject"): "rejected",
    ("submitted", "withdraw"): "draft",
    ("changes_requested", "edit"): "draft",
    ("approved", "edit"): "draft",
    ("approved", "recheck"): "submitted",
}
ALL_PAIRS = list(itertools.product(STATES, ACTIONS))


def _move(state, action, *, actor="reviewer", authors=("author",), block=(), waived=(), has_block=None):
    return transition(state, action, actor=actor, author_ids=set(authors),
                      has_block_findings=bool(block) if has_block is None else has_block,
                      waived_findings=set(waived), all_block_findings=set(block))


def test_the_state_and_action_lists_are_the_documented_ones():
    assert set(STATES) == {"draft", "submitted", "approved", "changes_requested", "rejected"}
    assert set(ACTIONS) == {"edit", "submit", "approve", "request_changes", "reject", "withdraw", "recheck"}


@pytest.mark.parametrize(("state", "action"), [pair for pair in ALL_PAIRS if pair in LEGAL])
def test_legal_transitions(state, action):
    assert _move(state, action) == LEGAL[(state, action)]


@pytest.mark.parametrize(("state", "action"), [pair for pair in ALL_PAIRS if pair not in LEGAL])
def test_illegal_transitions_name_state_action_and_allowed_actions(state, action):
    with pytest.raises(IllegalTransition) as caught:
        _move(state, action)
    error = caught.value
    allowed = sorted(a for (s, a) in LEGAL if s == state)
    assert (error.state, error.action, sorted(error.allowed)) == (state, action, allowed)
    message = str(error)
    assert action.replace("_", " ") in message and state.replace("_", " ") in message
    for name in allowed:
        assert name in message
    if not allowed:
        assert "final" in message


def test_the_exhaustive_table_covers_every_pair():
    legal = sum(1 for pair in ALL_PAIRS if pair in LEGAL)
    assert (legal, len(ALL_PAIRS) - legal) == (9, 26)


@pytest.mark.parametrize(("state", "action", "expected"), [
    ("archived", "edit", "Unknown review state 'archived'"),
    ("draft", "publish", "Unknown action 'publish'"),
])
def test_unknown_states_and_actions_are_illegal(state, action, expected):
    with pytest.raises(IllegalTransition, match=expected):
        _move(state, action)


def test_editing_a_submitted_version_says_to_withdraw_first():
    with pytest.raises(IllegalTransition, match="withdraw it first"):
        _move("submitted", "edit")


def test_a_full_review_round_trip():
    state = "draft"
    for action in ("submit", "request_changes", "edit", "submit", "approve", "edit"):
        state = _move(state, action)
    assert state == "draft"


@pytest.mark.parametrize("authors", [{"reviewer"}, {"author", "reviewer"}])
def test_four_eyes_nobody_approves_a_version_they_wrote_or_edited(authors):
    with pytest.raises(FourEyesViolation, match="four-eyes"):
        _move("submitted", "approve", actor="reviewer", authors=authors)


def test_an_author_may_still_withdraw_and_another_reviewer_may_approve():
    assert _move("submitted", "withdraw", actor="author") == "draft"
    assert _move("submitted", "approve", actor="other", authors={"author", "editor"}) == "approved"


def test_four_eyes_is_checked_before_findings():
    key = finding_key("gambling.casino", "casino")
    with pytest.raises(FourEyesViolation):
        _move("submitted", "approve", actor="author", block={key})


@pytest.mark.parametrize(("block", "waived", "approved"), [
    (set(), set(), True),
    ({("gambling.casino", "h1")}, {("gambling.casino", "h1")}, True),
    ({("gambling.casino", "h1"), ("riba.interest", "h2")}, {("gambling.casino", "h1")}, False),
    ({("gambling.casino", "h1")}, {("gambling.casino", "other-text")}, False),
    ({("gambling.casino", "h1")}, set(), False),
])
def test_block_findings_need_a_waiver_each(block, waived, approved):
    if approved:
        assert _move("submitted", "approve", block=block, waived=waived) == "approved"
    else:
        with pytest.raises(UnwaivedBlockFinding) as caught:
            _move("submitted", "approve", block=block, waived=waived)
        assert set(caught.value.unwaived) == block - waived
        assert "riba.interest" in str(caught.value) or "gambling.casino" in str(caught.value)


def test_a_block_flag_without_listed_findings_is_refused():
    with pytest.raises(UnwaivedBlockFinding, match="unlisted findings"):
        _move("submitted", "approve", block=(), has_block=True)


def test_block_findings_do_not_stop_requesting_changes_or_rejecting():
    key = ("gambling.casino", "h1")
    assert _move("submitted", "request_changes", block={key}) == "changes_requested"
    assert _move("submitted", "reject", block={key}) == "rejected"


def _waiver(reason=REASON, expires=TODAY + timedelta(days=30), granted_by="reviewer", text="casino"):
    return Waiver("gambling.casino", text_hash(text), reason, expires, granted_by)


@pytest.mark.parametrize(("waiver", "valid", "problem"), [
    (_waiver(), True, None),
    (_waiver(reason="ok, fine"), False, "at least 20 characters (it has 8)"),
    (_waiver(reason="   " + "x" * 19 + "   "), False, "at least 20 characters (it has 19)"),
    (_waiver(reason="x" * 20), True, None),
    (_waiver(expires=TODAY), False, "expired on 2026-03-01"),
    (_waiver(expires=TODAY - timedelta(days=1)), False, "expired on 2026-02-28"),
    (_waiver(expires=TODAY + timedelta(days=1)), True, None),
    (_waiver(granted_by="author"), False, "granted by an author"),
])
def test_waiver_validity(waiver, valid, problem):
    assert waiver.is_valid(TODAY, author_ids={"author"}) is valid
    found = waiver.problem(TODAY, author_ids={"author"})
    assert (found is None) if problem is None else (problem in found)


def test_only_valid_waivers_count_and_they_bind_to_the_matched_text():
    waivers = [_waiver(), _waiver(text="c4sino", expires=TODAY), _waiver(text="roulette", reason="short")]
    keys = valid_waiver_keys(waivers, today=TODAY, author_ids={"author"})
    assert keys == {finding_key("gambling.casino", "casino")}
    assert finding_key("gambling.casino", "casino") != finding_key("gambling.casino", "Casino")
    findings = {finding_key("gambling.casino", "casino"), finding_key("gambling.casino", "c4sino")}
    with pytest.raises(UnwaivedBlockFinding):
        _move("submitted", "approve", block=findings, waived=keys)


def test_waivers_are_frozen():
    with pytest.raises(AttributeError):
        _waiver().reason = "changed"  # type: ignore[misc]


BASE = {"body": "Salaam!\nOur offer", "subject": "Hello", "title": None, "channel": "email", "language": "en",
        "variant": "A"}


def test_content_hash_is_sha256_hex_and_stable():
    digest = content_hash(BASE)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert content_hash(dict(reversed(list(BASE.items())))) == digest
    assert content_hash({**BASE, "id": 7, "created_at": "2026-01-01"}) == digest  # not content
    assert content_hash({**BASE, "body": "Salaam!\r\nOur offer"}) == digest  # line ends
    assert content_hash({**BASE, "body": "Salaam!\nOur offer", "subject": "Hello"}) == digest


@pytest.mark.parametrize(("field", "value"), [
    ("body", "Salaam!\nOur offer!"), ("subject", "Hello "), ("title", "Hi"), ("channel", "sms"),
    ("language", "nl"), ("variant", "B"), ("preheader", "Read more"),
])
def test_every_content_field_changes_the_hash(field, value):
    assert content_hash({**BASE, field: value}) != content_hash(BASE)


def test_content_hash_treats_composed_and_decomposed_accents_alike():
    assert content_hash({**BASE, "body": "café"}) == content_hash({**BASE, "body": "cafe\u0301"})


def test_content_hash_refuses_values_that_are_not_content():
    with pytest.raises(TypeError, match="must be text"):
        content_hash({**BASE, "body": ["list"]})


@pytest.mark.parametrize(("old", "new", "worse"), [
    ("pass", "review", True), ("pass", "block", True), ("review", "block", True),
    ("pass", "pass", False), ("review", "review", False), ("block", "block", False),
    ("block", "review", False), ("review", "pass", False), ("block", "pass", False),
])
def test_verdict_worsened(old, new, worse):
    assert verdict_worsened(old, new) is worse


def test_verdict_worsened_refuses_unknown_verdicts():
    with pytest.raises(ValueError, match="unknown verdict 'fail'"):
        verdict_worsened("pass", "fail")


@pytest.mark.parametrize(("old", "new", "rows"), [
    ("a\nb\nc", "a\nb\nc", [("equal", "a", "a"), ("equal", "b", "b"), ("equal", "c", "c")]),
    ("a\nb\nc", "a\nB\nc", [("equal", "a", "a"), ("replace", "b", "B"), ("equal", "c", "c")]),
    ("a\nb\nc", "a\nc", [("equal", "a", "a"), ("delete", "b", None), ("equal", "c", "c")]),
    ("a\nc", "a\nb\nc", [("equal", "a", "a"), ("insert", None, "b"), ("equal", "c", "c")]),
    ("a\nb\nc", "a\nX\nY\nZ", [("equal", "a", "a"), ("replace", "b", "X"), ("replace", "c", "Y"),
                               ("insert", None, "Z")]),
    ("", "new", [("insert", None, "new")]),
    ("old\r\n", "", [("delete", "old", None)]),
])
def test_line_diff(old, new, rows):
    assert line_diff(old, new) == rows


@pytest.mark.parametrize("text, matched, replacement, expected", [
    ("Only 2 left! Guaranteed warm quality.", "Only 2 left", "", "Guaranteed warm quality."),
    ("Warm coats. Only 2 left! Order now.", "Only 2 left", "", "Warm coats. Order now."),
    ("Hurry: offer ends in 02:59:59 today", "offer ends in 02:59:59", "Offer ends on <end date>",
     "Hurry: Offer ends on <end date> today"),
    ("Nothing to fix here", "absent", "", "Nothing to fix here"),
])
def test_apply_replacement(text, matched, replacement, expected):
    from campaigns.content import apply_replacement

    assert apply_replacement(text, matched, replacement) == expected
