"""Jeeves's settings: read once from the environment, checked at start-up.

Outside development mode a missing secret stops Jeeves before it serves, with
a message naming every missing variable. In development mode (``jeeves serve
--dev`` or ``JEEVES_DEV=1``) the signing secret and bot token are generated
once, stored in the instance folder, and Jeeves says so.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_SLACK_API_URL = "https://slack.com/api/"  # the Web API base slack_sdk uses
DEFAULT_WEATHER_API_URL = "https://api.open-meteo.com/"
DEFAULT_GEOCODING_API_URL = "https://geocoding-api.open-meteo.com/"
DEFAULT_PORT = 8300
REQUIRED = ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN")
# The instance folder sits next to the package, as Flask and Quart place it.
DEFAULT_INSTANCE_PATH = Path(__file__).resolve().parent.parent / "instance"


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    signing_secret: str
    bot_token: str
    database_url: str
    slack_api_url: str = DEFAULT_SLACK_API_URL
    weather_api_url: str = DEFAULT_WEATHER_API_URL
    geocoding_api_url: str = DEFAULT_GEOCODING_API_URL
    weather_timeout: float = 5.0
    port: int = DEFAULT_PORT
    dev: bool = False
    instance_path: Path = DEFAULT_INSTANCE_PATH
    # The web pages (jeeves/web): signs the login cookie and the session ("" = a random
    # key per process, so logins end at a restart), and "Sign in with Slack" (OAuth v2).
    secret_key: str = ""
    slack_client_id: str = ""
    slack_client_secret: str = ""
    slack_oauth_authorize_url: str = ""  # "" = <SLACK_API_URL's host>/oauth/v2/authorize
    # What development mode did for you, to be printed at start-up.
    notices: tuple[str, ...] = field(default=())

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)


def truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def async_database_url(url: str) -> str:
    """Give a plain database URL the async driver SQLAlchemy needs.

    ``postgresql://`` becomes ``postgresql+psycopg://`` (psycopg 3 is async),
    ``sqlite:///`` becomes ``sqlite+aiosqlite:///``; explicit drivers are kept.
    """
    for plain, driver in (("postgres://", "postgresql+psycopg://"),
                          ("postgresql://", "postgresql+psycopg://"),
                          ("sqlite://", "sqlite+aiosqlite://")):
        if url.startswith(plain):
            return driver + url[len(plain):]
    return url


def dev_secrets(instance_path: Path) -> tuple[dict, bool]:
    """The development secrets, generated on first use. Returns (secrets, created)."""
    path = instance_path / "dev-secrets.json"
    instance_path.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8")), False
    values = {"signing_secret": secrets.token_hex(32),
              "bot_token": "xoxb-dev-" + secrets.token_hex(12)}
    # Write a private temporary file, then link it into place: the link fails if
    # another Jeeves got there first, and nobody ever reads a half-written file.
    fd, tmp = tempfile.mkstemp(dir=instance_path, prefix=".dev-secrets-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(values, fh)
        os.link(tmp, path)
    except FileExistsError:
        return json.loads(path.read_text(encoding="utf-8")), False
    finally:
        os.unlink(tmp)
    return values, True


def private_file(path: Path) -> None:
    """Create ``path`` readable and writable by its owner only (0600), or make it so.

    SQLite gives its journal and WAL files the database file's permissions, so
    they stay private too. The folder is created 0700 if it is missing.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)  # made by an older Jeeves, or under a loose umask


def database_url(env: dict | None = None) -> str:
    env = os.environ if env is None else env
    instance = Path(env.get("JEEVES_INSTANCE_PATH") or DEFAULT_INSTANCE_PATH)
    return async_database_url(
        env.get("JEEVES_DATABASE_URL") or f"sqlite+aiosqlite:///{instance / 'jeeves.db'}")


def from_env(env: dict | None = None, dev: bool | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    dev = truthy(env.get("JEEVES_DEV")) if dev is None else dev
    instance = Path(env.get("JEEVES_INSTANCE_PATH") or DEFAULT_INSTANCE_PATH)
    notices: list[str] = []
    secret = env.get("SLACK_SIGNING_SECRET", "")
    token = env.get("SLACK_BOT_TOKEN", "")
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing and not dev:
        raise ConfigError(
            "missing required setting(s): " + ", ".join(missing)
            + ". Set them in the environment, or run in development mode "
              "(jeeves serve --dev) to generate local ones."
        )
    if missing:
        values, created = dev_secrets(instance)
        secret = secret or values["signing_secret"]
        token = token or values["bot_token"]
        notices.append(
            ("generated" if created else "using")
            + f" a development signing secret and bot token in {instance / 'dev-secrets.json'}"
            " (development only: never use them with a real Slack workspace)"
        )
    weather = env.get("WEATHER_API_URL") or DEFAULT_WEATHER_API_URL
    # One stand-in serves both Open-Meteo paths, so a configured weather URL is
    # also the geocoding URL unless that is set too.
    geocoding = env.get("GEOCODING_API_URL") or (
        weather if env.get("WEATHER_API_URL") else DEFAULT_GEOCODING_API_URL)
    try:
        port = int(env.get("PORT") or DEFAULT_PORT)
        timeout = float(env.get("WEATHER_TIMEOUT") or 5.0)
    except ValueError as exc:
        raise ConfigError(f"PORT and WEATHER_TIMEOUT must be numbers: {exc}") from None
    web = web_settings(env, dev, instance)
    return Settings(
        **web, signing_secret=secret, bot_token=token, database_url=database_url(env),
        slack_api_url=env.get("SLACK_API_URL") or DEFAULT_SLACK_API_URL,
        weather_api_url=weather, geocoding_api_url=geocoding, weather_timeout=timeout,
        port=port, dev=dev, instance_path=instance, notices=tuple(notices),
    )


def web_settings(env: dict, dev: bool, instance: Path) -> dict:
    """The web pages' secret key and Slack OAuth client; development mode fills them in.

    In development the OAuth client is the Slack stand-in's (``standin-client``),
    and the secret key is generated once into the instance folder.
    """
    values = {"secret_key": env.get("JEEVES_SECRET_KEY", ""),
              "slack_client_id": env.get("SLACK_CLIENT_ID", ""),
              "slack_client_secret": env.get("SLACK_CLIENT_SECRET", ""),
              "slack_oauth_authorize_url": env.get("SLACK_OAUTH_AUTHORIZE_URL", "")}
    if dev:
        if not values["secret_key"]:
            path = instance / "dev-secret-key"
            instance.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                # As for dev-secrets.json: write privately, then link into place, so
                # nobody reads a half-written key and the first writer wins.
                fd, tmp = tempfile.mkstemp(dir=instance, prefix=".dev-secret-key-")
                try:
                    with os.fdopen(fd, "w", encoding="utf-8") as fh:
                        fh.write(secrets.token_hex(32))
                    os.link(tmp, path)
                except FileExistsError:
                    pass
                finally:
                    os.unlink(tmp)
            values["secret_key"] = path.read_text(encoding="utf-8").strip()
        if not values["slack_client_id"]:
            values["slack_client_id"] = "standin-client"
            values["slack_client_secret"] = values["slack_client_secret"] or "standin-secret"
    return values
