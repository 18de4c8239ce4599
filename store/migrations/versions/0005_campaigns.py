"""Campaigns, per-segment messages with versions, and the review events (append-only).

Revision ID: 0005_campaigns
Revises: 0004_rule_overlays
Create Date: 2026-11-25
"""

import importlib

import sqlalchemy as sa
from alembic import op

from store.schema import UTCDateTime

revision = "0005_campaigns"
down_revision = "0004_rule_overlays"
branch_labels = None
depends_on = None

_make_append_only = importlib.import_module("store.migrations.versions.0001_foundation")._make_append_only


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("dataset_id", sa.Integer, nullable=False),
        sa.Column("core_message", sa.Text, nullable=False),
        sa.Column("budget", sa.Float, nullable=True),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("goal", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_campaigns"),
        sa.ForeignKeyConstraint(["dataset_id"], ["datasets.id"], name="fk_campaigns_dataset_id_datasets"),
        sa.UniqueConstraint("name", name="uq_campaigns_name"),
    )
    op.create_table(
        "campaign_segments",
        sa.Column("campaign_id", sa.Integer, nullable=False),
        sa.Column("segment_id", sa.Integer, nullable=False),
        sa.Column("marketing", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "segment_id", name="pk_campaign_segments"),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], ondelete="CASCADE",
                                name="fk_campaign_segments_campaign_id_campaigns"),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], name="fk_campaign_segments_segment_id_segments"),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("campaign_id", sa.Integer, nullable=False),
        sa.Column("segment_id", sa.Integer, nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("variant", sa.String(40), nullable=False),
        sa.Column("split", sa.Float, nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("purpose", sa.String(60), nullable=False),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("current_version", sa.Integer, nullable=False),
        sa.Column("approved_version", sa.Integer, nullable=True),
        sa.Column("approved_hash", sa.String(64), nullable=True),
        sa.Column("needs_rereview", sa.Boolean, nullable=False),
        sa.Column("lock_version", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_messages"),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], ondelete="CASCADE",
                                name="fk_messages_campaign_id_campaigns"),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], name="fk_messages_segment_id_segments"),
        sa.UniqueConstraint("campaign_id", "segment_id", "channel", "variant", name="uq_messages_campaign_id"),
    )
    op.create_index("ix_messages_campaign_id", "messages", ["campaign_id"])
    op.create_table(
        "message_versions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("message_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content", sa.JSON, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("screening", sa.JSON, nullable=False),
        sa.Column("ruleset_version", sa.String(64), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_message_versions"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE",
                                name="fk_message_versions_message_id_messages"),
        sa.UniqueConstraint("message_id", "version", name="uq_message_versions_message_id"),
    )
    op.create_index("ix_message_versions_message_id", "message_versions", ["message_id"])
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("message_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("ruleset_version", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_events"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE",
                                name="fk_review_events_message_id_messages"),
    )
    op.create_index("ix_review_events_message_id", "review_events", ["message_id"])


def downgrade() -> None:
    for table in ("review_events", "message_versions", "messages", "campaign_segments", "campaigns"):
        op.drop_table(table)
