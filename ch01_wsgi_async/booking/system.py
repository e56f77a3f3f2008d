"""The whole booking system with one command: every service its own process, port and database.

Starts the seven services of the book's chapter 1 (Booking UI, PDF reports, Search, Payments,
Reservations, Users, Authentication) and two stand-ins (the bank over HTTP, mail over SMTP),
each with ``PORT`` and its peers' URLs in its environment, waits until all answer, prints
every URL and a ready-to-paste curl, and stops them all on Ctrl-C or SIGTERM.

Run it:   python -m ch01_wsgi_async.booking             (the UI on PORT=8050; others on free ports)
          python -m ch01_wsgi_async.booking --monolith  (the monolith with the same stand-ins)
Ask it:   the printed curl: POST /bookings with an Idempotency-Key header
Expect:   201 {"booking_id": "b-...", "status": "confirmed", "receipt": "sent by e-mail", ...}
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import signal
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field

from ch01_wsgi_async.booking import PORTS
from workbook.serving import ServerFailed, child_env, free_port, start_processes, stop_all

SERVICES = ("auth", "search", "reservations", "payments", "users", "pdf", "bank", "mail")
STAND_INS = ("bank", "mail")  # the monolith needs only these


@dataclass
class System:
    """A running system: ``servers`` by name, the front one first asked by learners."""

    shape: str
    servers: dict = field(default_factory=dict)
    env: dict = field(default_factory=dict)
    started_in: float = 0.0
    data: tempfile.TemporaryDirectory | None = None

    @property
    def front(self):
        return self.servers["ui" if self.shape == "services" else "monolith"]

    def url(self, name: str) -> str:
        return self.servers[name].url

    def restart(self, name: str):
        """Start a stopped service again on its old port, with its old environment."""
        old = self.servers[name]
        old.stop()
        (self.servers[name],) = start_processes([command(name, old.port, self.env)])
        return self.servers[name]

    def stop(self) -> float:
        took = stop_all(list(self.servers.values()))
        if self.data:
            self.data.cleanup()
        return took

    def __enter__(self) -> System:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def __getattr__(name: str):
    # ``system.app`` is the front door (the UI's app), imported only when asked for:
    # the one command itself never loads Quart, so it starts the others sooner.
    if name == "app":
        from ch01_wsgi_async.booking.ui import app
        return app
    raise AttributeError(name)


def command(name: str, port: int, env: dict) -> dict:
    return {"argv": [sys.executable, "-m", f"ch01_wsgi_async.booking.{name}"],
            "name": name, "port": port, "env": env}


def start(shape: str = "services", port: int | None = None, env: dict | None = None,
          attempts: int = 3) -> System:
    """Start one shape ("services" or "monolith") and its stand-ins; all answer on return."""
    began = time.monotonic()
    front = "ui" if shape == "services" else "monolith"
    for attempt in range(1, attempts + 1):
        names = SERVICES if shape == "services" else STAND_INS
        ports = {n: free_port() for n in names} | {front: port or free_port()}
        data = tempfile.TemporaryDirectory(prefix="booking-")
        shared = child_env({
            **{f"{n.upper()}_URL": f"http://127.0.0.1:{p}" for n, p in ports.items()},
            "SMTP_PORT": str(free_port()), "BOOKING_DATA": data.name,
            # Generated for this run; a service started alone uses a development default.
            "BOOKING_TOKEN_KEY": secrets.token_hex(16),
            "BOOKING_CLIENT_SECRET": secrets.token_hex(16),
            "BOOKING_PARENT_PID": str(os.getpid()), "OUTBOX_RETRY": "0.5", **(env or {})})
        system = System(shape, env=shared, data=data)
        try:
            # The peers first, side by side; the front door last, so it answers only
            # once everything behind it does.
            for wave in ([n for n in names if n != front], [front]):
                started = start_processes([command(n, ports[n], shared) for n in wave])
                system.servers.update((s.name, s) for s in started)
        except ServerFailed:
            system.stop()
            if attempt == attempts:
                raise
            continue  # most likely a port taken between picking and binding it: pick again
        except BaseException:
            system.stop()
            raise
        system.started_in = time.monotonic() - began
        return system
    raise AssertionError("unreachable")


def curl(url: str) -> str:
    checkin = dt.date.today() + dt.timedelta(days=30)
    body = {"email": "ada@example.com", "name": "Ada", "hotel_id": "par-1",
            "checkin": str(checkin), "checkout": str(checkin + dt.timedelta(days=2)),
            "card": "4242424242424242"}
    return (f"curl -s -X POST {url}/bookings -H 'Content-Type: application/json' "
            f"-H 'Idempotency-Key: {uuid.uuid4()}' -d '{json.dumps(body)}'")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--monolith", action="store_true", help="the monolith instead")
    shape = "monolith" if parser.parse_args().monolith else "services"

    def stop_on_sigterm(*_):
        raise KeyboardInterrupt  # SIGTERM stops everything the way Ctrl-C does

    signal.signal(signal.SIGTERM, stop_on_sigterm)
    default = PORTS["ui" if shape == "services" else "monolith"]
    try:
        system = start(shape, port=int(os.environ.get("PORT", default)))
    except KeyboardInterrupt:
        return 0
    except ServerFailed as exc:
        print(f"could not start the {shape}: {exc}", file=sys.stderr)
        return 1
    try:
        print(f"Booking system ({shape}) up in {system.started_in:.1f} s:")
        for name, server in system.servers.items():
            print(f"  {name:<13} {server.url}   pid {server.pid}")
        print(f"\nOpen {system.front.url}/ or book a room:\n  {curl(system.front.url)}")
        print("\nCtrl-C stops everything.", flush=True)
        while True:
            time.sleep(1)  # nothing to do: the services serve; we wait for Ctrl-C / SIGTERM
    except KeyboardInterrupt:
        pass
    finally:
        took = system.stop()
        print(f"stopped {len(system.servers)} processes in {took:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
