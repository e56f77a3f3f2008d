"""ch04_jeeves.jeeves.models on SQLite and a real PostgreSQL (a fresh database per test)."""

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ch04_jeeves.jeeves.config import async_database_url
from ch04_jeeves.jeeves.models import (
    DEFAULT_SERVICES,
    Log,
    Service,
    User,
    init_db,
    make_engine,
    make_sessionmaker,
    user_id_for_slack_id,
)


@pytest.fixture
async def sessions(db_url):
    engine = make_engine(db_url)
    await init_db(engine)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


async def test_init_db_seeds_the_services_once(db_url, sessions):
    await init_db(sessions.kw["bind"])  # twice: idempotent
    async with sessions() as session:
        names = (await session.scalars(select(Service.name).order_by(Service.name))).all()
    assert names == sorted(name for name, _ in DEFAULT_SERVICES)


async def test_a_user_round_trips_with_json_config_and_a_password_hash(sessions):
    async with sessions.begin() as session:
        user = User(email="ada@example.com", slack_id="U0ADA", location="London",
                    config={"units": "metric", "tags": ["a", "b"]}, is_admin=True)
        user.set_password("correct horse battery")
        session.add(user)
    async with sessions() as session:
        got = await session.scalar(select(User).where(User.email == "ada@example.com"))
    assert got.config == {"units": "metric", "tags": ["a", "b"]}
    assert got.is_admin and got.is_active
    assert got.password_hash.startswith("scrypt:")  # never the password itself
    assert "correct horse" not in got.password_hash
    assert got.check_password("correct horse battery")
    assert not got.check_password("Correct horse battery")


def test_a_user_without_a_password_cannot_log_in():
    assert not User(slack_id="U0X").check_password("")


async def test_emails_and_slack_ids_are_unique(sessions):
    async with sessions.begin() as session:
        session.add(User(email="a@example.com", slack_id="U1", config={}))
    with pytest.raises(IntegrityError):
        async with sessions.begin() as session:
            session.add(User(email="a@example.com", slack_id="U2", config={}))


async def test_one_event_can_be_logged_only_once(sessions):
    async with sessions.begin() as session:
        session.add(Log(event_id="Ev1", service="help", outcome="ok"))
    with pytest.raises(IntegrityError):
        async with sessions.begin() as session:
            session.add(Log(event_id="Ev1", service="help", outcome="ok"))


async def test_logs_point_at_their_user(sessions):
    async with sessions.begin() as session:
        user = User(slack_id="U0LOG", config={})
        session.add(user)
        await session.flush()
        session.add(Log(user_id=user.id, event_id="Ev2", service="weather", outcome="error",
                        message="weather in Atlantis", detail="not found"))
    async with sessions() as session:
        log = await session.scalar(select(Log).where(Log.event_id == "Ev2"))
        user = await session.get(User, log.user_id)
    assert user.slack_id == "U0LOG" and log.created_at is not None


async def test_first_contact_creates_one_user_even_when_messages_race(sessions):
    ids = await asyncio.gather(*(user_id_for_slack_id(sessions, "U0RACE") for _ in range(10)))
    assert len(set(ids)) == 1
    async with sessions() as session:
        count = await session.scalar(select(func.count()).select_from(User))
    assert count == 1


@pytest.mark.parametrize("plain, driver", [
    ("postgresql://u:p@/db?host=/tmp/x", "postgresql+psycopg://u:p@/db?host=/tmp/x"),
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///jeeves.db", "sqlite+aiosqlite:///jeeves.db"),
    ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
])
def test_plain_urls_get_an_async_driver(plain, driver):
    assert async_database_url(plain) == driver


async def test_init_db_gives_an_older_users_table_its_new_column(db_url):
    """A database made before issue 13b has no users.session_version: init_db adds it."""
    engine = make_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.exec_driver_sql(
                "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(254) UNIQUE,"
                " slack_id VARCHAR(32) UNIQUE, password_hash VARCHAR(256),"
                " location VARCHAR(200), config JSON, is_active BOOLEAN, is_admin BOOLEAN)")
            await conn.exec_driver_sql(
                "INSERT INTO users (id, email, config, is_active, is_admin)"
                " VALUES (1, 'old@example.com', '{}', TRUE, FALSE)")
        await init_db(engine)
        async with make_sessionmaker(engine)() as session:
            user = await session.get(User, 1)
        assert (user.email, user.session_version) == ("old@example.com", 0)
    finally:
        await engine.dispose()
