"""The application factory of myservice.

Settings are layered, later layers winning:

1. ``settings.yaml`` next to this module (the defaults, checked in);
2. environment variables prefixed ``MYSERVICE_`` (``MYSERVICE_GREETING=Hi``),
   read with :meth:`quart.Config.from_prefixed_env`;
3. the ``settings_override`` mapping given to :func:`create_app` (tests use it).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from quart import Quart
from werkzeug.exceptions import HTTPException

from ch02_quart.myservice.views.home import home

#: The defaults file loaded first by :func:`create_app`.
SETTINGS_FILE = Path(__file__).with_name("settings.yaml")

#: Environment variables starting with this prefix (plus ``_``) override settings.
ENV_PREFIX = "MYSERVICE"


def create_app(settings_override: dict | None = None) -> Quart:
    """Build and configure a new myservice application.

    :param settings_override: settings applied last, over the YAML defaults and
        the ``MYSERVICE_*`` environment variables (handy in tests).
    :returns: a :class:`quart.Quart` app with the ``home`` blueprint registered
        and every HTTP error answered as JSON.
    """
    app = Quart(__name__)
    app.config.from_file(str(SETTINGS_FILE), yaml.safe_load)
    app.config.from_prefixed_env(ENV_PREFIX)
    if settings_override:
        app.config.update(settings_override)

    app.register_blueprint(home)
    app.register_error_handler(HTTPException, json_error)
    return app


async def json_error(error: HTTPException):
    """Answer any HTTP error (404, 405, ...) with a JSON body instead of HTML.

    :returns: ``{"code": 404, "name": "Not Found", "description": "..."}`` and
        the error's own status code.
    """
    body = {"code": error.code, "name": error.name, "description": error.description}
    return body, error.code
