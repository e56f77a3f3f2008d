"""The errata: one list per chapter of what the book's (or the notes') code does today.

Each chapter has a module here (``ch01.py`` ...) with a list ``ERRATA`` of
:class:`Erratum` rows. They are data only: the chapter README's errata table is
generated from them (``workbook readme``), and each chapter's ``test_errata.py``
holds one reproduction per row id, written in the workbook (never copied from
the book), which must produce the row's ``error`` exactly. A test fails when a
row has no reproduction, so a row cannot exist without proof.

Why here and not in the chapter folders: the chapter folders hold examples
(every ``.py`` there is a catalogue entry), and these rows are facts about
examples read by the CLI, the tests and the READMEs, like the catalogue.
"""

from __future__ import annotations

import importlib
import re
import traceback
from dataclasses import dataclass

# Where the fault is. Exactly one of these per row.
SOURCES = {
    "book": "the book's printed or published code is wrong",
    "notes": "a transcription slip in the learner's notes; the book has it right",
    "libraries": "worked when the book was published; a later release broke it",
}

# The book's published samples, which every "book" row was checked against.
BOOK_REPO = "https://github.com/PacktPublishing/Python-Microservices-Development-2nd-Edition"


@dataclass(frozen=True)
class Erratum:
    """One row of a chapter's errata table.

    ``error`` is what happens today, exactly: the last line of the traceback
    (``Type: message`` as Python prints it), or the wrong output. ``...`` in it
    stands for a part that differs from machine to machine (a path).
    """

    id: str
    source: str  # a key of SOURCES
    where: str  # which file or section (markdown)
    code: str  # what the code says (markdown)
    error: str  # exactly what happens today (shown in backticks)
    fix: str
    why: str
    note: str = ""  # more about what happens, after the error (markdown)
    broke_in: str = ""  # source "libraries": the release that broke it
    table: str = "errata"  # the README block it belongs to

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(f"{self.id}: source must be one of {sorted(SOURCES)}")
        if (self.source == "libraries") != bool(self.broke_in):
            raise ValueError(f"{self.id}: broke_in is required for, and only for, 'libraries'")
        if not re.fullmatch(r"[a-z0-9_]+", self.id):
            raise ValueError(f"{self.id!r}: ids are lower-case words joined by _")


def rows(chapter: str) -> list[Erratum]:
    """The chapter's rows (``ch01`` ...), in table order; [] for a chapter without errata."""
    try:
        mod = importlib.import_module(f"{__name__}.{chapter}")
    except ModuleNotFoundError:
        return []
    return list(mod.ERRATA)


def failure(call) -> str:
    """Call ``call``; it must raise. The line a learner would see (``exception_line``)."""
    try:
        call()
    except Exception as exc:  # the point: whatever it raises, as a learner would see it
        return exception_line(exc)
    raise AssertionError("it did not fail")


def exception_line(exc: BaseException) -> str:
    """The last line of the traceback a learner sees: ``module.Type: message``.

    Without the "Did you mean" hint, which Python 3.12+ adds here and 3.11
    only when it prints the traceback, so that one text holds on every version.
    """
    if isinstance(exc, SyntaxError):
        return traceback.format_exception_only(type(exc), exc)[-1].strip()
    kind = type(exc)
    name = kind.__qualname__
    if kind.__module__ not in ("builtins", "__main__"):
        name = f"{kind.__module__}.{name}"
    text = str(exc)
    return f"{name}: {text}" if text else name


def matches(expected: str, actual: str) -> bool:
    """``actual`` equals ``expected``, where ``...`` in expected matches any text."""
    pattern = ".*?".join(re.escape(part) for part in expected.split("..."))
    return re.fullmatch(pattern, actual, flags=re.DOTALL) is not None


def counts(chapter: str) -> dict[str, int]:
    """How many rows of each source a chapter has (for the closing note)."""
    result = dict.fromkeys(SOURCES, 0)
    for row in rows(chapter):
        result[row.source] += 1
    return result


class Proofs:
    """A chapter's reproductions and fix checks, registered by row id (used by its tests).

    ``@proofs.reproduces("row_id")`` marks a function (sync or async) that runs the
    faulty code, written in the test, and returns what happened as text;
    ``@proofs.fixes("row_id")`` marks one that asserts the workbook's fix works.
    Registering an id that is not a row fails at once.
    """

    def __init__(self, chapter: str):
        self.chapter = chapter
        self.rows = {r.id: r for r in rows(chapter)}
        self.reproductions: dict = {}
        self.fix_checks: dict = {}
        self.slow: set[str] = set()  # rows whose proof starts a process: marked ``slow``

    def _register(self, table: dict, row_id: str):
        if row_id not in self.rows:
            raise KeyError(f"{self.chapter} has no erratum {row_id!r}")

        def decorator(func):
            table[row_id] = func
            return func

        return decorator

    def reproduces(self, row_id: str, slow: bool = False):
        if slow:
            self.slow.add(row_id)
        return self._register(self.reproductions, row_id)

    def fixes(self, row_id: str):
        return self._register(self.fix_checks, row_id)

    def tests(self):
        """The three tests every chapter's ``test_errata.py`` binds to module names."""
        import inspect

        import pytest

        ids = [pytest.param(row_id, marks=[pytest.mark.slow] if row_id in self.slow else [],
                            id=row_id) for row_id in self.rows]

        def test_every_row_is_reproduced_and_its_fix_checked():
            assert sorted(self.reproductions) == sorted(self.rows), "a row without a reproduction"
            assert sorted(self.fix_checks) == sorted(self.rows), "a row without a fix check"

        @pytest.mark.parametrize("row_id", ids)
        async def test_reproduction_gives_the_exact_error(row_id):
            happened = self.reproductions[row_id]()
            if inspect.isawaitable(happened):
                happened = await happened
            expected = self.rows[row_id].error
            assert matches(expected, happened), f"{row_id}: the README says {expected!r}"

        @pytest.mark.parametrize("row_id", ids)
        async def test_the_fix_works(row_id):
            checked = self.fix_checks[row_id]()
            if inspect.isawaitable(checked):
                await checked

        return (test_every_row_is_reproduced_and_its_fix_checked,
                test_reproduction_gives_the_exact_error, test_the_fix_works)


def get_event_loop_outside_a_loop_on_3_14() -> tuple[int, str]:
    """(exit code, last line of stderr) of ``asyncio.get_event_loop()`` with no loop,
    on a Python 3.14+ (the chapters' get_event_loop rows say it raises there);
    pytest-skips where this machine has no such Python."""
    from workbook.pythons import run_newer_python

    result = run_newer_python("-c", "import asyncio; asyncio.get_event_loop()", at_least=(3, 14))
    return result.returncode, result.stderr.strip().splitlines()[-1]
