"""Campaign and review services: create campaigns with SMART goals, write message versions (screened),
submit, review with four-eyes and waivers, re-screen after rule changes.

Every version is screened with the rules in force and stores its verdict and rule-set version; an
approval binds to the version's content hash. State changes go through `campaigns.workflow` and are
stored with an optimistic lock (see `store.campaigns`).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from campaigns.channels import CHANNELS, check_message
from campaigns.smart import SmartGoal, has_errors, validate_goal
from campaigns.variants import check_splits
from campaigns.workflow import Waiver, content_hash, finding_key, transition, valid_waiver_keys, verdict_worsened
from compliance import Audience, detect_language, screen
from compliance.tuning import ruleset_in_force
from segmentation.service import SegmentableData, segment_mask, segmentable_data
from store import campaigns as campaign_store
from store.authz import Principal, requires, system_principal
from store.segments import get_segment, list_segments

CONTENT_KEYS = ("body", "subject", "title", "preheader")


AGE_COLUMN_NAMES = frozenset({"age", "leeftijd", "alter"})  # en, nl, de
BIRTH_DATE_COLUMN_NAMES = frozenset({"birth_date", "date_of_birth", "geboortedatum", "geburtsdatum"})


class CampaignError(ValueError):
    """A campaign or message request cannot be carried out; the message says what to change."""


def _goal_dict(goal: SmartGoal) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, date) else value
            for key, value in dataclasses.asdict(goal).items()}


@requires("marketer", action="create campaigns")
def create_campaign(engine: Engine, actor: Principal, *, name: str, dataset_id: int, core_message: str,
                    budget: float | None, start: date, end: date, goal: SmartGoal, segment_ids: list[int],
                    today: date | None = None) -> int:
    """Create a campaign for several segments; a goal that is not SMART is refused naming the letters."""
    name = " ".join((name or "").split())
    if not name:
        raise CampaignError("Give the campaign a name.")
    if not (core_message or "").strip():
        raise CampaignError("Write the core brand message all segment messages should carry.")
    if end < start:
        raise CampaignError("The campaign ends before it starts.")
    problems = validate_goal(goal, today=today or date.today())
    if has_errors(problems):
        raise CampaignError("The goal is not SMART yet: " + " ".join(str(p) for p in problems if p.severity == "error"))
    segments = {row["id"]: row for row in list_segments(engine, actor, dataset_id)}
    unknown = [segment_id for segment_id in segment_ids if segment_id not in segments]
    if not segment_ids or unknown:
        raise CampaignError("Choose one or more saved segments of the campaign's dataset.")
    return campaign_store.insert_campaign(
        engine, actor.username, name=name, dataset_id=dataset_id, core_message=core_message.strip(),
        budget=budget, start_date=start, end_date=end, goal=_goal_dict(goal),
        segments={segment_id: dict(segments[segment_id]["marketing"] or {}) for segment_id in segment_ids})


@requires("marketer", action="plan campaigns")
def update_segment_plan(engine: Engine, actor: Principal, campaign_id: int, segment_id: int, *,
                        value_proposition: str = "", product: str = "", price: str = "", place: str = "",
                        promotion: str = "", channels: list[str] | tuple[str, ...] = ()) -> None:
    """The campaign's value proposition, 4P and chosen channels for one target segment.

    Prefilled from the segment profile when the campaign is created; the channels are the marketer's choice
    (``campaigns.channels.suggest_channels`` only advises).
    """
    unknown = [channel for channel in channels if channel not in CHANNELS]
    if unknown:
        raise CampaignError(f"Unknown channel(s) {', '.join(unknown)}; choose from {', '.join(CHANNELS)}.")
    texts = {"value_proposition": value_proposition, "product": product, "price": price, "place": place,
             "promotion": promotion}
    plan = {key: (value or "").strip()[:2000] for key, value in texts.items()}
    plan["channels"] = list(dict.fromkeys(channels))
    campaign_store.update_segment_plan(engine, actor.username, campaign_id, segment_id, plan)


@requires("marketer", action="add messages")
def create_message(engine: Engine, actor: Principal, campaign_id: int, segment_id: int, channel: str, *,
                   variant: str = "A", split: float = 1.0, language: str = "en", purpose: str = "marketing") -> int:
    campaign = campaign_store.read_campaign(engine, campaign_id)
    if segment_id not in campaign["segments"]:
        raise CampaignError("That segment is not a target of this campaign.")
    variant = variant.strip() or "A"
    with campaign_store.write_transaction(engine) as connection, connection.begin():
        siblings = campaign_store.variant_splits(connection, campaign_id, segment_id, channel)
        if variant not in siblings:
            check_splits({**siblings, variant: split})
        return campaign_store.insert_message(connection, actor.username, campaign_id=campaign_id,
                                             segment_id=segment_id, channel=channel, variant=variant,
                                             split=split, language=language, purpose=purpose)


@requires("marketer", action="change a message's intended split")
def set_split(engine: Engine, actor: Principal, message_id: int, split: float) -> None:
    """Change the share of the segment × channel audience this variant goes to (the others keep theirs)."""
    with campaign_store.write_transaction(engine) as connection, connection.begin():
        message = campaign_store.read_message(connection, message_id)
        siblings = campaign_store.variant_splits(connection, message["campaign_id"], message["segment_id"],
                                                 message["channel"])
        check_splits({**siblings, message["variant"]: split})
        campaign_store.update_split(connection, actor.username, message, split)


@requires("marketer", "reviewer", "manager", action="read a segment's audience")
def audience_for_segment(engine: Engine, actor: Principal, segment_id: int,
                         data: SegmentableData | None = None) -> Audience:
    """Who the message goes to, as the screening rules need it (minors, targeting by age or gender).

    The ages are those of the segment's members, not of the whole customer table. ``data`` is the prepared
    dataset when the caller already has it (the editor's cache); otherwise it is read. Only aggregates leave
    this function, so the members are evaluated on the service's own authority (a reviewer may judge a message
    for an audience without being allowed to browse the segment).
    """
    segment = get_segment(engine, actor, segment_id)
    evaluator = system_principal("screening")
    if data is None or data.info["id"] != segment["dataset_id"]:
        data = segmentable_data(engine, evaluator, segment["dataset_id"])
    members = data.frame.loc[segment_mask(engine, evaluator, data, segment_id).to_numpy()]
    age_column = next((column for column in members.columns if str(column).lower() in AGE_COLUMN_NAMES), None)
    ages = (pd.to_numeric(members[age_column], errors="coerce").dropna() if age_column is not None
            else pd.Series(dtype=float))
    used = set(segment["columns_used"])
    return Audience(min_age=int(ages.min()) if len(ages) else None, max_age=int(ages.max()) if len(ages) else None,
                    share_minors=float((ages < 18).mean()) if len(ages) else None,
                    selected_by_age=bool(used & (AGE_COLUMN_NAMES | BIRTH_DATE_COLUMN_NAMES)),
                    selected_by_gender="gender" in used)


def _screening(engine: Engine, actor: Principal, message: dict[str, Any], content: dict[str, Any]):
    ruleset = ruleset_in_force(engine)
    parts = ("subject", "title", "preheader", "body")
    text = "\n".join(str(content.get(key)) for key in parts if content.get(key))
    audience = audience_for_segment(engine, actor, message["segment_id"])
    result = screen(text, ruleset=ruleset, lang=message["language"] or "auto", audience=audience)
    return result, {"verdict": result.verdict, "categories": list(result.categories), "text": text,
                    "findings": [dataclasses.asdict(f) for f in result.findings]}


@requires("marketer", action="write messages")
def save_version(engine: Engine, actor: Principal, message_id: int, *, body: str, subject: str | None = None,
                 title: str | None = None, preheader: str | None = None, expected_lock: int | None = None) -> int:
    """Store an edit as the next version (screened now); approved or sent-back messages return to draft."""
    message = campaign_store.read_message(engine, message_id)
    if expected_lock is not None and expected_lock != message["lock_version"]:
        raise campaign_store.StaleMessage("This message changed since you opened it; reload before saving.")
    if not (body or "").strip():
        raise CampaignError("The message has no text.")
    new_state = transition(message["state"], "edit", actor=actor.username, author_ids=set(),
                           has_block_findings=False, waived_findings=set(), all_block_findings=set())
    content = {"body": body, "subject": subject, "title": title, "preheader": preheader,
               "channel": message["channel"], "language": message["language"], "variant": message["variant"]}
    result, screening = _screening(engine, actor, message, content)
    screening["channel_problems"] = [str(p) for p in check_message(message["channel"], body=body, subject=subject,
                                                                   title=title)]
    with campaign_store.write_transaction(engine) as connection, connection.begin():
        message = campaign_store.read_message(connection, message_id)
        return campaign_store.insert_version(connection, actor.username, message, content=content,
                                             content_hash=content_hash(content), screening=screening,
                                             ruleset_version=result.ruleset_version, new_state=new_state)


def _current_version(connection, message: dict[str, Any]) -> dict[str, Any]:
    versions = campaign_store.read_versions(connection, message["id"])
    if not versions:
        raise CampaignError("Write the message first: there is no version to review.")
    return versions[-1]


def _authors(connection, message: dict[str, Any]) -> set[str]:
    """Who wrote the current version or edited since the last approval (nobody approves their own work).

    The current version's author counts even when that version was approved before: a message sent back to
    review after a rule change is judged again by someone other than its author.
    """
    since = message["approved_version"] or 0
    versions = campaign_store.read_versions(connection, message["id"])
    return {v["author"] for v in versions if v["version"] > since} | ({versions[-1]["author"]} if versions else set())


def _waivers(connection, message: dict[str, Any], version: int) -> list[Waiver]:
    return [Waiver(rule_id=e["details"]["rule_id"], text_hash=e["details"]["text_hash"], reason=e["text"],
                   expires=date.fromisoformat(e["details"]["expires"]), granted_by=e["actor"])
            for e in campaign_store.read_events(connection, message["id"]) if e["kind"] == "waiver"
            and e["version"] == version]


@requires("marketer", action="submit messages for review")
def submit(engine: Engine, actor: Principal, message_id: int, expected_lock: int) -> None:
    with campaign_store.write_transaction(engine) as connection, connection.begin():
        message = campaign_store.read_message(connection, message_id)
        version = _current_version(connection, message)
        new_state = transition(message["state"], "submit", actor=actor.username, author_ids=set(),
                               has_block_findings=False, waived_findings=set(), all_block_findings=set())
        campaign_store.record_transition(connection, actor.username, {**message, "lock_version": expected_lock},
                                         kind="submit", new_state=new_state, content_hash=version["content_hash"],
                                         ruleset_version=version["ruleset_version"])


@requires("marketer", action="withdraw messages from review")
def withdraw(engine: Engine, actor: Principal, message_id: int, expected_lock: int) -> None:
    """Take a submitted message back to draft to change it (before a reviewer decided)."""
    with campaign_store.write_transaction(engine) as connection, connection.begin():
        message = campaign_store.read_message(connection, message_id)
        version = _current_version(connection, message)
        new_state = transition(message["state"], "withdraw", actor=actor.username, author_ids=set(),
                               has_block_findings=False, waived_findings=set(), all_block_findings=set())
        campaign_store.record_transition(connection, actor.username, {**message, "lock_version": expected_lock},
                                         kind="withdraw", new_state=new_state, content_hash=version["content_hash"],
                                         ruleset_version=version["ruleset_version"])


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
    with engine.connect() as connection:
        message = campaign_store.read_message(connection, message_id)
        version = _current_version(connection, message)
        authors = _authors(connection, message)
        waivers = _waivers(connection, message, version["version"])
    result, _ = _screening(engine, actor, message, version["content"])  # judged with the rules in force now
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
        version = _current_version(connection, message)
        problem = waiver.problem(today or date.today(), author_ids=_authors(connection, message))
        if problem:
            raise CampaignError(problem)
        campaign_store.record_note(connection, actor.username, message, kind="waiver", version=version["version"],
                                   content_hash=version["content_hash"], ruleset_version=version["ruleset_version"],
                                   text=waiver.reason, details={"rule_id": key_rule, "text_hash": key_hash,
                                                                "expires": expires.isoformat()})


@requires("marketer", "reviewer", action="comment on messages")
def add_comment(engine: Engine, actor: Principal, message_id: int, text: str) -> None:
    if not (text or "").strip():
        raise CampaignError("The comment is empty.")
    with campaign_store.write_transaction(engine) as connection, connection.begin():
        message = campaign_store.read_message(connection, message_id)
        version = _current_version(connection, message)
        campaign_store.record_note(connection, actor.username, message, kind="comment", version=version["version"],
                                   content_hash=version["content_hash"], ruleset_version=version["ruleset_version"],
                                   text=text.strip()[:5000], details={})


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
    flagged = []
    for message in campaign_store.read_messages(engine, state="approved"):
        if message["needs_rereview"] or (message_ids is not None and message["id"] not in message_ids):
            continue
        with engine.connect() as connection:
            version = _current_version(connection, message)
            events = campaign_store.read_events(connection, message["id"])
            waivers = _waivers(connection, message, version["version"])
        if version["content_hash"] != message["approved_hash"]:
            continue  # edited after approval: not exportable anyway, the next review judges it
        last = _last_judgement(events, version["content_hash"])
        if last is not None and last["ruleset_version"] == in_force and not force:
            continue
        result, _ = _screening(engine, actor, message, version["content"])
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


@requires("marketer", "reviewer", "manager", action="read messages")
def message_detail(engine: Engine, actor: Principal, message_id: int) -> dict[str, Any]:
    message = campaign_store.read_message(engine, message_id)
    return {**message, "versions": campaign_store.read_versions(engine, message_id),
            "events": campaign_store.read_events(engine, message_id)}


def exportable(message: dict[str, Any], versions: list[dict[str, Any]]) -> bool:
    """Only an approved message whose current content is exactly the approved content may be sent."""
    return (message["state"] == "approved" and not message["needs_rereview"] and bool(versions)
            and versions[-1]["content_hash"] == message["approved_hash"])


@requires("marketer", "reviewer", "manager", action="list campaigns")
def list_campaigns(engine: Engine, actor: Principal) -> list[dict[str, Any]]:
    return campaign_store.read_campaigns(engine)


@requires("marketer", "reviewer", "manager", action="list messages")
def list_messages(engine: Engine, actor: Principal, campaign_id: int | None = None,
                  state: str | None = None) -> list[dict[str, Any]]:
    return campaign_store.read_messages(engine, campaign_id, state)


@requires("reviewer", action="review messages")
def review_findings(engine: Engine, actor: Principal, message_id: int,
                    today: date | None = None) -> list[dict[str, Any]]:
    """The current version's block findings under the rules in force, each with the waiver that covers it.

    This is what ``decide`` will judge, so the reviewer sees before clicking which findings still need a
    waiver. Each item: rule_id, category, matched_text, explanation, suggestion, ``waiver`` (reason, expires,
    granted_by — or None) and ``waiver_problem`` (why the actor cannot waive it, or None).
    """
    today = today or date.today()
    with engine.connect() as connection:
        message = campaign_store.read_message(connection, message_id)
        version = _current_version(connection, message)
        authors = _authors(connection, message)
        waivers = _waivers(connection, message, version["version"])
    result, _ = _screening(engine, actor, message, version["content"])
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


__all__ = ["CampaignError", "add_comment", "audience_for_segment", "create_campaign", "create_message", "decide",
           "detect_language", "exportable", "grant_waiver", "list_campaigns", "list_messages", "message_detail",
           "recheck_approved", "rescreen_approved", "review_findings", "save_version", "set_split", "submit",
           "update_segment_plan", "withdraw"]
