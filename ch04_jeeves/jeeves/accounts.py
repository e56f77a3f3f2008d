"""Accounts: one way to read an e-mail address, and one way to check a password.

Every path that takes an address (the ``create-user`` command, the forms, the
API) goes through ``check_email``, so ``Ada@Example.com`` typed anywhere is
stored and looked up as ``ada@example.com``. ``authenticate`` runs the slow
password hash whether or not the address is known: an unknown address takes as
long as a wrong password, so timing does not reveal who has an account.
"""

from __future__ import annotations

import asyncio
import functools
import re
import secrets

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from werkzeug.security import check_password_hash, generate_password_hash

from .models import Log, SlackToken, User, password_hash_method

EMAIL_MAX = 254  # RFC 5321's limit on a forward path
MIN_PASSWORD = 10
# A plain shape check: one @, a dot in the domain, no spaces and none of the
# characters that only appear in quoted or display-name forms (<, >, quotes...).
EMAIL_SHAPE = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+\.[^@\s<>()\[\],;:\"\\.]+")
EMAIL_MESSAGE = "Enter an email address."


class BadEmail(ValueError):
    """Not an address Jeeves accepts; the message is safe to show."""


class NotText(ValueError):
    """Credentials that are not valid Unicode text (a lone surrogate from JSON's ``\\ud800``)."""


def normalise_email(raw: str) -> str:
    """Trimmed and lowercased: Jeeves treats ``Ada@X.org`` and ``ada@x.org`` as one person."""
    return raw.strip().lower()


def check_email(raw: str) -> str:
    """The normalised address, or BadEmail saying why not."""
    email = normalise_email(raw)
    if not is_text(email) or len(email) > EMAIL_MAX or not EMAIL_SHAPE.fullmatch(email):
        raise BadEmail(EMAIL_MESSAGE)
    return email


def is_text(*values: str) -> bool:
    """True if every value can be encoded as UTF-8 (and so hashed, stored, compared)."""
    try:
        for value in values:
            value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@functools.cache
def dummy_hash() -> str:
    """A hash of a random password, made once, with the same method as real ones."""
    return generate_password_hash(secrets.token_urlsafe(16), method=password_hash_method())


def password_matches(stored: str | None, password: str) -> bool:
    # No stored hash (an account made by Slack, never given a password): still pay
    # for one hash, so such accounts answer as slowly as the others.
    return check_password_hash(stored or dummy_hash(), password) and bool(stored)


async def find_by_email(session: AsyncSession, email: str) -> User | None:
    # lower() also finds rows stored before every path normalised (older databases).
    return await session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


async def authenticate(sessions: async_sessionmaker[AsyncSession], email: str,
                       password: str) -> User | None:
    """The active user with this address and password, or None; as slow either way.

    Raises NotText before looking anything up, for a known or an unknown address alike.
    """
    if not is_text(email, password):
        raise NotText("email and password must be valid Unicode text")
    async with sessions() as session:
        user = await find_by_email(session, email)
    # The hash takes ~100 ms of CPU: in a thread, so other requests are served meanwhile.
    ok = await asyncio.to_thread(password_matches, user.password_hash if user else None, password)
    return user if ok and user.is_active else None


async def revoke_sessions(sessions: async_sessionmaker[AsyncSession], user_id: int) -> None:
    """Sign this user out everywhere: every cookie and API token carries the old version."""
    async with sessions.begin() as session:
        await session.execute(update(User).where(User.id == user_id)
                              .values(session_version=User.session_version + 1))


def made_by_slack(user: User) -> bool:
    """A row Jeeves made on someone's first Slack message: no address, no password."""
    return user.email is None and user.password_hash is None and not user.is_admin


async def fold_into(session: AsyncSession, source: User, target: User) -> None:
    """Move a Slack-made user into ``target`` (their logs, their location), then delete it.

    Someone who talked to the bot before linking Slack to their account has such a
    row holding their Slack id; linking folds it in rather than refusing.
    """
    await session.execute(update(Log).where(Log.user_id == source.id).values(user_id=target.id))
    target.location = target.location or source.location
    target.config = {**(source.config or {}), **(target.config or {})}
    link = await session.get(SlackToken, source.id)
    if link is not None:
        await session.delete(link)
    await session.delete(source)
    await session.flush()  # the Slack id is free before the target takes it
