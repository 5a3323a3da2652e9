"""The tables, as SQLAlchemy Core metadata. Alembic migrations (store/migrations) create them; a test checks that
the migrated database matches this metadata on SQLite and PostgreSQL.

Secrets, codes and tokens are stored as SHA-256 hashes only (anchors §4.8 K2).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", String(6), primary_key=True),  # Fitbit's encoded user id
    Column("name", String(200), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("locale", String(10), nullable=False),
    Column("birth_date", String(10), nullable=False),
    Column("sex", String(8), nullable=False),  # MALE | FEMALE | NA
    Column("height_cm", Float, nullable=False),
    Column("weight_kg", Float, nullable=False),
    Column("member_since", String(10), nullable=False),
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("synthetic_seed", Integer, nullable=True),
    Column("created_at", Float, nullable=False),
    # NULL for a user in use. While a creation with history is unfinished, the JSON of that job: every reader skips
    # the user, and a rerun of the creation resumes or replaces it (store/users.py, sources/load.py).
    Column("creation_job", Text, nullable=True),
)

# A user's time zones over time: the zone in effect from `effective_from` (a local date) on.
user_timezones = Table(
    "user_timezones",
    metadata,
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("effective_from", String(10), primary_key=True),
    Column("timezone", String(64), nullable=False),
)

apps = Table(
    "apps",
    metadata,
    Column("client_id", String(6), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("secret_hash", String(64), nullable=False),
    Column("app_type", String(8), nullable=False),  # server | client | personal
    Column("redirect_uris", Text, nullable=False),  # JSON list, exact-match
    Column("owner_user_id", String(6), ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("read_only", Boolean, nullable=False, default=False),
    Column("intraday", Boolean, nullable=False, default=False),
    # Bumped when the access mode changes: tokens of an older generation are invalid [DOC application-design].
    Column("access_generation", Integer, nullable=False, default=0),
    Column("created_at", Float, nullable=False),
)

# The user's consent to an app; one per (app, user). Revoking deletes it and, with it, every token.
grants = Table(
    "grants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(6), ForeignKey("apps.client_id", ondelete="CASCADE"), nullable=False),
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("scopes", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("client_id", "user_id", name="uq_grants_client_user"),
)

authorization_codes = Table(
    "authorization_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("client_id", String(6), ForeignKey("apps.client_id", ondelete="CASCADE"), nullable=False),
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("redirect_uri", Text, nullable=True),  # as sent on /authorize (NULL when it was omitted)
    Column("scopes", Text, nullable=False),
    Column("code_challenge", String(128), nullable=True),
    Column("code_challenge_method", String(8), nullable=True),
    Column("expires_at", Float, nullable=False),
    Column("used_at", Float, nullable=True),
    Column("created_at", Float, nullable=False),
)

access_tokens = Table(
    "access_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("grant_id", Integer, ForeignKey("grants.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(6), nullable=False),
    Column("user_id", String(6), nullable=False),
    Column("scopes", Text, nullable=False),
    # The app as it was when the token was issued: type and intraday changes apply to new tokens only.
    Column("app_type", String(8), nullable=False),
    Column("intraday", Boolean, nullable=False),
    Column("access_generation", Integer, nullable=False),
    Column("refresh_hash", String(64), nullable=True),  # the refresh token issued in the same response
    Column("issued_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("first_used_at", Float, nullable=True),
)
Index("ix_access_tokens_grant", access_tokens.c.grant_id)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("grant_id", Integer, ForeignKey("grants.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(6), nullable=False),
    Column("user_id", String(6), nullable=False),
    Column("scopes", Text, nullable=False),
    Column("status", String(8), nullable=False),  # active | rotating | rotated
    Column("issued_at", Float, nullable=False),
    Column("rotated_at", Float, nullable=True),
    # While `rotating`: when the in-flight refresh's claim runs out, on the wall clock (not the sandbox clock, so a
    # claim left by a crash can be taken over while the sandbox clock is frozen).
    Column("lease_until", Float, nullable=True),
    # The response of the refresh that rotated this token, sealed with a key derived from this token itself, so
    # an identical retry can get the same pair back while the database never holds a usable token [DOC
    # best-practices: identical refresh requests get the same response until a new token is used].
    Column("replay_sealed", LargeBinary, nullable=True),
    Column("replay_until", Float, nullable=True),
    Column("child_hash", String(64), nullable=True),
)
Index("ix_refresh_tokens_grant", refresh_tokens.c.grant_id)

# Sandbox state shared by every worker and the CLI: the clock and a change counter for in-process caches.
sandbox_state = Table(
    "sandbox_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("clock_offset", Float, nullable=False, default=0.0),  # seconds added to the real time
    Column("clock_frozen_at", Float, nullable=True),  # when set, "now" is this instant
    Column("epoch", Integer, nullable=False, default=0),
    Column("signing_key", String(64), nullable=False),  # HS256 key of the Fitbit-shaped JWT access tokens
)

faults = Table(
    "faults",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("error_key", String(64), nullable=False),
    Column("client_id", String(6), nullable=True),
    Column("user_id", String(6), nullable=True),
    Column("path_prefix", Text, nullable=True),
    Column("remaining", Integer, nullable=True),  # NULL = until cleared
    Column("created_at", Float, nullable=False),
)

rate_counters = Table(
    "rate_counters",
    metadata,
    Column("client_id", String(6), primary_key=True),
    Column("user_id", String(6), primary_key=True),
    Column("window_start", Integer, primary_key=True),  # epoch seconds of the top of the hour
    Column("count", Integer, nullable=False),
)

# One compressed array per (user, series, local day): see physiology/day.py for the series.
series_days = Table(
    "series_days",
    metadata,
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("series", String(16), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

# The derived (or imported) daily values, so time series over years never decompress arrays.
daily_summaries = Table(
    "daily_summaries",
    metadata,
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("source", String(16), nullable=False),  # synthetic | takeout | manual
    Column("data", Text, nullable=False),  # JSON of physiology.summaries.DailySummary
)

# What each write changed, in commit order (store/changes.py): the source of cache invalidation and, later, of
# subscription notifications.
changes = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(6), nullable=True),
    Column("client_id", String(6), nullable=True),
    Column("collection", String(32), nullable=False),
    Column("day", String(10), nullable=True),  # the user-local date the change concerns
    Column("kind", String(8), nullable=False),  # created | updated | deleted
    Column("recorded_at", Float, nullable=False),  # sandbox clock
)
Index("ix_changes_user_day", changes.c.user_id, changes.c.day)

# Issue 14 — Takeout import: one row per (user, export) import, so a killed import resumes where it stopped and a
# finished one is recognised when the same export is imported again (sources/takeout/jobs.py).
import_jobs = Table(
    "import_jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("fingerprint", String(64), nullable=False),  # sha256 of the export's classified paths and sizes
    Column("state", Text, nullable=False),  # JSON: the last local day stored, the report so far
    Column("finished", Boolean, nullable=False, default=False),
    Column("updated_at", Float, nullable=False),
    UniqueConstraint("user_id", "fingerprint", name="uq_import_jobs_user_fingerprint"),
)
