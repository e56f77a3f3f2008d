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
import concurrent.futures
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

from ch01_wsgi_async.booking import PORTS, exit_now
from workbook.serving import (
    ServerFailed,
    child_env,
    free_port,
    start_process,
    wait_until_answers,
)

SERVICES = ("auth", "search", "reservations", "payments", "users", "pdf", "bank", "mail")
STAND_INS = ("bank", "mail")  # the monolith needs only these
FRONT = {"services": "ui", "monolith": "monolith"}  # the front door of each shape


@dataclass
class System:
    """A running system: ``servers`` by name, the front one first asked by learners."""

    shape: str
    servers: dict = field(default_factory=dict)
    env: dict = field(default_factory=dict)
    ports: dict = field(default_factory=dict)
    started_in: float = 0.0
    data: tempfile.TemporaryDirectory | None = None
    warm: bool = False  # tests: fork services from a warm interpreter (workbook.warm)

    @property
    def front_name(self) -> str:
        return FRONT[self.shape]

    @property
    def front(self):
        return self.servers[self.front_name]

    def url(self, name: str) -> str:
        return self.servers[name].url

    def restart(self, name: str):
        """Start a (stopped) service again on its old port, with its old environment."""
        restart_together([(self, name)])
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


def start_processes(commands: list[dict]) -> list:
    """Start every command at once, then wait until each answers: one start-up, not nine.

    The ports are chosen beforehand, since each service must know its peers' URLs.
    """
    began, servers = time.monotonic(), []
    try:
        for c in commands:
            servers.append(start_process(c["argv"], name=c["name"], port=c["port"],
                                         env=c["env"], ready_path=None,
                                         warm=c["system"].warm))
        for server in servers:
            try:
                wait_until_answers(server.url + "/", server.process)
            except ServerFailed as exc:
                stop_all(servers)
                raise ServerFailed(f"{server.name} (PORT={server.port}): {exc}\n"
                                   f"--- its output ---\n{server.output()}") from None
            server.startup_seconds = time.monotonic() - began
    except BaseException:
        stop_all(servers)  # Ctrl-C half-way through a start leaves nothing behind
        raise
    return servers


def stop_all(servers: list) -> float:
    """Stop them side by side (each by PID: Ctrl-C, SIGTERM, SIGKILL), not one after another."""
    began = time.monotonic()
    if servers:
        with concurrent.futures.ThreadPoolExecutor(len(servers)) as pool:
            list(pool.map(lambda server: server.stop(), servers))
    return time.monotonic() - began


def command(name: str, port: int, env: dict) -> dict:
    return {"argv": [sys.executable, "-m", f"ch01_wsgi_async.booking.{name}"],
            "name": name, "port": port, "env": env}


def start(shape: str = "services", port: int | None = None, env: dict | None = None,
          front_last: bool = False) -> System:
    """Start one shape ("services" or "monolith") and its stand-ins; all answer on return.

    ``front_last``: start the front door only once the others answer (the one command does,
    so that whoever waits for its port finds the whole system ready).
    """
    return start_together([shape], port=port, env=env, front_last=front_last)[0]


def start_together(shapes: list[str], port: int | None = None, env: dict | None = None,
                   front_last: bool = False, attempts: int = 3,
                   warm: bool = False) -> list[System]:
    """Start several systems side by side (one start-up for all); ``port`` is the first's front.

    ``warm=True`` (the test suite) forks each service from a warm interpreter instead of
    starting a fresh ``python``: same processes, ports and PIDs, a tenth of the start-up.
    """
    began = time.monotonic()
    for attempt in range(1, attempts + 1):
        systems, commands = [], []
        for number, shape in enumerate(shapes):
            system = prepare(shape, port if number == 0 else None, env)
            system.warm = warm
            systems.append(system)
            commands += [{**command(n, p, system.env), "system": system}
                         for n, p in system.ports.items()]
        fronts = {s.front_name for s in systems}
        waves = ([c for c in commands if c["name"] not in fronts],
                 [c for c in commands if c["name"] in fronts]) if front_last else (commands,)
        try:
            for wave in waves:
                for server, started in zip(wave, start_processes(wave), strict=True):
                    server["system"].servers[server["name"]] = started
        except ServerFailed:
            for system in systems:
                system.stop()
            if attempt == attempts:
                raise
            continue  # most likely a port taken between picking and binding it: pick again
        except BaseException:
            for system in systems:
                system.stop()
            raise
        for system in systems:
            system.started_in = time.monotonic() - began
        return systems
    raise AssertionError("unreachable")


def restart_together(victims: list[tuple[System, str]]) -> None:
    """Restart services of one or more systems side by side, each on its old port."""
    stop_all([system.servers[name] for system, name in victims])
    wave = [{**command(name, system.servers[name].port, system.env), "system": system}
            for system, name in victims]
    for server, started in zip(wave, start_processes(wave), strict=True):
        server["system"].servers[server["name"]] = started


def prepare(shape: str, port: int | None, env: dict | None) -> System:
    """Ports, a data folder and the environment of one system, before anything starts."""
    names = (SERVICES if shape == "services" else STAND_INS) + (FRONT[shape],)
    ports = {n: free_port() for n in names} | {FRONT[shape]: port or free_port()}
    data = tempfile.TemporaryDirectory(prefix="booking-")
    shared = child_env({
        **{f"{n.upper()}_URL": f"http://127.0.0.1:{p}" for n, p in ports.items()},
        "SMTP_PORT": str(free_port()), "BOOKING_DATA": data.name,
        # Generated for this run; a service started alone uses a development default.
        "BOOKING_TOKEN_KEY": secrets.token_hex(16),
        "BOOKING_CLIENT_SECRET": secrets.token_hex(16),
        "BOOKING_PARENT_PID": str(os.getpid()), "OUTBOX_RETRY": "0.5", **(env or {})})
    return System(shape, env=shared, data=data, ports=ports)


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
    port = int(os.environ.get("PORT", PORTS[FRONT[shape]]))
    print(f"Starting the booking system ({shape}); its front door will be "
          f"http://127.0.0.1:{port}/ ...", flush=True)
    try:
        system = start(shape, port=port, front_last=True)
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
    exit_now(main())
