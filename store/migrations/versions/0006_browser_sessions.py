"""Browser sessions: a browser stays signed in across reloads with a revocable random token.

Revision ID: 0006_browser_sessions
Revises: 0005_campaigns
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from store.schema import UTCDateTime

revision = "0006_browser_sessions"
down_revision = "0005_campaigns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "browser_sessions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_browser_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_browser_sessions_token_hash"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_browser_sessions_user_id_users",
                                ondelete="CASCADE"),
    )
    op.create_index("ix_browser_sessions_user_id", "browser_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_table("browser_sessions")
