"""The catalogue cannot drift from the files: every example is listed, exists and is tested."""

from __future__ import annotations

import fnmatch
import importlib
import re
from pathlib import Path

import pytest

from workbook import catalogue
from workbook.catalogue import CHAPTERS, ROOT

EXAMPLES = catalogue.all_examples()


def support_patterns() -> list[str]:
    """Files that belong to an example without being one (a blueprint module, a package's insides)."""
    patterns: list[str] = []
    for name in CHAPTERS:
        try:
            mod = importlib.import_module(f"workbook.catalogue.{name}")
        except ModuleNotFoundError:
            continue
        patterns.extend(getattr(mod, "SUPPORT_FILES", ()))
    return patterns


def chapter_python_files() -> list[str]:
    files = []
    for folder in CHAPTERS.values():
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if path.name == "__init__.py" and path.parent == ROOT / folder:
                continue
            if "tests" in path.relative_to(ROOT).parts or path.name in ("conftest.py",):
                continue
            files.append(rel)
    return files


def test_ids_are_unique_and_well_formed():
    ids = [e.id for e in EXAMPLES]
    assert len(ids) == len(set(ids)), "duplicate ids in the catalogue"
    for e in EXAMPLES:
        assert re.fullmatch(r"ch0\d\.[a-z0-9_]+", e.id), e.id
        assert e.chapter in CHAPTERS, e.id
        assert e.file.startswith(CHAPTERS[e.chapter] + "/"), (e.id, e.file)
        assert e.kind in ("server", "script"), e.id
        assert e.summary and len(e.summary) < 120, e.id


def test_every_entry_file_exists():
    missing = [e.file for e in EXAMPLES if not (ROOT / e.file).is_file()]
    assert missing == []


def test_every_chapter_file_is_in_the_catalogue():
    listed = {e.file for e in EXAMPLES}
    patterns = support_patterns()
    unlisted = [f for f in chapter_python_files()
                if f not in listed and not any(fnmatch.fnmatch(f, p) for p in patterns)]
    assert unlisted == [], (
        "these files are in a chapter folder but not in workbook/catalogue/chNN.py "
        "(add an Example, or list them in SUPPORT_FILES if they are part of one)"
    )


def test_servers_have_ports_and_probes_scripts_have_checks():
    ports = [e.port for e in EXAMPLES if e.kind == "server"]
    assert len(ports) == len(set(ports)), "two server examples share a default port"
    for e in EXAMPLES:
        if e.kind == "server":
            assert e.port and 1024 < e.port < 65536, e.id
            assert e.probes, f"{e.id} has no probes"
            # bad input is part of every server's lesson
            assert any(p.status >= 400 for p in e.probes), f"{e.id} has no bad-input probe"
        else:
            assert e.stdout_contains, f"{e.id} is a script with no output check"


# Where each chapter keeps its tests: chapter 3 teaches testing, so (as in the book)
# its tests live next to the code they test; the other chapters' live under tests/.
TEST_DIRS = {
    "ch01": "tests/ch01",
    "ch02": "tests/ch02",
    "ch03": "ch03_testing/tests",
    "ch04": "tests/ch04",
}


def mirrored_test_files(example) -> list[Path]:
    """The test files named after ``example``: ``test_<stem>.py`` in its chapter's test folder.

    A package (run with ``python -m``) is named after the package; a large one may instead
    have one test file per module, ``test_<package>_<module>.py``.
    """
    stem = Path(example.file).stem
    if stem == "__main__":
        stem = Path(example.file).parent.name
    folder = ROOT / TEST_DIRS[example.chapter]
    files = [folder / f"test_{stem}.py"]
    if example.module:
        files += sorted(folder.glob(f"test_{stem}_*.py"))
    return [f for f in files if f.is_file()]


def test_every_chapter_has_a_test_folder():
    assert set(TEST_DIRS) == set(CHAPTERS)
    for chapter, folder in TEST_DIRS.items():
        assert (ROOT / folder).is_dir(), f"{chapter}'s tests should live in {folder}"


def test_every_entry_has_a_mirrored_test_file():
    """Beyond the generic learner run, each example has its own test file, named after it,
    that imports or runs it (the file is where a learner looks for the example's tests)."""
    missing, unrelated = [], []
    for e in EXAMPLES:
        files = mirrored_test_files(e)
        if not files:
            missing.append(f"{e.id}: {TEST_DIRS[e.chapter]}/test_{Path(e.file).stem}.py")
        elif not any(e.dotted in f.read_text(encoding="utf-8") or f'"{e.id}"' in f.read_text(
                encoding="utf-8") for f in files):
            unrelated.append(e.id)
    assert missing == [], "these examples have no test file named after them"
    assert unrelated == [], "these test files never import or run the example they are named after"


def test_every_test_file_in_a_chapter_folder_is_named_after_an_example():
    """The other direction: no topic-named files creeping back in (helpers and the
    chapter's tooling tests excepted)."""
    named = {f for e in EXAMPLES for f in mirrored_test_files(e)}
    allowed = {
        "test_load.py",  # ch03's load-test scenarios (load_molotov.py, load_locust.py)
        "test_docs.py",  # ch03's Sphinx docs (docs/)
        "test_tooling.py",  # ch03's tox.ini, coverage.ini and CI workflow
        "test_quart_basic.py",  # chapter 3's functional and integration tests of ch02's app
        "test_errata.py",  # each chapter's errata rows proven (workbook/catalogue/errata/)
    }
    strays = []
    for folder in TEST_DIRS.values():
        for path in sorted((ROOT / folder).glob("test_*.py")):
            if path not in named and path.name not in allowed:
                strays.append(path.relative_to(ROOT).as_posix())
    assert strays == [], "name test files test_<example stem>.py after the example they test"


def test_every_server_documents_how_to_run_it():
    for e in EXAMPLES:
        source = (ROOT / e.file).read_text(encoding="utf-8")
        doc = source.split('"""')[1] if source.lstrip().startswith(('"""', "#")) and '"""' in source else ""
        assert doc.strip(), f"{e.file} has no module docstring"
        if e.kind == "server" and not e.module:
            assert "PORT" in source, f"{e.file} ignores the PORT environment variable"
            assert str(e.port) in source, f"{e.file} does not mention its default port {e.port}"


@pytest.mark.parametrize("selector", ["nope", "ch09", "ch01.nope"])
def test_unknown_selector_is_a_clear_error(selector):
    with pytest.raises(catalogue.UnknownExample, match="unknown example"):
        catalogue.select([selector])


def test_chapter_folders_exist():
    for folder in CHAPTERS.values():
        assert (ROOT / folder / "README.md").is_file() or not any(
            e.file.startswith(folder) for e in EXAMPLES
        ), f"{folder} has examples but no README.md"
    assert Path(ROOT / "README.md").is_file()


def test_skip_if_is_a_function_giving_a_reason_or_none():
    guarded = [e for e in catalogue.all_examples() if e.skip_if is not None]
    assert guarded, "the PostgreSQL examples say when they cannot run"
    for example in guarded:
        assert callable(example.skip_if), example.id
        reason = example.skip_reason()
        assert reason is None or (isinstance(reason, str) and reason), example.id
    unguarded = next(e for e in catalogue.all_examples() if e.skip_if is None)
    assert unguarded.skip_reason() is None
