"""Review decisions on message versions: approve / send back / reject, waivers, and re-checks of approvals.

An approval binds to a version's content hash and the rule-set version it was judged under. Re-checks judge
approvals again when the rules change and at every export; one that no longer holds goes back to review.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine

from campaigns.service import CampaignError, current_version, screen_message
from campaigns.workflow import Waiver, finding_key, transition, valid_waiver_keys, verdict_worsened
from compliance.tuning import ruleset_in_force
from store import campaigns as campaign_store
from store.authz import Principal, requires


def _authors(connection: Connection, message: dict[str, Any]) -> set[str]:
    """Who wrote the current version or edited since the last approval (nobody approves their own work).

    The current version's author counts even when that version was approved before: a message sent back to
    review after a rule change is judged again by someone other than its author.
    """
    since = message["approved_version"] or 0
    versions = campaign_store.read_versions(connection, message["id"])
    return {v["author"] for v in versions if v["version"] > since} | ({versions[-1]["author"]} if versions else set())


def _waivers(events: list[dict[str, Any]], version: int) -> list[Waiver]:
    """The waivers granted for one version, from the message's review events."""
    return [Waiver(rule_id=e["details"]["rule_id"], text_hash=e["details"]["text_hash"], reason=e["text"],
                   expires=date.fromisoformat(e["details"]["expires"]), granted_by=e["actor"])
            for e in events if e["kind"] == "waiver" and e["version"] == version]


def _judge_current_version(engine: Engine, actor: Principal, message_id: int):
    """The message, its current version, its authors, the version's waivers and its screening now."""
    with engine.connect() as connection:
        message = campaign_store.read_message(connection, message_id)
        version = current_version(connection, message)
        authors = _authors(connection, message)
        waivers = _waivers(campaign_store.read_events(connection, message["id"]), version["version"])
    result, _ = screen_message(engine, actor, message, version["content"])  # judged with the rules in force now
    return message, version, authors, waivers, result


@requires("reviewer", action="review messages")
def decide(engine: Engine, actor: Principal, message_id: int, action: str, expected_lock: int, comment: str = "",
           today: date | None = None) -> str:
    """Approve, request changes or reject the current version; exactly one of two simultaneous decisions lands."""
    if action not in ("approve", "request_changes", "reject"):
        raise CampaignError("Choose approve, request changes or reject.")
    if action != "approve" and len(comment.strip()) < 5:
        raise CampaignError("Say what needs to change (a comment of a few words) when sending a message back.")
    today = today or date.today()
    # Read and screen first (a second connection inside the write transaction would wait on SQLite's
    # lock); the lock_version check at write time makes sure nothing changed in between.
    message, version, authors, waivers, result = _judge_current_version(engine, actor, message_id)
    blocks = {finding_key(f.rule_id, f.matched_text) for f in result.findings if f.severity == "block"}
    waived = valid_waiver_keys(waivers, today=today, author_ids=authors)
    new_state = transition(message["state"], action, actor=actor.username, author_ids=authors,
                           has_block_findings=bool(blocks), waived_findings=waived, all_block_findings=blocks)
    with campaign_store.write_transaction(engine) as connection, connection.begin():
        campaign_store.record_transition(
            connection, actor.username, {**message, "lock_version": expected_lock}, kind=action, new_state=new_state,
            content_hash=version["content_hash"], ruleset_version=result.ruleset_version, text=comment.strip(),
            details={"verdict": result.verdict, "waived": len(blocks & waived)}, approved=action == "approve")
    return new_state


@requires("reviewer", action="grant waivers")
def grant_waiver(engine: Engine, actor: Principal, message_id: int, rule_id: str, matched_text: str, reason: str,
                 expires: date, today: date | None = None) -> None:
    """Allow one block finding of the current version, with a reason and an expiry (four-eyes applies)."""
    key_rule, key_hash = finding_key(rule_id, matched_text)
    waiver = Waiver(rule_id=key_rule, text_hash=key_hash, reason=reason.strip(), expires=expires,
                    granted_by=actor.username)
    with campaign_store.write_transaction(engine) as connection, connection.begin():
        message = campaign_store.read_message(connection, message_id)
        version = current_version(connection, message)
        problem = waiver.problem(today or date.today(), author_ids=_authors(connection, message))
        if problem:
            raise CampaignError(problem)
        campaign_store.record_note(connection, actor.username, message, kind="waiver", version=version["version"],
                                   content_hash=version["content_hash"], ruleset_version=version["ruleset_version"],
                                   text=waiver.reason, details={"rule_id": key_rule, "text_hash": key_hash,
                                                                "expires": expires.isoformat()})


