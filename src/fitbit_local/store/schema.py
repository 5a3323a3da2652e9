"""The tables, as SQLAlchemy Core metadata. Alembic migrations (store/migrations) create them; a test checks that
the migrated database matches this metadata on SQLite and PostgreSQL.

Secrets, codes and tokens are stored as SHA-256 hashes only (anchors §4.8 K2).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
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

# --- issue 12: the rest of the account (activity logs, goals, favorites, alarms, friends, profile settings) ---------

# Activity logs: manual ones created through the API (logType "manual") and exercises the tracker detected
# (logType "auto_detected"). `day` and `start_time` are the user's local date and wall-clock time.
activity_logs = Table(
    "activity_logs",
    metadata,
    Column("log_id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("day", String(10), nullable=False),
    Column("start_time", String(8), nullable=False),  # HH:MM:SS, local
    Column("duration_ms", Integer, nullable=False),
    Column("activity_id", Integer, nullable=True),  # the catalogue's id; NULL for a custom-named activity
    Column("activity_name", String(200), nullable=False),
    Column("calories", Integer, nullable=False),
    Column("distance_km", Float, nullable=True),
    Column("steps", Integer, nullable=True),
    Column("log_type", String(16), nullable=False),  # manual | auto_detected
    Column("manual_calories", Boolean, nullable=False, default=False),
    Column("manual_distance", Boolean, nullable=False, default=False),
    Column("created_at", Float, nullable=False),
)
Index("ix_activity_logs_user_day", activity_logs.c.user_id, activity_logs.c.day)

# Activity goals the user set (daily or weekly, one value per goal type); an unset type has Fitbit's default.
activity_goals = Table(
    "activity_goals",
    metadata,
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("period", String(8), primary_key=True),  # daily | weekly
    Column("goal_type", String(24), primary_key=True),
    Column("value", Float, nullable=False),
)

favorite_activities = Table(
    "favorite_activities",
    metadata,
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("activity_id", Integer, primary_key=True, autoincrement=False),
    Column("created_at", Float, nullable=False),
)

tracker_alarms = Table(
    "tracker_alarms",
    metadata,
    Column("alarm_id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("tracker_id", String(16), nullable=False),
    Column("time", String(16), nullable=False),  # HH:mm with the UTC offset, as sent (07:15-08:00)
    Column("enabled", Boolean, nullable=False),
    Column("recurring", Boolean, nullable=False),
    Column("week_days", Text, nullable=False),  # comma-separated MONDAY,…
    Column("snooze_length", Integer, nullable=False),
    Column("snooze_count", Integer, nullable=False),
    Column("label", String(200), nullable=True),
    Column("vibe", String(16), nullable=False),
)
Index("ix_tracker_alarms_user", tracker_alarms.c.user_id, tracker_alarms.c.tracker_id)

# Paired trackers and scales as an import found them (Takeout `Paired Devices/`). A user without rows has the one
# tracker api/devices.py derives from their data.
devices = Table(
    "devices",
    metadata,
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("device_id", String(32), primary_key=True),
    Column("type", String(8), nullable=False),  # TRACKER | SCALE
    Column("device_version", String(64), nullable=False),  # the product name: "Charge 2"
    Column("last_sync_time", String(23), nullable=True),  # local wall time, 2019-11-07T12:00:58.000
    Column("battery", String(8), nullable=True),  # High | Medium | Low | Empty
    Column("battery_level", Integer, nullable=True),
    Column("mac", String(32), nullable=False),
)

# Friendships between users of this server: an invitation (status "invited") until the invitee accepts it.
friendships = Table(
    "friendships",
    metadata,
    Column("inviter_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("invitee_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("status", String(8), nullable=False),  # invited | accepted
    Column("created_at", Float, nullable=False),
)

# Profile settings beyond the users table's columns (aboutMe, city, stride lengths, unit settings, …): one row per
# field the user set; an unset field has its default.
profile_settings = Table(
    "profile_settings",
    metadata,
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)
# --- Issue 13: subscriptions and webhooks (store/subscriptions.py, notify/) --------------------------------------

# An app's subscriber endpoints (dev.fitbit.com "Subscriber" settings): one row per (app, subscriber id). The app's
# client secret is kept sealed (AES-GCM) for signing notifications, given when the subscriber is added.
subscribers = Table(
    "subscribers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(6), ForeignKey("apps.client_id", ondelete="CASCADE"), nullable=False),
    Column("subscriber_id", String(50), nullable=False),
    Column("url", Text, nullable=False),
    Column("verification_code", String(64), nullable=False),
    Column("signing_secret", LargeBinary, nullable=False),
    Column("is_default", Boolean, nullable=False, default=False),
    Column("verified_at", Float, nullable=True),  # NULL: not verified, no notifications
    Column("verification", Text, nullable=True),  # JSON: the last verification's two GETs and their answers
    Column(
        "failing_since", Float, nullable=True
    ),  # first failed delivery with no success since (sandbox clock)
    Column("disabled_at", Float, nullable=True),  # failing for days, as Fitbit disabled subscribers
    Column("created_at", Float, nullable=False),
    UniqueConstraint("client_id", "subscriber_id", name="uq_subscribers_client_subscriber"),
)

# (app, subscriber, user, collection) streams with the app's subscription id; collection "" = all collections.
subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(6), ForeignKey("apps.client_id", ondelete="CASCADE"), nullable=False),
    Column("subscriber_id", String(50), nullable=False),
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("collection", String(32), nullable=False),
    Column("subscription_id", String(50), nullable=False),
    Column("from_change_id", Integer, nullable=False),  # changes up to this id predate the subscription
    Column("created_at", Float, nullable=False),
    UniqueConstraint("client_id", "subscription_id", name="uq_subscriptions_client_id"),
    UniqueConstraint("client_id", "subscriber_id", "user_id", "collection", name="uq_subscriptions_stream"),
)
Index("ix_subscriptions_user", subscriptions.c.user_id)

# How far the notifier has read the changes table (one row, id 1).
notify_cursor = Table(
    "notify_cursor",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("last_change_id", Integer, nullable=False),
)

# The delivery queue: one signed POST (a JSON array of notifications) to one subscriber.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subscriber_pk", Integer, ForeignKey("subscribers.id", ondelete="CASCADE"), nullable=False),
    Column("body", Text, nullable=False),
    Column("entries", Integer, nullable=False),
    Column("changed_at", Float, nullable=False),  # the earliest change it reports (sandbox clock)
    Column("status", String(10), nullable=False),  # pending | delivered
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", Float, nullable=False),
    Column("next_attempt_at", Float, nullable=False),  # sandbox clock
    Column("claimed_until", Float, nullable=True),  # wall clock: a worker's lease on it
    Column("claim_token", String(32), nullable=True),
    Column("delivered_at", Float, nullable=True),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
)
Index("ix_deliveries_due", deliveries.c.status, deliveries.c.next_attempt_at)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", Integer, ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False),
    Column("attempted_at", Float, nullable=False),  # sandbox clock
    Column("duration_ms", Float, nullable=False),
    Column("status_code", Integer, nullable=True),  # NULL: no answer (refused, timed out)
    Column("error", Text, nullable=True),
    Column("replay", Boolean, nullable=False, default=False),
)
Index("ix_delivery_attempts_delivery", delivery_attempts.c.delivery_id)
# --- issue 15: the console --------------------------------------------------------------------------------------
# What dev.fitbit.com's "Register an app" form asked for beyond what the OAuth server needs (store/apps.py).
app_details = Table(
    "app_details",
    metadata,
    Column("client_id", String(6), ForeignKey("apps.client_id", ondelete="CASCADE"), primary_key=True),
    Column("description", Text, nullable=False, default=""),
    Column("website", Text, nullable=False, default=""),
    Column("organization", String(200), nullable=False, default=""),
    Column("organization_website", Text, nullable=False, default=""),
    Column("terms_url", Text, nullable=False, default=""),
    Column("privacy_url", Text, nullable=False, default=""),
)

# The most recent API and OAuth requests (a ring of FITBIT_LOCAL_REQUEST_LOG_SIZE rows; store/request_log.py).
request_log = Table(
    "request_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("recorded_at", Float, nullable=False),  # sandbox clock
    Column("client_id", String(6), nullable=True),
    Column("user_id", String(6), nullable=True),
    Column("method", String(8), nullable=False),
    Column("path", Text, nullable=False),  # with the query string
    Column("status", Integer, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column("rate_remaining", Integer, nullable=True),  # Fitbit-Rate-Limit-Remaining of the response
    Column("explanation", Text, nullable=True),  # X-Fitbit-Local-Explanation of a refusal
)
# --- Issue 11: body and nutrition -----------------------------------------------------------------------------------

# Weight and body-fat logs. ``log_id`` is the log's local date and time as milliseconds since 1970 (Fitbit's weight
# and fat logIds were such timestamps [DOC examples]), so one user has one log of a kind per second: a second log at
# the same second replaces the first. Weight in kilograms, fat in percent, BMI as computed when logged.
body_logs = Table(
    "body_logs",
    metadata,
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(8), primary_key=True),  # weight | fat
    Column("log_id", BigInteger, primary_key=True),
    Column("day", String(10), nullable=False),
    Column("time", String(8), nullable=False),  # HH:MM:SS
    Column("value", Float, nullable=False),
    Column("bmi", Float, nullable=True),
    Column("source", String(16), nullable=False),  # API | Aria | AriaAir | Withings | Web
)
Index("ix_body_logs_user_kind_day", body_logs.c.user_id, body_logs.c.kind, body_logs.c.day)

# Body goals: at most one row per user. Weights in kilograms.
body_goals = Table(
    "body_goals",
    metadata,
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("weight_kg", Float, nullable=True),
    Column("start_weight_kg", Float, nullable=True),
    Column("start_date", String(10), nullable=True),
    Column("fat", Float, nullable=True),
)

# Food logs. ``food_id`` is a food of the shipped database (data/foods.json) or of custom_foods; NULL for a quick
# log by name and calories. The nutritional values are those of the logged amount, fixed when logged.
food_logs = Table(
    "food_logs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the logId
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("day", String(10), nullable=False),
    Column("logged_at", Float, nullable=False),  # sandbox clock: the order of recent foods
    Column("food_id", BigInteger, nullable=True),
    Column("name", String(200), nullable=False),
    Column("brand", String(200), nullable=False),
    Column("meal_type_id", Integer, nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("amount", Float, nullable=False),
    Column("nutrition", Text, nullable=False),  # JSON {calories, carbs, fat, fiber, protein, sodium}
)
Index("ix_food_logs_user_day", food_logs.c.user_id, food_logs.c.day)

water_logs = Table(
    "water_logs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the logId
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("day", String(10), nullable=False),
    Column("amount_ml", Float, nullable=False),
)
Index("ix_water_logs_user_day", water_logs.c.user_id, water_logs.c.day)

# A user's private foods (Create Food). Ids continue above the shipped database's.
custom_foods = Table(
    "custom_foods",
    metadata,
    Column("food_id", BigInteger, primary_key=True),
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("data", Text, nullable=False),  # JSON: the food as the database holds one
)

favorite_foods = Table(
    "favorite_foods",
    metadata,
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("food_id", BigInteger, primary_key=True),
)

# Food and water goals: at most one row per user; NULL columns are not set (defaults apply).
nutrition_goals = Table(
    "nutrition_goals",
    metadata,
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("calories", Integer, nullable=True),
    Column("intensity", String(16), nullable=True),
    Column("personalized", Boolean, nullable=True),
    Column("water_ml", Float, nullable=True),
    Column("water_start_date", String(10), nullable=True),
)

# Meals: a named set of foods with amounts a user logs together.
meals = Table(
    "meals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", String(500), nullable=False),
    Column("foods", Text, nullable=False),  # JSON [{foodId, amount, unitId}]
)
Index("ix_meals_user", meals.c.user_id)
# --- issue 10: sleep and the health metrics -------------------------------------------------------------------------

# Sleep logs of every source (synthetic, manual, later Takeout): one row per log. `levels` holds one character per
# minute from `start`: for a stages log '1' wake, '2' light, '3' deep, '4' rem (the SLEEP_* codes); for a classic log
# '1' asleep, '2' restless, '3' awake (the v1 minuteData values). Everything a response shows is derived from it.
sleep_logs = Table(
    "sleep_logs",
    metadata,
    Column("log_id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("date_of_sleep", String(10), nullable=False),  # the user-local date the sleep ended on
    Column("start", String(19), nullable=False),  # user-local yyyy-MM-ddTHH:mm:ss
    Column("log_kind", String(8), nullable=False),  # stages | classic
    Column("log_type", String(16), nullable=False),  # auto_detected | manual
    Column("is_main_sleep", Boolean, nullable=False),
    Column("source", String(16), nullable=False),  # synthetic | manual | takeout
    Column("levels", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)
Index("ix_sleep_logs_user_date", sleep_logs.c.user_id, sleep_logs.c.date_of_sleep)

sleep_goals = Table(
    "sleep_goals",
    metadata,
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("min_duration", Integer, nullable=False),
    Column("updated_at", Float, nullable=False),  # sandbox clock
)

# Per-night and per-day health metrics (hrv, spo2, br, skin_temp, core_temp, cardio, ecg, irn): the JSON of one
# record, keyed by the user-local date Fitbit files it under.
health_metrics = Table(
    "health_metrics",
    metadata,
    Column("user_id", String(6), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("metric", String(16), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("source", String(16), nullable=False),  # synthetic | manual | takeout
    Column("data", Text, nullable=False),
)

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
