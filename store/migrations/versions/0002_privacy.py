"""Privacy: the append-only consent ledger and special-category allowances.

Revision ID: 0002_privacy
Revises: 0001_foundation
Create Date: 2026-11-24
"""

import importlib

import sqlalchemy as sa
from alembic import op

from store.schema import UTCDateTime

revision = "0002_privacy"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

_make_append_only = importlib.import_module("store.migrations.versions.0001_foundation")._make_append_only


def upgrade() -> None:
    op.create_table(
        "consent_events",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("purpose", sa.String(60), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("evidence", sa.String(500), nullable=False),
        sa.Column("dataset_id", sa.Integer, nullable=True),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_consent_events"),
    )
    op.create_index("ix_consent_events_subject", "consent_events", ["subject"])
    _make_append_only("consent_events")
    op.create_table(
        "special_category_allowances",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("dataset_id", sa.Integer, nullable=False),
        sa.Column("column_name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("legal_basis", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_special_category_allowances"),
    )
    op.create_index("ix_special_category_allowances_dataset_id", "special_category_allowances", ["dataset_id"])
    _make_append_only("special_category_allowances")


def downgrade() -> None:
    op.drop_table("special_category_allowances")
    op.drop_table("consent_events")
