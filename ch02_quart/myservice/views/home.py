"""The ``home`` blueprint: the root endpoint of myservice and a health check."""

from __future__ import annotations

from quart import Blueprint, current_app

#: Registered by :func:`ch02_quart.myservice.create_app`.
home = Blueprint("home", __name__)


@home.route("/")
async def index():
    """Say who is answering, from the settings.

    :returns: ``{"service": SERVICE_NAME, "greeting": GREETING}`` as JSON.
    """
    return {
        "service": current_app.config["SERVICE_NAME"],
        "greeting": current_app.config["GREETING"],
    }


@home.route("/health")
async def health():
    """A cheap liveness check for load balancers and test harnesses.

    :returns: ``{"status": "ok"}`` as JSON.
    """
    return {"status": "ok"}
