"""Chapter 3's errata, proven: each row's faulty code, reproduced here, gives exactly its error.

The faulty code is written in this file in the fewest lines that show the
fault (never copied from the book's samples); each fix check runs the
workbook's corrected version. The rows: workbook/catalogue/errata/ch03.py.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import pytest

from workbook.catalogue import ROOT
from workbook.catalogue.errata import Proofs, failure

proofs = Proofs("ch03")



async def body_of_api() -> bytes:
    from ch02_quart.quart_basic import app as app_under_test

    response = await app_under_test.test_client().get("/api")
    return await response.get_data()


# ---------------------------------------------------------------- the functional test


@proofs.reproduces("test_two_names")
async def _():
    namespace: dict = {}
    exec("from ch02_quart.quart_basic import app as test_app", namespace)
    return failure(lambda: eval("tested_app.test_client()", namespace))


@proofs.reproduces("test_json_load")
async def _():
    data = await body_of_api()
    return failure(lambda: json.load(str(data, "utf-8")))


@proofs.reproduces("test_world_uppercase")
async def _():
    body = json.loads(str(await body_of_api(), "utf-8"))
    case = unittest.TestCase()
    said = failure(lambda: case.assertEqual(body["Hello"], "WORLD!"))
    first, *diff = said.splitlines()
    assert diff == ["- World!", "+ WORLD!"]  # the diff unittest prints below
    return first


@proofs.fixes("test_two_names")
@proofs.fixes("test_json_load")
@proofs.fixes("test_world_uppercase")
async def _():
    # the book's test, as it should read
    body = json.loads(str(await body_of_api(), "utf-8"))
    unittest.TestCase().assertEqual(body["Hello"], "World!")


@functools.cache
def pytest_runs() -> dict[str, str]:
    """pytest run three ways in one fresh process (no plugins: faster, and what the book had)."""
    folder = Path(tempfile.mkdtemp(prefix="ch03-errata-"))
    (folder / "bad").mkdir()
    (folder / "good").mkdir()
    (folder / "empty").mkdir()
    test = "from ch02_quart.quart_basic import app as {name}\n\n\ndef test_it():\n    assert {name}\n"
    (folder / "bad" / "test_named_test_app.py").write_text(test.format(name="test_app"))
    (folder / "good" / "test_named_app_under_test.py").write_text(test.format(name="app_under_test"))
    driver = """
import contextlib, io, json, os, sys, pytest
out = {}
for name, folder, args in [
    ("collect", "bad", ["-q", "-W", "default"]),
    ("named", "good", ["-q", "-W", "error::pytest.PytestCollectionWarning"]),
    ("conv", "good", ["--conv=quart_basic", "--flake8"]),
    ("glob", "empty", ["test_*"]),
]:
    os.chdir(os.path.join(sys.argv[1], folder))
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        code = pytest.main(["-p", "no:cacheprovider", *args])
    out[name] = f"exit {int(code)}\\n" + buffer.getvalue()
print(json.dumps(out))
"""
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", driver, str(folder)], capture_output=True,
                            text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def line_with(text: str, needle: str) -> str:
    return next(line.strip() for line in text.splitlines() if needle in line)


@proofs.reproduces("test_app_collected", slow=True)  # pytest in a fresh process
def _():
    run = pytest_runs()["collect"]
    assert run.startswith("exit 0") and "1 passed" in run  # the test itself still runs
    line = line_with(run, "PytestCollectionWarning")  # after the path of the app's class
    return line[line.index("PytestCollectionWarning"):]


@proofs.fixes("test_app_collected")
def _():
    run = pytest_runs()["named"]
    assert run.startswith("exit 0") and "1 passed" in run, run  # and warnings are errors there


@proofs.reproduces("tox_conv_typo")
def _():
    run = pytest_runs()["conv"]
    assert run.startswith("exit 4")  # usage error
    return line_with(run, "unrecognized arguments")


@proofs.reproduces("tox_glob_unexpanded")
def _():
    run = pytest_runs()["glob"]
    assert run.startswith("exit 4")
    return line_with(run, "not found")


@proofs.fixes("tox_conv_typo")
@proofs.fixes("tox_glob_unexpanded")
def _():
    tox = (ROOT / "tox.ini").read_text(encoding="utf-8")
    assert "coverage run -m pytest" in tox and "ruff check" in tox
    assert "--conv" not in tox and "test_*" not in tox
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "testpaths" in pyproject


# ---------------------------------------------------------------- the unit-test target


def booklike_hero_names(json_body, hero_filter):
    for member in json_body.get("members", []):
        if hero_filter(member):
            yield member["name"]


@proofs.reproduces("heroes_renamed_field_silent")
def _():
    renamed = {"squad": [{"name": "Madame Uppercut", "age": 39}]}
    text = ""
    for hero in booklike_hero_names(renamed, lambda hero: hero.get("age", 0) > 30):
        text += f"{hero} is over 30\n"
    return repr(text)


@proofs.fixes("heroes_renamed_field_silent")
def _():
    from ch03_testing import superheroes

    renamed = {"squad": [{"name": "Madame Uppercut", "age": 39}]}
    with mock.patch.object(superheroes, "query_url", return_value=renamed):
        with pytest.raises(superheroes.HeroesFormatError, match="no 'members' list"):
            superheroes.format_heroes_over(30, url="http://127.0.0.1:9/unused")


# ---------------------------------------------------------------- profiling


@proofs.reproduces("flask_profiler_patch")
def _():
    return failure(lambda: importlib.import_module("quart.flask_patch"))


@proofs.fixes("flask_profiler_patch")
async def _():
    from ch03_testing import profiled

    with tempfile.TemporaryDirectory() as folder:
        with mock.patch.dict(profiled.app.config, {"PROFILE_DIR": folder}):
            response = await profiled.app.test_client().get("/fib/15")
        written = Path(response.headers["X-Profile"])
        assert written.parent == Path(folder) and "fibonacci_view" in written.name
        assert "fibonacci" in written.read_text(encoding="utf-8")


(test_every_row_is_reproduced_and_its_fix_checked,
 test_reproduction_gives_the_exact_error,
 test_the_fix_works) = proofs.tests()
