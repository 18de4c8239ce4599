"""Table definitions (SQLAlchemy Core). Migrations in store/migrations create exactly these."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite hands back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use store.utcnow() or an aware datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(80), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False, default=""),
    Column("email", String(320), nullable=True),
    Column("password_hash", String(255), nullable=True),  # NULL: single-sign-on only
    Column("is_active", Boolean, nullable=False, default=True),
    Column("must_change_password", Boolean, nullable=False, default=False),
    Column("last_login_at", UTCDateTime(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

# Failed sign-ins are counted per (hashed) username, whether or not the account exists, so the
# slow-down and lockout behave identically for real and unknown names and reveal nothing.
login_attempts = Table(
    "login_attempts",
    metadata,
    Column("name_hash", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failed_at", UTCDateTime(), nullable=False),
    Column("locked_until", UTCDateTime(), nullable=True),
)

# A browser that stays signed in across reloads: only the SHA-256 of its random token is stored.
browser_sessions = Table(
    "browser_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("last_seen_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
)

roles = Table(
    "roles",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("description", String(300), nullable=False),
)

user_roles = Table(
    "user_roles",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(40), ForeignKey("roles.name"), primary_key=True),
)

app_settings = Table(
    "app_settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", JSON, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("updated_by", String(80), nullable=False),
)

datasets = Table(
    "datasets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("owner_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("purpose", String(40), nullable=False),
    Column("purpose_note", Text, nullable=False, default=""),
    Column("kind", String(40), nullable=False, default="customers"),
    Column("parent_id", Integer, ForeignKey("datasets.id"), nullable=True),
    Column("version", Integer, nullable=False, default=1),
    Column("storage_path", String(500), nullable=False),
    Column("column_roles", JSON, nullable=False),
    Column("details", JSON, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("column_count", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("storage_path"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    # ISO-8601 UTC text with microseconds: hashed exactly as stored, identical on every backend.
    Column("created_at", String(32), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("action", String(80), nullable=False),
    Column("object_type", String(80), nullable=False),
    Column("object_id", String(200), nullable=False),
    Column("details", Text, nullable=False),  # canonical JSON, hashed as stored
    Column("prev_hash", String(64), nullable=False),
    Column("row_hash", String(64), nullable=False, unique=True),
)

# Consent is an append-only ledger keyed by subject pseudonym: a withdrawal is a new row and the
# latest row per (subject, channel, purpose) is the status in force. Evidence is a reference (file
# name and hash, form id), never personal data. dataset_id is a plain reference, not a foreign key,
# because the ledger outlives the datasets it was imported from.
consent_events = Table(
    "consent_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("subject", String(64), nullable=False, index=True),
    Column("channel", String(20), nullable=False),
    Column("purpose", String(60), nullable=False),
    Column("status", String(20), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("source", String(40), nullable=False),
    Column("evidence", String(500), nullable=False),
    Column("dataset_id", Integer, nullable=True),
    Column("recorded_by", String(80), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

# Grants and revocations of the use of one special-category column of one dataset, append-only;
# the latest row per (dataset, column) is in force.
special_category_allowances = Table(
    "special_category_allowances",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dataset_id", Integer, nullable=False, index=True),
    Column("column_name", String(200), nullable=False),
    Column("category", String(40), nullable=False),
    Column("action", String(10), nullable=False),  # grant | revoke
    Column("legal_basis", String(40), nullable=False),
    Column("reason", Text, nullable=False),
    Column("actor", String(80), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

# Saved segments of a dataset. A rule segment is its JSON definition (re-evaluated on the data, and
# compilable to SQL); a clustered segment also keeps a membership snapshot file, because re-fitting
# a model is neither free nor guaranteed to reproduce labels after the data changes. Every save is a
# new row in segment_versions; the segments row points at the newest.
segments = Table(
    "segments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dataset_id", Integer, ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),  # rule | cluster
    Column("segmentation_type", String(40), nullable=True),
    Column("definition", JSON, nullable=False),
    Column("columns_used", JSON, nullable=False),
    Column("members_path", String(500), nullable=True),
    Column("member_count", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("marketing", JSON, nullable=False),  # value proposition and the 4P
    Column("created_by", String(80), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("dataset_id", "name"),
)

segment_versions = Table(
    "segment_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("segment_id", Integer, ForeignKey("segments.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("definition", JSON, nullable=False),
    Column("member_count", Integer, nullable=False),
    Column("saved_by", String(80), nullable=False),
    Column("saved_at", UTCDateTime(), nullable=False),
)

# An organisation's tuning of the shipped rule packs, one row per saved version (append-only); the
# newest row of a profile is in force. ruleset_version is the hash of the effective rules, which
# every screening result records.
rule_overlays = Table(
    "rule_overlays",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("profile", String(80), nullable=False, index=True),
    Column("overlay", JSON, nullable=False),
    Column("custom_packs", JSON, nullable=False),  # pack name → YAML text imported on the Rules page
    Column("ruleset_version", String(64), nullable=False),
    Column("note", Text, nullable=False),
    Column("actor", String(80), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

# Campaigns, their per-segment messages and the review workflow. A message row holds its current
# state and a lock_version for optimistic concurrency: every state change is
# "UPDATE ... WHERE id = ? AND lock_version = ?", so of two reviewers acting at once exactly one wins.
campaigns = Table(
    "campaigns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("dataset_id", Integer, ForeignKey("datasets.id"), nullable=False),
    Column("core_message", Text, nullable=False),
    Column("budget", Float, nullable=True),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("goal", JSON, nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

campaign_segments = Table(
    "campaign_segments",
    metadata,
    Column("campaign_id", Integer, ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    Column("segment_id", Integer, ForeignKey("segments.id"), primary_key=True),
    Column("marketing", JSON, nullable=False),  # value proposition, 4P and channels for this campaign
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("segment_id", Integer, ForeignKey("segments.id"), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("variant", String(40), nullable=False),
    Column("split", Float, nullable=False),
    Column("language", String(5), nullable=False),
    Column("purpose", String(60), nullable=False),
    Column("state", String(30), nullable=False),
    Column("current_version", Integer, nullable=False),
    Column("approved_version", Integer, nullable=True),
    Column("approved_hash", String(64), nullable=True),
    Column("needs_rereview", Boolean, nullable=False),
    Column("lock_version", Integer, nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("campaign_id", "segment_id", "channel", "variant"),
)

message_versions = Table(
    "message_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("content", JSON, nullable=False),  # body, subject, title, preheader, channel, language, variant
    Column("content_hash", String(64), nullable=False),
    Column("screening", JSON, nullable=False),  # verdict, categories, findings
    Column("ruleset_version", String(64), nullable=False),
    Column("author", String(80), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    UniqueConstraint("message_id", "version"),
)

review_events = Table(
    "review_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    # submit | approve | request_changes | reject | withdraw | comment | waiver | recheck
    Column("kind", String(30), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("ruleset_version", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("details", JSON, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)
