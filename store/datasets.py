"""Stored datasets: a Parquet file under the data folder plus one metadata row each.

A new version (after quality fixes or minimisation) is a new row pointing at its parent; the
original upload stays until someone deletes it. Deleting removes the file and is audited.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, insert, select, update

from store.audit import append_audit
from store.authz import Principal, requires
from store.db import WRITE
from store.schema import campaigns, datasets, segments, utcnow
from store.settings import data_dir

DATASET_FOLDER = "datasets"
DATASET_KINDS = ("customers", "transactions", "consent", "results")


class DatasetError(ValueError):
    """A dataset request cannot be carried out; the message says why."""


def frame_content_hash(frame: pd.DataFrame) -> str:
    """SHA-256 over column names, dtypes and every value (independent of the file format)."""
    digest = hashlib.sha256()
    digest.update("\x1f".join(f"{name}:{dtype}" for name, dtype in frame.dtypes.astype(str).items()).encode())
    if len(frame):
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def _storage_root() -> Path:
    root = data_dir() / DATASET_FOLDER
    root.mkdir(parents=True, exist_ok=True)
    return root


def _write_parquet(frame: pd.DataFrame) -> str:
    relative = f"{DATASET_FOLDER}/{uuid.uuid4().hex}.parquet"
    target = data_dir() / relative
    _storage_root()
    partial = target.with_suffix(".partial")
    frame.to_parquet(partial, index=False)
    os.replace(partial, target)  # a crash mid-write never leaves a half file under the final name
    return relative


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DatasetError("Give the dataset a name.")
    if len(name) > 200:
        raise DatasetError("Dataset names are at most 200 characters.")
    return name


@requires("marketer", action="save datasets")
def save_dataset(engine: Engine, actor: Principal, name: str, frame: pd.DataFrame, *, purpose: str,
                 column_roles: dict[str, Any], kind: str = "customers", purpose_note: str = "",
                 details: dict[str, Any] | None = None, parent_id: int | None = None) -> int:
    """Write ``frame`` as Parquet and record its metadata; returns the new dataset id."""
    name = _clean_name(name)
    if kind not in DATASET_KINDS:
        raise DatasetError(f"kind={kind!r}: expected one of {', '.join(DATASET_KINDS)}")
    content_hash = frame_content_hash(frame)
    relative = _write_parquet(frame)
    try:
        with engine.connect().execution_options(**WRITE) as connection, connection.begin():
            version = 1
            if parent_id is not None:
                parent = connection.execute(select(datasets).where(datasets.c.id == parent_id)).first()
                if parent is None:
                    raise DatasetError(f"No dataset with id {parent_id} to base a new version on.")
                version = parent.version + 1
            now = utcnow()
            dataset_id = connection.execute(insert(datasets).values(
                name=name, owner_id=actor.user_id or None, purpose=purpose, purpose_note=purpose_note,
                kind=kind, parent_id=parent_id, version=version, storage_path=relative,
                column_roles=column_roles, details=details or {}, row_count=len(frame),
                column_count=frame.shape[1], content_hash=content_hash, created_at=now, updated_at=now,
            )).inserted_primary_key[0]
            append_audit(connection, actor.username, "dataset.create", "dataset", dataset_id,
                         {"name": name, "kind": kind, "purpose": purpose, "rows": len(frame),
                          "columns": frame.shape[1], "content_hash": content_hash, "parent_id": parent_id})
    except Exception:
        (data_dir() / relative).unlink(missing_ok=True)
        raise
    return dataset_id


@requires("marketer", "manager", "admin", action="list datasets")
def list_datasets(engine: Engine, actor: Principal, kind: str | None = None) -> list[dict[str, Any]]:
    """Metadata of every dataset (no rows), newest first."""
    query = select(datasets).order_by(datasets.c.id.desc())
    if kind:
        query = query.where(datasets.c.kind == kind)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def _get(engine: Engine, dataset_id: int) -> Any:
    with engine.connect() as connection:
        row = connection.execute(select(datasets).where(datasets.c.id == dataset_id)).first()
    if row is None:
        raise DatasetError(f"No dataset with id {dataset_id}; it may have been deleted.")
    return row


@requires("marketer", "manager", "admin", action="read dataset details")
def get_dataset(engine: Engine, actor: Principal, dataset_id: int) -> dict[str, Any]:
    return dict(_get(engine, dataset_id)._mapping)


@requires("marketer", action="read dataset rows")
def load_dataset(engine: Engine, actor: Principal, dataset_id: int,
                 columns: list[str] | None = None) -> pd.DataFrame:
    """The stored rows of a dataset (optionally only some columns)."""
    row = _get(engine, dataset_id)
    path = data_dir() / row.storage_path
    if not path.exists():
        raise DatasetError(f"The file of dataset '{row.name}' is missing from {path.parent}; restore it "
                           "from a backup or delete the dataset.")
    return pd.read_parquet(path, columns=columns)


@requires("marketer", action="rename datasets")
def rename_dataset(engine: Engine, actor: Principal, dataset_id: int, new_name: str) -> None:
    new_name = _clean_name(new_name)
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        row = connection.execute(select(datasets).where(datasets.c.id == dataset_id)).first()
        if row is None:
            raise DatasetError(f"No dataset with id {dataset_id}.")
        connection.execute(update(datasets).where(datasets.c.id == dataset_id)
                           .values(name=new_name, updated_at=utcnow()))
        append_audit(connection, actor.username, "dataset.rename", "dataset", dataset_id,
                     {"before": row.name, "after": new_name})


@requires("marketer", action="delete datasets")
def delete_dataset(engine: Engine, actor: Principal, dataset_id: int) -> None:
    """Delete a dataset and its file. Refused while newer versions are based on it."""
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        row = connection.execute(select(datasets).where(datasets.c.id == dataset_id)).first()
        if row is None:
            raise DatasetError(f"No dataset with id {dataset_id}.")
        children = connection.execute(select(func.count()).select_from(datasets)
                                      .where(datasets.c.parent_id == dataset_id)).scalar_one()
        if children:
            raise DatasetError(f"'{row.name}' has {children} newer version(s) based on it; delete those first.")
        used_by = connection.execute(
            select(campaigns.c.name).where(campaigns.c.dataset_id == dataset_id)).scalars().all()
        if used_by:
            raise DatasetError(f"'{row.name}' is the audience of campaign(s) {', '.join(sorted(used_by))}; campaigns "
                               "keep their audience data for review and export, so the dataset stays.")
        member_files = [path for (path,) in connection.execute(
            select(segments.c.members_path).where(segments.c.dataset_id == dataset_id)) if path]
        connection.execute(datasets.delete().where(datasets.c.id == dataset_id))  # segments cascade
        append_audit(connection, actor.username, "dataset.delete", "dataset", dataset_id,
                     {"name": row.name, "rows": row.row_count, "content_hash": row.content_hash})
    for relative in [row.storage_path, *member_files]:
        (data_dir() / relative).unlink(missing_ok=True)


@requires("admin", action="rewrite dataset rows")
def replace_dataset_rows(engine: Engine, actor: Principal, dataset_id: int, frame: pd.DataFrame,
                         reason: str) -> None:
    """Replace the stored rows of a dataset in place (erasure); the old file is removed afterwards."""
    row = _get(engine, dataset_id)
    relative = _write_parquet(frame)
    content_hash = frame_content_hash(frame)
    try:
        with engine.connect().execution_options(**WRITE) as connection, connection.begin():
            connection.execute(update(datasets).where(datasets.c.id == dataset_id).values(
                storage_path=relative, row_count=len(frame), column_count=frame.shape[1],
                content_hash=content_hash, updated_at=utcnow()))
            append_audit(connection, actor.username, "dataset.rewrite", "dataset", dataset_id,
                         {"reason": reason, "rows_before": row.row_count, "rows_after": len(frame),
                          "content_hash": content_hash})
    except Exception:
        (data_dir() / relative).unlink(missing_ok=True)
        raise
    (data_dir() / row.storage_path).unlink(missing_ok=True)


def read_dataset_frame(engine: Engine, dataset_id: int, columns: list[str] | None = None) -> pd.DataFrame:
    """Rows of a dataset without a role check: only for services that checked the caller's role themselves."""
    row = _get(engine, dataset_id)
    return pd.read_parquet(data_dir() / row.storage_path, columns=columns)


def all_dataset_rows(engine: Engine) -> list[dict[str, Any]]:
    """Metadata of every dataset, for services that checked the caller's role themselves."""
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(datasets).order_by(datasets.c.id))]


@requires("marketer", "manager", "admin", action="read linked transactions")
def linked_transactions(engine: Engine, actor: Principal, customers_dataset: int) -> dict[str, Any] | None:
    """The transactions imported with a customer table, with the columns that matter resolved by role.

    Returns ``{"info", "customer", "date", "amount"}`` (metadata and column names) or None when the
    customer table has no transactions.
    """
    for info in list_datasets(engine, actor, kind="transactions"):
        if info["details"].get("customers_dataset") == customers_dataset:
            roles = info["column_roles"]
            return {"info": info, "customer": info["details"]["subject_column"],
                    "date": next(c for c, r in roles.items() if r.get("role") == "transaction_date"),
                    "amount": next(c for c, r in roles.items() if r.get("role") == "transaction_amount")}
    return None
