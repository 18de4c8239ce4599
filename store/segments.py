"""Saved segments: definitions (versioned), membership snapshots of clustered segments, and the 4P."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pandas as pd
from sqlalchemy import Engine, delete, func, insert, select, update

from store.audit import append_audit
from store.authz import Principal, requires
from store.db import WRITE
from store.schema import datasets, segment_versions, segments, utcnow
from store.settings import data_dir

SEGMENT_KINDS = ("rule", "cluster")
MARKETING_FIELDS = ("value_proposition", "product", "price", "place", "promotion", "channels")
MEMBERS_FOLDER = "segments"


class SegmentError(ValueError):
    """A segment request cannot be carried out; the message says why."""


def _write_members(members: pd.Series) -> str:
    relative = f"{MEMBERS_FOLDER}/{uuid.uuid4().hex}.parquet"
    target = data_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    pd.DataFrame({"subject": pd.Series(members, dtype="string").reset_index(drop=True)}).to_parquet(partial)
    os.replace(partial, target)
    return relative


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise SegmentError("Give the segment a name.")
    if len(name) > 200:
        raise SegmentError("Segment names are at most 200 characters.")
    return name


@requires("marketer", action="save segments")
def save_segment(engine: Engine, actor: Principal, dataset_id: int, name: str, *, kind: str,
                 definition: dict[str, Any], columns_used: list[str], member_count: int,
                 segmentation_type: str | None = None, members: pd.Series | None = None,
                 segment_id: int | None = None) -> int:
    """Create a segment, or save a new version of ``segment_id``; returns the segment id."""
    name = _clean_name(name)
    if kind not in SEGMENT_KINDS:
        raise SegmentError(f"kind={kind!r}: expected one of {', '.join(SEGMENT_KINDS)}")
    if kind == "cluster" and members is None:
        raise SegmentError("A clustered segment needs its members (the ids in the cluster).")
    members_path = _write_members(members) if members is not None else None
    now = utcnow()
    try:
        with engine.connect().execution_options(**WRITE) as connection, connection.begin():
            if connection.execute(select(datasets.c.id).where(datasets.c.id == dataset_id)).first() is None:
                raise SegmentError(f"No dataset with id {dataset_id}.")
            clash = connection.execute(select(segments.c.id).where(
                segments.c.dataset_id == dataset_id, func.lower(segments.c.name) == name.lower())).scalar()
            if clash is not None and clash != segment_id:
                raise SegmentError(f"This dataset already has a segment called '{name}'; choose another name.")
            values = dict(name=name, kind=kind, segmentation_type=segmentation_type, definition=definition,
                          columns_used=sorted(set(columns_used)), members_path=members_path,
                          member_count=int(member_count), updated_at=now)
            if segment_id is None:
                segment_id = connection.execute(insert(segments).values(
                    dataset_id=dataset_id, version=1, marketing={}, created_by=actor.username, created_at=now,
                    **values)).inserted_primary_key[0]
                version = 1
            else:
                current = connection.execute(select(segments).where(segments.c.id == segment_id)).first()
                if current is None or current.dataset_id != dataset_id:
                    raise SegmentError(f"No segment with id {segment_id} in this dataset.")
                version = current.version + 1
                connection.execute(update(segments).where(segments.c.id == segment_id).values(version=version,
                                                                                             **values))
            connection.execute(insert(segment_versions).values(
                segment_id=segment_id, version=version, name=name, definition=definition,
                member_count=int(member_count), saved_by=actor.username, saved_at=now))
            append_audit(connection, actor.username, "segment.save", "segment", segment_id,
                         {"dataset_id": dataset_id, "name": name, "kind": kind, "version": version,
                          "members": int(member_count), "columns": sorted(set(columns_used))})
    except Exception:
        if members_path:
            (data_dir() / members_path).unlink(missing_ok=True)
        raise
    return segment_id


@requires("marketer", "reviewer", "manager", action="list segments")
def list_segments(engine: Engine, actor: Principal, dataset_id: int | None = None) -> list[dict[str, Any]]:
    query = select(segments).order_by(segments.c.dataset_id, segments.c.name)
    if dataset_id is not None:
        query = query.where(segments.c.dataset_id == dataset_id)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


@requires("marketer", "reviewer", "manager", action="read segments")
def get_segment(engine: Engine, actor: Principal, segment_id: int) -> dict[str, Any]:
    with engine.connect() as connection:
        row = connection.execute(select(segments).where(segments.c.id == segment_id)).first()
    if row is None:
        raise SegmentError(f"No segment with id {segment_id}; it may have been deleted.")
    return dict(row._mapping)


def segment_definitions(engine: Engine, dataset_id: int) -> dict[int, dict[str, Any]]:
    """Rule definitions of a dataset's segments by id (to resolve 'member of segment N')."""
    with engine.connect() as connection:
        return {row.id: row.definition for row in connection.execute(
            select(segments.c.id, segments.c.definition).where(segments.c.dataset_id == dataset_id))}


@requires("marketer", action="read segment members")
def snapshot_members(engine: Engine, actor: Principal, segment_id: int) -> pd.Series:
    """The stored member ids of a clustered segment."""
    info = get_segment(engine, actor, segment_id)
    if not info["members_path"]:
        raise SegmentError(f"Segment '{info['name']}' is defined by rules; evaluate it on the dataset.")
    return pd.read_parquet(data_dir() / info["members_path"])["subject"]


@requires("marketer", action="edit the value proposition and 4P")
def update_marketing(engine: Engine, actor: Principal, segment_id: int, marketing: dict[str, Any]) -> None:
    unknown = set(marketing) - set(MARKETING_FIELDS)
    if unknown:
        raise SegmentError(f"Unknown field(s) {', '.join(sorted(unknown))}; use {', '.join(MARKETING_FIELDS)}.")
    clean = {key: value.strip()[:2000] if isinstance(value, str) else value for key, value in marketing.items()}
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        connection.execute(update(segments).where(segments.c.id == segment_id).values(marketing=clean,
                                                                                     updated_at=utcnow()))
        append_audit(connection, actor.username, "segment.marketing", "segment", segment_id,
                     {"fields": sorted(clean)})


@requires("marketer", action="delete segments")
def delete_segment(engine: Engine, actor: Principal, segment_id: int) -> None:
    info = get_segment(engine, actor, segment_id)
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        connection.execute(delete(segment_versions).where(segment_versions.c.segment_id == segment_id))
        connection.execute(delete(segments).where(segments.c.id == segment_id))
        append_audit(connection, actor.username, "segment.delete", "segment", segment_id, {"name": info["name"]})
    if info["members_path"]:
        (data_dir() / info["members_path"]).unlink(missing_ok=True)


@requires("marketer", "reviewer", "manager", action="read segment history")
def segment_history(engine: Engine, actor: Principal, segment_id: int) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(
            select(segment_versions).where(segment_versions.c.segment_id == segment_id)
            .order_by(segment_versions.c.version.desc()))]


def columns_used_by_segments(engine: Engine, dataset_id: int) -> set[str]:
    """Every column any saved segment of the dataset uses (for the minimisation report)."""
    with engine.connect() as connection:
        rows = connection.execute(select(segments.c.columns_used).where(segments.c.dataset_id == dataset_id))
        return {column for (used,) in rows for column in (used or [])}
