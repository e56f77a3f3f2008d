"""Jeeves's data: users, the services the bot offers, and a log of what it did.

SQLAlchemy 2 declarative classes, used through the asyncio extension so a
query never blocks the event loop. The same models run on SQLite (aiosqlite)
and PostgreSQL (psycopg 3); nothing here is specific to either.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    event,
    inspect,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.pool import StaticPool
from werkzeug.security import check_password_hash, generate_password_hash

from .config import private_file


def password_hash_method() -> str:
    """Werkzeug's method (and cost) for new password hashes: scrypt at its default
    cost unless JEEVES_PASSWORD_HASH names another, such as "scrypt:1024:8:1". The
    test suite sets that cheaper scrypt (the advice Django gives for tests): the
    same salted hash for a thirtieth of the work. Checking reads it from the hash."""
    return os.environ.get("JEEVES_PASSWORD_HASH") or "scrypt"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    slack_id: Mapped[str | None] = mapped_column(String(32), unique=True, index=True)
    password_hash: Mapped[str | None] = mapped_column(String(256))
    location: Mapped[str | None] = mapped_column(String(200))
    config: Mapped[dict] = mapped_column(JSON, default=dict)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # --- sign-in state (issue 13b) ---
    # Every login cookie and API token carries this number; logging out or changing
    # the password adds one, so every copy made before stops working at once.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # --- end sign-in state ---

    logs: Mapped[list[Log]] = relationship(back_populates="user")

    def set_password(self, password: str) -> None:
        # A slow, salted hash (scrypt): see ch04_jeeves/password_hash.py for why.
        self.password_hash = generate_password_hash(password, method=password_hash_method())

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email or self.slack_id}>"


class Service(Base):
    """An action the bot offers; a disabled one refuses politely."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    description: Mapped[str] = mapped_column(String(200), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class Log(Base):
    """One handled message: who, which service, what was said, how it went."""

    __tablename__ = "logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Slack's event_id: unique, so one event can never be logged twice.
    event_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    service: Mapped[str] = mapped_column(String(50))
    message: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(20))  # ok, refused, unknown, error, reply_failed
    detail: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship(back_populates="logs")


class SeenEvent(Base):
    """Slack event ids already accepted: Slack retries, we answer once."""

    __tablename__ = "seen_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- delivery: accepted events until they are finished (see jobs.handle_event) ---


class PendingEvent(Base):
    """An accepted Slack event not finished yet: the work to do, then the reply to send.

    Written in the same transaction as its ``SeenEvent``, before Slack gets its
    200, and deleted in the same transaction as its ``Log`` row: whatever dies
    in between, the row is still here to be finished. ``reply`` is the outbox:
    stored just before posting, so a rerun knows the post may have happened.
    """

    __tablename__ = "pending_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    slack_user: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    thread_ts: Mapped[str | None] = mapped_column(Text)
    # Who works on it: a runner holds it until lease_until (seconds since the epoch).
    lease_until: Mapped[float | None] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The outbox: the reply and its Log fields, set when the post is about to happen.
    reply: Mapped[str | None] = mapped_column(Text)
    reply_stored_at: Mapped[float | None] = mapped_column(Float)
    user_id: Mapped[int | None] = mapped_column(Integer)
    service: Mapped[str] = mapped_column(String(50), default="")
    outcome: Mapped[str] = mapped_column(String(20), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class SlackToken(Base):
    """The Slack OAuth token of a user who signed in with Slack (never shown or logged).

    A table of its own rather than a column, so an existing database gains it
    from ``create_all`` without a migration.
    """

    __tablename__ = "slack_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), default="")
    scope: Mapped[str] = mapped_column(Text, default="")
    access_token: Mapped[str] = mapped_column(Text)
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:  # never the token
        return f"<SlackToken user={self.user_id} team={self.team_id}>"


DEFAULT_SERVICES = (
    ("weather", "weather [in] <place>: the weather now"),
    ("location", "config location <place> / get location: remember where you are"),
)


def make_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite") and (":memory:" in url or url.rstrip("/").endswith("sqlite+aiosqlite:")):
        # An in-memory SQLite database lives in one connection: share it.
        return create_async_engine(url, poolclass=StaticPool,
                                   connect_args={"check_same_thread": False})
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database:
            # It holds password hashes and Slack tokens: readable by its owner only.
            private_file(Path(database))
        engine = create_async_engine(url, connect_args={"timeout": 30})
        serialise_sqlite_writes(engine)
        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10)


def serialise_sqlite_writes(engine: AsyncEngine) -> None:
    """SQLite allows one writer: take the write lock when a transaction begins.

    With Python's default (deferred) transactions, two sessions that both read
    and then write deadlock and one fails at once with "database is locked".
    ``BEGIN IMMEDIATE`` makes the second wait (up to ``timeout``) instead.

    The journal is a write-ahead log (WAL) synced at checkpoints, not at every
    commit: a commit costs a write, not three disk flushes (0.1 ms instead of
    about 30 here). A committed transaction survives the process being killed
    (what Jeeves promises), but a power cut may undo the last few; PostgreSQL
    keeps even those.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # kept in the file: a no-op after the first
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def init_db(engine: AsyncEngine) -> None:
    """Create the tables (idempotent) and the default services if they are missing."""
    async with engine.begin() as conn:
        await conn.run_sync(create_tables)
    async with make_sessionmaker(engine)() as session, session.begin():
        existing = set((await session.scalars(select(Service.name))).all())
        session.add_all(Service(name=name, description=desc)
                        for name, desc in DEFAULT_SERVICES if name not in existing)


def create_tables(conn) -> None:
    # Reading the users table's columns costs a dozen catalogue queries on
    # PostgreSQL: only a database made before today's columns needs it.
    older = inspect(conn).has_table("users")
    Base.metadata.create_all(conn)
    if older:
        add_missing_user_columns(conn)


def add_missing_user_columns(conn) -> None:
    """Give a database made by an older Jeeves the user columns added since (issue 13b).

    ``create_all`` makes missing tables, never missing columns; this is the one
    small migration Jeeves needs, so no migration tool is brought in for it.
    """
    have = {column["name"] for column in inspect(conn).get_columns("users")}
    if "session_version" not in have:
        conn.exec_driver_sql(
            "ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0")


async def user_id_for_slack_id(sessions: async_sessionmaker[AsyncSession], slack_id: str) -> int:
    """The id of the user behind a Slack id, created on first contact.

    Two first messages from one person can arrive together: the unique
    constraint lets one insert win, and the other reads the winner's row.
    """
    for _ in range(2):
        async with sessions() as session:
            found = await session.scalar(select(User.id).where(User.slack_id == slack_id))
        if found is not None:
            return found
        try:
            async with sessions.begin() as session:
                user = User(slack_id=slack_id, config={})
                session.add(user)
            return user.id
        except IntegrityError:
            continue
    raise RuntimeError(f"could not create a user for {slack_id}")
