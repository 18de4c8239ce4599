"""Rule overlays: versioned, append-only tuning of the compliance rule packs.

Revision ID: 0004_rule_overlays
Revises: 0003_segments
Create Date: 2026-11-24
"""

import importlib

import sqlalchemy as sa
from alembic import op

from store.schema import UTCDateTime

revision = "0004_rule_overlays"
down_revision = "0003_segments"
branch_labels = None
depends_on = None

_make_append_only = importlib.import_module("store.migrations.versions.0001_foundation")._make_append_only


def upgrade() -> None:
    op.create_table(
        "rule_overlays",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("profile", sa.String(80), nullable=False),
        sa.Column("overlay", sa.JSON, nullable=False),
        sa.Column("custom_packs", sa.JSON, nullable=False),
        sa.Column("ruleset_version", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rule_overlays"),
    )
    op.create_index("ix_rule_overlays_profile", "rule_overlays", ["profile"])
    _make_append_only("rule_overlays")


def downgrade() -> None:
    op.drop_table("rule_overlays")
