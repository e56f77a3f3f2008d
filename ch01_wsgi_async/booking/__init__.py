"""Chapter 1's hotel booking, runnable in both shapes the book compares.

- ``monolith.py``: one app, one database;
- the seven services, one process each: ``ui``, ``pdf``, ``search``, ``payments``,
  ``reservations``, ``users``, ``auth``; stand-ins for the ``bank`` (HTTP) and ``mail`` (SMTP);
- ``domain.py``: the code both shapes share; ``kit.py``: the plumbing every service shares;
- ``system.py``: the one command (``python -m ch01_wsgi_async.booking``).

The pitfalls are measured by ``ch01_wsgi_async/booking_pitfalls.py``.
"""

# Default ports when a service runs alone; the one command gives each a free port.
PORTS = {"ui": 8050, "auth": 8051, "search": 8052, "reservations": 8053, "payments": 8054,
         "users": 8055, "pdf": 8056, "bank": 8057, "mail": 8058, "monolith": 8059}
SMTP_DEFAULT_PORT = 8025


def exit_now(code: int = 0) -> None:
    """Exit once everything is stopped and saved: run the exit hooks (coverage saves its data
    there), then skip the interpreter's teardown, which takes most of a second on a busy
    machine and would make Ctrl-C on the whole system feel slow."""
    import atexit
    import os
    import sys

    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def __getattr__(name: str):
    # ``booking.app`` is the system's front door (the UI's app), imported only when asked
    # for: the one command never loads Quart itself, so it starts the services sooner.
    if name == "app":
        from ch01_wsgi_async.booking.ui import app
        return app
    raise AttributeError(name)
