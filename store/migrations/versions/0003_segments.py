"""Segments: saved rule and clustered segments with their version history and 4P fields.

Revision ID: 0003_segments
Revises: 0002_privacy
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

from store.schema import UTCDateTime

revision = "0003_segments"
down_revision = "0002_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "segments",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("dataset_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("segmentation_type", sa.String(40), nullable=True),
        sa.Column("definition", sa.JSON, nullable=False),
        sa.Column("columns_used", sa.JSON, nullable=False),
        sa.Column("members_path", sa.String(500), nullable=True),
        sa.Column("member_count", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("marketing", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_segments"),
        sa.ForeignKeyConstraint(["dataset_id"], ["datasets.id"], ondelete="CASCADE",
                                name="fk_segments_dataset_id_datasets"),
        sa.UniqueConstraint("dataset_id", "name", name="uq_segments_dataset_id"),
    )
    op.create_index("ix_segments_dataset_id", "segments", ["dataset_id"])
    op.create_table(
        "segment_versions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("segment_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("definition", sa.JSON, nullable=False),
        sa.Column("member_count", sa.Integer, nullable=False),
        sa.Column("saved_by", sa.String(80), nullable=False),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_segment_versions"),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], ondelete="CASCADE",
                                name="fk_segment_versions_segment_id_segments"),
    )
    op.create_index("ix_segment_versions_segment_id", "segment_versions", ["segment_id"])


def downgrade() -> None:
    op.drop_table("segment_versions")
    op.drop_table("segments")
