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
from sqlalchemy import Connection, Engine

from campaigns.channels import CHANNELS, check_message
from campaigns.smart import SmartGoal, has_errors, validate_goal
from campaigns.variants import check_splits
from campaigns.workflow import content_hash, transition
from compliance import Audience, ScreeningResult, detect_language, screen
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
                         data: SegmentableData | None = None, mask: pd.Series | None = None) -> Audience:
    """Who the message goes to, as the screening rules need it (minors, targeting by age or gender).

    The ages are those of the segment's members, not of the whole customer table. ``data`` is the prepared
    dataset when the caller already has it (the editor's cache), and ``mask`` the segment's membership over it
    when already evaluated; otherwise they are read and evaluated here. Only aggregates leave
    this function, so the members are evaluated on the service's own authority (a reviewer may judge a message
    for an audience without being allowed to browse the segment).
    """
    segment = get_segment(engine, actor, segment_id)
    evaluator = system_principal("screening")
    if data is None or data.info["id"] != segment["dataset_id"]:
        data, mask = segmentable_data(engine, evaluator, segment["dataset_id"]), None
    if mask is None:
        mask = segment_mask(engine, evaluator, data, segment_id)
    members = data.frame.loc[mask.to_numpy()]
    age_column = next((column for column in members.columns if str(column).lower() in AGE_COLUMN_NAMES), None)
    ages = (pd.to_numeric(members[age_column], errors="coerce").dropna() if age_column is not None
            else pd.Series(dtype=float))
    used = set(segment["columns_used"])
    return Audience(min_age=int(ages.min()) if len(ages) else None, max_age=int(ages.max()) if len(ages) else None,
                    share_minors=float((ages < 18).mean()) if len(ages) else None,
                    selected_by_age=bool(used & (AGE_COLUMN_NAMES | BIRTH_DATE_COLUMN_NAMES)),
                    selected_by_gender="gender" in used)


@requires("marketer", "reviewer", action="screen messages")
def screen_message(engine: Engine, actor: Principal, message: dict[str, Any],
                   content: dict[str, Any]) -> tuple[ScreeningResult, dict[str, Any]]:
    """Screen a version's content with the rules in force for the message's segment audience.

    Returns the result and its stored form (verdict, categories, the screened text, the findings).
    """
    ruleset = ruleset_in_force(engine)
    text = "\n".join(str(content.get(key)) for key in CONTENT_KEYS if content.get(key))
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
    result, screening = screen_message(engine, actor, message, content)
    screening["channel_problems"] = [str(p) for p in check_message(message["channel"], body=body, subject=subject,
                                                                   title=title)]
    with campaign_store.write_transaction(engine) as connection, connection.begin():
        message = campaign_store.read_message(connection, message_id)
        return campaign_store.insert_version(connection, actor.username, message, content=content,
                                             content_hash=content_hash(content), screening=screening,
                                             ruleset_version=result.ruleset_version, new_state=new_state)


def current_version(connection: Connection, message: dict[str, Any]) -> dict[str, Any]:
    """The newest version of a message (the one a reviewer judges); refuses a message without text yet."""
    versions = campaign_store.read_versions(connection, message["id"])
    if not versions:
        raise CampaignError("Write the message first: there is no version to review.")
    return versions[-1]


def _move_current_version(engine: Engine, actor: Principal, message_id: int, expected_lock: int, action: str) -> None:
    """An author's state change of the current version (submit, withdraw), guarded by the lock version."""
    with campaign_store.write_transaction(engine) as connection, connection.begin():
        message = campaign_store.read_message(connection, message_id)
        version = current_version(connection, message)
        new_state = transition(message["state"], action, actor=actor.username, author_ids=set(),
                               has_block_findings=False, waived_findings=set(), all_block_findings=set())
        campaign_store.record_transition(connection, actor.username, {**message, "lock_version": expected_lock},
                                         kind=action, new_state=new_state, content_hash=version["content_hash"],
                                         ruleset_version=version["ruleset_version"])


@requires("marketer", action="submit messages for review")
def submit(engine: Engine, actor: Principal, message_id: int, expected_lock: int) -> None:
    """Send the current version to the review queue."""
    _move_current_version(engine, actor, message_id, expected_lock, "submit")


@requires("marketer", action="withdraw messages from review")
def withdraw(engine: Engine, actor: Principal, message_id: int, expected_lock: int) -> None:
    """Take a submitted message back to draft to change it (before a reviewer decided)."""
    _move_current_version(engine, actor, message_id, expected_lock, "withdraw")


@requires("marketer", "reviewer", action="comment on messages")
def add_comment(engine: Engine, actor: Principal, message_id: int, text: str) -> None:
    if not (text or "").strip():
        raise CampaignError("The comment is empty.")
    with campaign_store.write_transaction(engine) as connection, connection.begin():
        message = campaign_store.read_message(connection, message_id)
        version = current_version(connection, message)
        campaign_store.record_note(connection, actor.username, message, kind="comment", version=version["version"],
                                   content_hash=version["content_hash"], ruleset_version=version["ruleset_version"],
                                   text=text.strip()[:5000], details={})


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


__all__ = ["CampaignError", "add_comment", "audience_for_segment", "create_campaign", "create_message",
           "current_version", "detect_language", "exportable", "list_campaigns", "list_messages", "message_detail",
           "save_version", "screen_message", "set_split", "submit", "update_segment_plan", "withdraw"]
