"""What the benchmark measures: the servers (subjects) and the naive-versus-tuned pairs.

Every subject is a server file started as a learner starts an example
(``python file.py`` with ``PORT`` set), or nginx for the machine's ceiling.
The chapter's own services are the "service" group; ``bench/servers/`` holds
the variants that serve a chapter-1 app differently (one change each), and
each ``Pair`` names the lesson the difference teaches.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass, field

from workbook.catalogue import ROOT

SLOW_SECONDS = 0.1  # what every chapter-1 service's GET /slow waits
CH01 = "ch01_wsgi_async"
SERVERS_DIR = f"{CH01}/bench/servers"


@dataclass(frozen=True)
class Subject:
    """One server the benchmark starts, loads, and stops."""

    key: str
    label: str
    group: str  # "ceiling", "service" or "variant"
    file: str | None  # a Python server file; None for nginx
    model: str  # "async", "threads" (one per connection), "pool", "serial", "static"
    workers: int = 1
    env: dict = field(default_factory=dict)
    needs: tuple[str, ...] = ()  # chapter-1 files it imports
    measures: tuple[str, ...] = ("throughput", "concurrency", "burst")
    note: str = ""

    def limit(self, n: int) -> float:
        """Theoretical wall time for n simultaneous 100 ms requests."""
        if self.model == "serial":
            return n * SLOW_SECONDS
        if self.model == "pool":
            return math.ceil(n / self.workers) * SLOW_SECONDS
        return SLOW_SECONDS




SUBJECTS = [
    Subject("nginx", "nginx (static answer)", "ceiling", None, "static",
            measures=("throughput",), note="C, event-driven; the machine's ceiling"),
    Subject("raw_asyncio", "raw asyncio.Protocol", "ceiling", f"{SERVERS_DIR}/raw_responder.py",
            "async", measures=("throughput",), note="Python with nothing added"),
    Subject("time_wsgi", "WSGI on wsgiref (1 thread)", "service", f"{CH01}/time_wsgi.py",
            "serial"),
    Subject("time_gevent", "gevent pywsgi (patched)", "service", f"{CH01}/time_gevent.py",
            "async", needs=(f"{CH01}/time_wsgi.py",)),
    Subject("time_twisted", "Twisted", "service", f"{CH01}/time_twisted.py", "async"),
    Subject("time_tornado", "Tornado", "service", f"{CH01}/time_tornado.py", "async"),
    Subject("time_aiohttp", "aiohttp", "service", f"{CH01}/time_aiohttp.py", "async"),
    Subject("time_quart", "Quart on Hypercorn", "service", f"{CH01}/time_quart.py", "async"),
    Subject("worker_pool_wsgi", "WSGI on an 8-thread pool", "service",
            f"{CH01}/worker_pool_wsgi.py", "pool", workers=8),
    # Variants: the same chapter-1 apps served differently, for the pairs.
    Subject("wsgi_threaded", "WSGI on wsgiref, threaded, backlog 1024", "variant",
            f"{SERVERS_DIR}/wsgi_threaded.py", "threads", needs=(f"{CH01}/time_wsgi.py",)),
    # The naive side of each pair is explicit too, so a later change to a
    # chapter file (say, TCP_NODELAY in time_gevent.py) cannot blur the lesson.
    Subject("gevent_nagle", "gevent pywsgi, Nagle on (no TCP_NODELAY)", "variant",
            f"{SERVERS_DIR}/gevent_server.py", "async", env={"NODELAY": "0"},
            needs=(f"{CH01}/time_wsgi.py",), measures=("throughput",)),
    Subject("gevent_nodelay", "gevent pywsgi + TCP_NODELAY", "variant",
            f"{SERVERS_DIR}/gevent_server.py", "async", env={"NODELAY": "1"},
            needs=(f"{CH01}/time_wsgi.py",), measures=("throughput",)),
    Subject("gevent_unpatched", "gevent pywsgi, not monkey-patched", "variant",
            f"{SERVERS_DIR}/gevent_server.py", "serial", env={"PATCH": "0"},
            needs=(f"{CH01}/time_wsgi.py",), measures=("concurrency",)),
    Subject("twisted_backlog50", "Twisted, listen backlog 50", "variant",
            f"{SERVERS_DIR}/twisted_backlog.py", "async", env={"BACKLOG": "50"},
            needs=(f"{CH01}/time_twisted.py",), measures=("concurrency",)),
    Subject("twisted_backlog", "Twisted, listen backlog 1024", "variant",
            f"{SERVERS_DIR}/twisted_backlog.py", "async", env={"BACKLOG": "1024"},
            needs=(f"{CH01}/time_twisted.py",), measures=("concurrency",)),
    Subject("quart_uvicorn", "Quart on Uvicorn (asyncio, h11)", "variant",
            f"{SERVERS_DIR}/quart_servers.py", "async", env={"SERVER": "uvicorn"},
            needs=(f"{CH01}/time_quart.py",), measures=("throughput",)),
    Subject("quart_uvicorn_fast", "Quart on Uvicorn (uvloop, httptools)", "variant",
            f"{SERVERS_DIR}/quart_servers.py", "async", env={"SERVER": "uvicorn-fast"},
            needs=(f"{CH01}/time_quart.py",), measures=("throughput",)),
    Subject("quart_dev", "Quart app.run() (development server)", "variant",
            f"{SERVERS_DIR}/quart_servers.py", "async", env={"SERVER": "dev"},
            needs=(f"{CH01}/time_quart.py",), measures=("throughput",)),
]
QUICK_KEYS = ("nginx", "raw_asyncio", "time_wsgi", "time_gevent", "time_twisted",
              "time_tornado", "time_aiohttp", "time_quart", "worker_pool_wsgi")



@dataclass(frozen=True)
class Pair:
    lesson: str
    naive: str
    tuned: str
    section: str  # which measurement compares them
    metric: str  # "rps" (higher is better), "slow_rps" (higher), "wall_s" (lower)
    why: str


PAIRS = [
    Pair("wsgiref: backlog 5, one thread vs threaded, backlog 1024", "time_wsgi",
         "wsgi_threaded", "burst", "wall_s",
         "a burst overflows the 5-slot accept queue; dropped clients retry after 1 s, 3 s..."),
    Pair("gevent keep-alive: without vs with TCP_NODELAY", "gevent_nagle", "gevent_nodelay",
         "throughput", "rps",
         "pywsgi writes headers and body separately; Nagle holds the body for the client's "
         "delayed ACK (~40 ms)"),
    Pair("Twisted: listen backlog 50 (its default) vs 1024", "twisted_backlog50",
         "twisted_backlog",
         "concurrency", "slow_rps",
         "200 connects overflow a 50-slot accept queue; the dropped handshakes retry after 1 s"),
    Pair("gevent: not monkey-patched vs patched", "gevent_unpatched", "time_gevent",
         "concurrency", "slow_rps", "unpatched, time.sleep blocks the only thread"),
    Pair("Quart: Hypercorn vs Uvicorn (asyncio, h11)", "time_quart", "quart_uvicorn",
         "throughput", "rps", "two pure-Python ASGI servers"),
    Pair("Quart on Uvicorn: pure Python vs uvloop + httptools", "quart_uvicorn",
         "quart_uvicorn_fast", "throughput", "rps", "C event loop and HTTP parser"),
    Pair("Quart: development server vs production server (Hypercorn)", "quart_dev",
         "time_quart", "throughput", "rps",
         "app.run() is Hypercorn too (plus a reloader, and an access logger whose "
         "records are built, then dropped): about the same speed; it is not for users"),
]



NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen {host}:{port};
        location / {{
            default_type application/json;
            return 200 '{{"time": 0.0}}';
        }}
    }}
}}
"""



def missing_reason(subject: Subject) -> str | None:
    if subject.file is None:
        return None if shutil.which("nginx") else "nginx is not installed"
    for path in (subject.file, *subject.needs):
        if not (ROOT / path).exists():
            return f"{path} is not there (yet)"
    return None