def _last_judgement(events: list[dict[str, Any]], content: str) -> dict[str, Any] | None:
    """The latest approval or re-check of the approved content (its rule-set version and verdict)."""
    judged = [e for e in events if e["kind"] in ("approve", "recheck") and e["content_hash"] == content]
    return judged[-1] if judged else None


@requires("marketer", "reviewer", action="re-check approved messages")
def recheck_approved(engine: Engine, actor: Principal, message_ids: list[int] | None = None, *,
                     force: bool = False, today: date | None = None) -> list[int]:
    """Judge approved messages again under the rules in force; flag for re-review those that no longer hold.

    An approval no longer holds when the verdict got worse than at the last judgement, or when a block finding
    is not covered by a waiver valid ``today`` (a new rule matched, or a waiver expired). Messages already
    judged under the rule-set in force are skipped unless ``force`` (export always forces: waivers expire).
    Every re-check is an append-only review event and an audit row. Returns the ids flagged now.
    """
    today = today or date.today()
    in_force = ruleset_in_force(engine).version
    candidates = [message for message in campaign_store.read_messages(engine, state="approved")
                  if not message["needs_rereview"] and (message_ids is None or message["id"] in message_ids)]
    # One query for every candidate's events: with nothing to re-check (the common case on a page load) that
    # is all the work done.
    events_of = campaign_store.read_events_of(engine, [message["id"] for message in candidates])
    flagged = []
    for message in candidates:
        events = events_of.get(message["id"], [])
        last = _last_judgement(events, message["approved_hash"])
        if last is not None and last["ruleset_version"] == in_force and not force:
            continue
        with engine.connect() as connection:
            version = current_version(connection, message)
        if version["content_hash"] != message["approved_hash"]:
            continue  # edited after approval: not exportable anyway, the next review judges it
        waivers = _waivers(events, version["version"])
        result, _ = screen_message(engine, actor, message, version["content"])
        before = (last or {}).get("details", {}).get("verdict") or version["screening"]["verdict"]
        blocks = {finding_key(f.rule_id, f.matched_text) for f in result.findings if f.severity == "block"}
        unwaived = blocks - valid_waiver_keys(waivers, today=today)
        flag = verdict_worsened(before, result.verdict) or bool(unwaived)
        new_state = transition(message["state"], "recheck", actor=actor.username, author_ids=(),
                               has_block_findings=False, waived_findings=(), all_block_findings=())
        try:
            campaign_store.record_recheck(
                engine, actor.username, message, version=version, ruleset_version=result.ruleset_version,
                details={"verdict": result.verdict, "before": before, "unwaived_blocks": len(unwaived)}, flag=flag,
                new_state=new_state if flag else message["state"])
        except campaign_store.StaleMessage:
            continue  # changed meanwhile: whoever changed it starts a new review
        if flag:
            flagged.append(message["id"])
    return flagged


@requires("reviewer", action="re-screen approved messages")
def rescreen_approved(engine: Engine, actor: Principal) -> list[int]:
    """Screen every approved message with the rules in force; flag those whose verdict got worse."""
    return recheck_approved(engine, actor, force=True)


@requires("reviewer", action="review messages")
def review_findings(engine: Engine, actor: Principal, message_id: int,
                    today: date | None = None) -> list[dict[str, Any]]:
    """The current version's block findings under the rules in force, each with the waiver that covers it.

    This is what ``decide`` will judge, so the reviewer sees before clicking which findings still need a
    waiver. Each item: rule_id, category, matched_text, explanation, suggestion, ``waiver`` (reason, expires,
    granted_by — or None) and ``waiver_problem`` (why the actor cannot waive it, or None).
    """
    today = today or date.today()
    _, _, authors, waivers, result = _judge_current_version(engine, actor, message_id)
    valid = {waiver.key: waiver for waiver in waivers if waiver.is_valid(today, authors)}
    own_work = actor.username in authors
    findings = []
    for finding in result.findings:
        if finding.severity != "block":
            continue
        waiver = valid.get(finding_key(finding.rule_id, finding.matched_text))
        findings.append({
            "rule_id": finding.rule_id, "category": finding.category, "matched_text": finding.matched_text,
            "explanation": finding.explanation, "suggestion": finding.suggestion,
            "waiver": None if waiver is None else {"reason": waiver.reason, "expires": waiver.expires,
                                                   "granted_by": waiver.granted_by},
            "waiver_problem": "You wrote or edited this version: another reviewer must grant the waiver."
            if own_work else None})
    return findings


__all__ = ["decide", "grant_waiver", "recheck_approved", "rescreen_approved", "review_findings"]
