"""Send a catalogue probe to a running server and judge the answer."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from workbook.catalogue import Probe

# Headers worth showing a learner; the rest is noise in a terminal.
SHOWN_HEADERS = ("content-type", "content-length", "location", "www-authenticate",
                 "set-cookie", "allow", "server")


@dataclass
class ProbeResult:
    probe: Probe
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def describe(self) -> str:
        p = self.probe
        lines = [f"> {p.method} {p.path}"]
        lines += [f"> {k}: {v}" for k, v in p.headers.items()]
        lines.append(f"< {self.status}  ({self.seconds * 1000:.1f} ms)")
        lines += [f"< {k}: {v}" for k, v in self.headers.items() if k.lower() in SHOWN_HEADERS]
        body = self.text
        lines.append(body if len(body) <= 600 else body[:600] + " ...")
        lines.append("PASS" if self.ok else "FAIL: " + "; ".join(self.problems))
        return "\n".join(lines)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect is an answer to check
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def send(base_url: str, probe: Probe, timeout: float = 30.0) -> ProbeResult:
    request = urllib.request.Request(
        base_url.rstrip("/") + probe.path, data=probe.data,
        method=probe.method, headers=dict(probe.headers),
    )
    started = time.monotonic()
    try:
        with _opener.open(request, timeout=timeout) as resp:
            status, headers, body = resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as err:
        status, headers, body = err.code, dict(err.headers.items()), err.read()
    result = ProbeResult(probe, status, headers, body, time.monotonic() - started)
    result.problems = judge(probe, status, headers, body)
    return result


def judge(probe: Probe, status: int, headers: dict[str, str], body: bytes) -> list[str]:
    """Everything wrong with an answer, as sentences; an empty list means it passed."""
    problems: list[str] = []
    lower = {k.lower(): v for k, v in headers.items()}
    if status != probe.status:
        problems.append(f"status {status}, expected {probe.status}")
    if probe.content_type:
        got = lower.get("content-type", "")
        if not got.lower().startswith(probe.content_type.lower()):
            problems.append(f"content-type {got!r}, expected {probe.content_type!r}")
    for name, value in probe.expect_headers.items():
        got = lower.get(name.lower())
        if got is None:
            problems.append(f"no {name} header")
        elif value is not ... and value.lower() not in got.lower():
            problems.append(f"{name} is {got!r}, expected it to contain {value!r}")
    text = body.decode("utf-8", errors="replace")
    for piece in probe.body_contains:
        if piece not in text:
            problems.append(f"body lacks {piece!r}")
    if probe.json is not None:
        try:
            doc = json.loads(text)
        except ValueError:
            problems.append("body is not JSON")
        else:
            for key, value in probe.json.items():
                if not isinstance(doc, dict) or key not in doc:
                    problems.append(f"JSON lacks key {key!r}")
                elif isinstance(value, type):
                    # a type means "any value of this type" (an int is a fine float)
                    allowed = (int, float) if value is float else value
                    if not isinstance(doc[key], allowed) or isinstance(doc[key], bool):
                        problems.append(f"JSON {key!r} is {doc[key]!r}, not a {value.__name__}")
                elif value is not ... and doc[key] != value:
                    problems.append(f"JSON {key!r} is {doc[key]!r}, expected {value!r}")
    return problems
