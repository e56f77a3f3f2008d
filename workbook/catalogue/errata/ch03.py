"""Chapter 3's errata: the book's published samples (CodeSamples/Chapter3) and the notes.

Proven by ch03_testing/tests/test_errata.py, one reproduction per row.
"""

from workbook.catalogue.errata import Erratum

SAMPLES = "`CodeSamples/Chapter3/"
BOOK_TEST = "notes, *Functional tests* (the book's `test_quart_basic.py` has it right)"

ERRATA = [
    Erratum(
        id="test_two_names",
        source="notes",
        where=BOOK_TEST,
        code="`from quart_basic import app as test_app` ... `app = tested_app.test_client()`",
        error="NameError: name 'tested_app' is not defined",
        fix="one name, and not one pytest collects: `app as app_under_test`, as the book does",
        why="the import and the use disagree",
    ),
    Erratum(
        id="test_json_load",
        source="notes",
        where=BOOK_TEST,
        code="`json.load(str(await hello.get_data(), 'utf-8'))`",
        error="AttributeError: 'str' object has no attribute 'read'",
        fix="`json.loads(...)` (or `await response.get_json()`)",
        why="`load` reads a file, `loads` a string",
    ),
    Erratum(
        id="test_world_uppercase",
        source="notes",
        where=BOOK_TEST,
        code="`self.assertEqual(body['Hello'], \"WORLD!\")`",
        error="AssertionError: 'World!' != 'WORLD!'",
        note="(unittest adds a diff below)",
        fix="`\"World!\"`",
        why="the service says `World!`",
    ),
    Erratum(
        id="test_app_collected",
        source="notes",
        where=BOOK_TEST,
        code="`from quart_basic import app as test_app`, run by pytest",
        error="PytestCollectionWarning: cannot collect 'test_app' because it is not a function.",
        note="the tests still run; pytest tried to collect the app as a test",
        fix="`app_under_test` (the book's name)",
        why="pytest collects every module-level name starting with `test`",
    ),
    Erratum(
        id="heroes_renamed_field_silent",
        source="book",
        where=SAMPLES + "requests_example1.py`, `requests_example2.py`",
        code="`for member in json_body.get(\"members\", []):`",
        error="''",
        note="the whole report, when the API renames `members`: no heroes, no error",
        fix="check the shape and raise `HeroesFormatError` (`superheroes.py`); the front "
            "answers a clear 502",
        why="fail predictably, as the chapter asks, instead of answering wrong",
    ),
    Erratum(
        id="flask_profiler_patch",
        source="libraries",
        broke_in="Quart 0.19",
        where=SAMPLES + "quart_profiled.py`",
        code="`import flask_profiler`; `import quart.flask_patch`",
        error="ModuleNotFoundError: No module named 'quart.flask_patch'",
        note="flask-profiler is a Flask extension; it only ran through the patch",
        fix="pyinstrument in `before_request`/`after_request` hooks, switched on by "
            "`PROFILE_DIR` (`profiled.py`)",
        why="Quart 0.19 dropped `quart.flask_patch`; a profiler that follows the async task "
            "needs no Flask",
    ),
    Erratum(
        id="tox_conv_typo",
        source="notes",
        where="notes, *Using pytest and tox* (the book's published `tox.ini` uses "
              "`pytest-cov` and `--cov`)",
        code="`deps = pytest-conv`; `commands = pytest --conv=quart_basic --flake8 test_*`",
        error="...: error: unrecognized arguments: --conv=quart_basic --flake8",
        note="and pip finds no `pytest-conv` at all",
        fix="`pytest-cov` and `--cov=...`, or coverage itself (`coverage run -m pytest`, as "
            "`tox -e coverage` does); lint in its own env (`ruff check .` in `tox -e lint`)",
        why="the options belong to plugins that were not installed",
    ),
    Erratum(
        id="tox_glob_unexpanded",
        source="notes",
        where="notes, *Using pytest and tox*",
        code="`commands = pytest ... test_*` (and `pytest test_*`)",
        error="ERROR: file or directory not found: test_*",
        note="in tox, always: it runs commands without a shell; in a shell, whenever the current "
             "folder has no `test_*` file",
        fix="no glob: `pytest` finds `test_*.py` itself (`testpaths` in `pyproject.toml`)",
        why="only a shell expands `*`, relative to where you stand",
    ),
]
