"""Segments on stored datasets: which columns may be used, reach after consent, save and export.

Pages call these; every function checks the caller's role (through the store services it uses or
its own decorator) and enforces the privacy rules: direct identifiers and free text never define a
segment, special categories only with an admin's allowance, and every audience is cut down to the
people `privacy.reachable` allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from privacy.consent import check_channel, check_purpose
from privacy.exports import to_csv_bytes
from privacy.reachable import granted_subjects
from privacy.special_categories import SpecialCategoryAllowance, excluded_columns, usable_columns
from segmentation.rules import RuleSegment
from store.audit import append_audit
from store.authz import Principal, requires
from store.consent import active_allowances, ledger_version
from store.datasets import get_dataset, read_dataset_frame
from store.db import WRITE
from store.policy import effective_setting
from store.segments import get_segment, save_segment, segment_definitions, snapshot_members

REACH_CHANNELS = (("email", "marketing"), ("sms", "marketing"), ("push", "marketing"))


class SegmentationError(ValueError):
    """A segment cannot be built or saved as asked; the message says why."""


@dataclass(frozen=True)
class SegmentableData:
    """A customer dataset prepared for segmenting (rows are shared and must not be modified)."""

    info: dict[str, Any]
    frame: pd.DataFrame
    subject_column: str
    usable: tuple[str, ...]
    excluded: dict[str, str]
    allowed_special: tuple[str, ...]


def _allowances(engine: Engine, dataset_id: int) -> list[SpecialCategoryAllowance]:
    return [SpecialCategoryAllowance(column=row["column_name"], category=row["category"],
                                     legal_basis=row["legal_basis"], reason=row["reason"], granted_by=row["actor"],
                                     granted_at=row["created_at"])
            for row in active_allowances(engine, dataset_id)]


@requires("marketer", "manager", action="segment a dataset")
def segmentable_data(engine: Engine, actor: Principal, dataset_id: int,
                     frame: pd.DataFrame | None = None) -> SegmentableData:
    """The dataset with the columns a segment may use and, for the others, the reason they may not."""
    info = get_dataset(engine, actor, dataset_id)
    if info["kind"] != "customers":
        raise SegmentationError(f"'{info['name']}' is a {info['kind']} table; segments are built on customer tables.")
    frame = read_dataset_frame(engine, dataset_id) if frame is None else frame
    roles = {column: role for column, role in info["column_roles"].items() if column in frame.columns}
    allowances = _allowances(engine, dataset_id)
    usable = [column for column in usable_columns(roles, allowances, "segmentation") if column in frame.columns]
    subject = info["details"].get("subject_column") or next(
        (column for column, role in roles.items() if role.get("role") == "id"), None)
    if subject is None:
        raise SegmentationError(f"'{info['name']}' has no customer id column; import it again with one.")
    usable = [column for column in usable if column != subject]
    allowed_special = tuple(a.column for a in allowances if a.column in usable)
    return SegmentableData(info, frame, subject, tuple(usable), excluded_columns(roles, allowances, "segmentation"),
                           allowed_special)


def reach_matrix(engine: Engine, subjects: pd.Series,
                 pairs: tuple[tuple[str, str], ...] = REACH_CHANNELS) -> pd.DataFrame:
    """One boolean column per (channel, purpose): may this row's subject be contacted now?

    Computed once per ledger version and dataset, it turns every live reach count into a fast AND.
    """
    return pd.DataFrame({f"{channel}/{purpose}": subjects.isin(granted_subjects(engine, channel, purpose)).to_numpy()
                         for channel, purpose in pairs}, index=subjects.index)


def reach_key(engine: Engine) -> int:
    """Changes whenever consent changes: part of the cache key of a reach matrix."""
    return ledger_version(engine)


def check_rule_columns(rule: RuleSegment, data: SegmentableData, resolve: Any) -> list[str]:
    """The columns a rule reads; raises when one is not allowed for segmentation."""
    used = sorted(rule.columns_used(resolve))
    refused = {column: data.excluded.get(column, "not in this dataset") for column in used
               if column not in data.usable}
    if refused:
        reasons = "; ".join(f"'{column}': {reason}" for column, reason in refused.items())
        raise SegmentationError(f"The rule uses columns that may not define a segment — {reasons}.")
    return used


def resolver(engine: Engine, dataset_id: int):
    """Look up the definitions of other saved segments of the dataset by id (for include/exclude)."""
    definitions = segment_definitions(engine, dataset_id)

    def resolve(segment_id: Any) -> dict[str, Any]:
        try:
            definition = definitions[int(segment_id)]
        except (KeyError, TypeError, ValueError):
            raise SegmentationError(f"Segment {segment_id} does not exist in this dataset.") from None
        if "cluster" in definition:
            raise SegmentationError("Clustered segments cannot be referenced inside a rule; use their members "
                                    "on the Segment profile page instead.")
        return definition

    return resolve


@requires("marketer", action="save segments")
def save_rule_segment(engine: Engine, actor: Principal, data: SegmentableData, name: str,
                      definition: dict[str, Any], segmentation_type: str | None = None,
                      segment_id: int | None = None, as_of: date | None = None) -> int:
    """Validate a rule against the privacy rules and the data, then save it (a new version if it exists)."""
    resolve = resolver(engine, data.info["id"])
    rule = RuleSegment(definition, name=name)
    used = check_rule_columns(rule, data, resolve)
    members = int(rule.mask(data.frame, as_of=as_of, resolve_segment=resolve).sum())
    return save_segment(engine, actor, data.info["id"], name, kind="rule", definition=rule.to_dict(),
                        columns_used=used, member_count=members, segmentation_type=segmentation_type,
                        segment_id=segment_id)


@requires("marketer", action="save clustered segments")
def save_cluster_segment(engine: Engine, actor: Principal, data: SegmentableData, name: str, members_mask: pd.Series,
                         features: list[str], parameters: dict[str, Any]) -> int:
    refused = [column for column in features if column not in data.usable]
    if refused:
        raise SegmentationError(f"Features not allowed for segmentation: {', '.join(refused)}.")
    members = data.frame.loc[members_mask.to_numpy(), data.subject_column]
    return save_segment(engine, actor, data.info["id"], name, kind="cluster",
                        definition={"cluster": parameters}, columns_used=features, member_count=len(members),
                        segmentation_type="cluster", members=members)


@requires("marketer", "manager", action="evaluate segments")
def segment_mask(engine: Engine, actor: Principal, data: SegmentableData, segment_id: int,
                 as_of: date | None = None) -> pd.Series:
    """Which rows of the dataset belong to a saved segment (rules re-evaluated, clusters from the snapshot)."""
    info = get_segment(engine, actor, segment_id)
    if info["members_path"]:
        members = snapshot_members(engine, actor, segment_id)
        return data.frame[data.subject_column].isin(members)
    rule = RuleSegment(info["definition"], name=info["name"])
    return rule.mask(data.frame, as_of=as_of, resolve_segment=resolver(engine, data.info["id"]))


@requires("marketer", action="export segment members")
def export_reachable_members(engine: Engine, actor: Principal, data: SegmentableData, segment_id: int,
                             channel: str, purpose: str) -> tuple[bytes, int]:
    """CSV of the pseudonymous ids of members who may be contacted on ``channel`` for ``purpose``."""
    channel, purpose = check_channel(channel), check_purpose(purpose)
    mask = segment_mask(engine, actor, data, segment_id)
    minimum = int(effective_setting(engine, "AMANAH_MIN_SEGMENT_SIZE"))
    if int(mask.sum()) < minimum:
        raise SegmentationError(f"The segment has {int(mask.sum()):,} members, fewer than the minimum of {minimum:,} "
                                "(AMANAH_MIN_SEGMENT_SIZE): so small a group could single people out.")
    subjects = data.frame.loc[mask.to_numpy(), data.subject_column]
    reachable = subjects[subjects.isin(granted_subjects(engine, channel, purpose))].drop_duplicates()
    export = pd.DataFrame({"subject_id": reachable.to_numpy()})
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        append_audit(connection, actor.username, "segment.export", "segment", segment_id,
                     {"channel": channel, "purpose": purpose, "members": int(mask.sum()), "exported": len(export)})
    return to_csv_bytes(export), len(export)
