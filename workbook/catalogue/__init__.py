"""The catalogue: the one place that knows every example in the workbook.

Each chapter has its own module here (``ch01.py``, ``ch02.py``, ...) with a
list called ``EXAMPLES``. This package gathers them. The runner CLI, the
tests, the notebooks and the README's example table all read from here, and
``tests/test_catalogue.py`` fails when a chapter file is missing from it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHAPTERS = {
    "ch01": "ch01_wsgi_async",
    "ch02": "ch02_quart",
    "ch03": "ch03_testing",
    "ch04": "ch04_jeeves",
}


@dataclass(frozen=True)
class Probe:
    """One request to send to a running server example, and what must come back.

    ``body_contains`` are substrings the body must contain; ``json`` (when set)
    is a dict whose keys must be present in the JSON body with equal values,
    a type (``float``) for "any value of that type", or ``...`` for any value.
    """

    path: str = "/"
    method: str = "GET"
    status: int = 200
    content_type: str | None = None
    body_contains: tuple[str, ...] = ()
    json: dict | None = None
    headers: dict = field(default_factory=dict)
    data: bytes | None = None
    expect_headers: dict = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Example:
    """An example file: a server (asked over HTTP) or a script (run, output read)."""

    id: str
    file: str
    summary: str
    kind: str = "server"  # "server" or "script"
    port: int | None = None
    probes: tuple[Probe, ...] = ()
    # Scripts: arguments, and substrings the standard output must contain.
    args: tuple[str, ...] = ()
    stdout_contains: tuple[str, ...] = ()
    timeout: float = 60.0
    # Extra environment variables the example needs when run by the harness.
    env: dict = field(default_factory=dict)
    # A path a server answers on once it is ready (any HTTP status counts).
    ready_path: str = "/"
    # A function saying why it cannot run here (a reason string), or None when it can.
    skip_if: Callable[[], str | None] | None = None
    # Run as a module (``python -m``) instead of as a file.
    module: str | None = None
    # Servers it talks to: {ENV_VAR: (example id, path)}. The harness starts each
    # first and sets ENV_VAR to its URL + path; a learner starts them by hand.
    needs: dict = field(default_factory=dict)

    @property
    def chapter(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def path(self) -> Path:
        return ROOT / self.file

    @property
    def dotted(self) -> str:
        """The importable dotted name of the example's module."""
        if self.module:
            return self.module
        return self.file.removesuffix(".py").replace("/", ".").removesuffix(".__init__")

    def command(self) -> list[str]:
        """The command a learner types, without the interpreter."""
        if self.module:
            return ["-m", self.module, *self.args]
        return [self.file, *self.args]

    def run_line(self) -> str:
        return "python " + " ".join(self.command())

    def skip_reason(self) -> str | None:
        return self.skip_if() if self.skip_if else None


def _chapter_modules():
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("ch"):
            yield importlib.import_module(f"{__name__}.{info.name}")


def all_examples() -> list[Example]:
    examples: list[Example] = []
    for mod in _chapter_modules():
        examples.extend(mod.EXAMPLES)
    return examples


class UnknownExample(LookupError):
    pass


def get(example_id: str) -> Example:
    for ex in all_examples():
        if ex.id == example_id:
            return ex
    known = ", ".join(e.id for e in all_examples())
    raise UnknownExample(f"unknown example {example_id!r}; known: {known}")


def select(selectors: list[str] | tuple[str, ...] = ()) -> list[Example]:
    """Examples matching chapter names (``ch01``) or ids; all when empty."""
    examples = all_examples()
    if not selectors:
        return examples
    chosen: list[Example] = []
    for sel in selectors:
        matched = [e for e in examples if e.id == sel or e.chapter == sel]
        if not matched:
            if sel in CHAPTERS:
                continue  # a chapter with no examples yet
            raise UnknownExample(
                f"unknown example or chapter {sel!r}; try 'workbook list' "
                f"(chapters: {', '.join(CHAPTERS)})"
            )
        chosen.extend(e for e in matched if e not in chosen)
    return chosen
