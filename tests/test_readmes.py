"""The chapter READMEs' generated blocks cannot drift from their one source.

Example tables come from the catalogue, errata tables from
workbook/catalogue/errata/, the 繁體 key points from the 简体 ones (OpenCC
s2twp). Run `workbook readme` after changing any of them.
"""

from __future__ import annotations

import pytest

from workbook import catalogue, readme
from workbook.catalogue import errata

CHAPTERS = [c for c in catalogue.CHAPTERS if readme.readme_path(c).is_file()]
ERRATA_TESTS = {
    "ch01": "tests/ch01/test_errata.py",
    "ch02": "tests/ch02/test_errata.py",
    "ch03": "ch03_testing/tests/test_errata.py",
    "ch04": "tests/ch04/test_errata.py",
}


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_generated_blocks_are_current(chapter):
    path = readme.readme_path(chapter)
    text = path.read_text(encoding="utf-8")
    assert readme.render(chapter, text) == text, f"{path} is stale: run `workbook readme`"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_readme_has_its_tables(chapter):
    names = readme.block_names(readme.readme_path(chapter).read_text(encoding="utf-8"))
    assert "examples" in names
    for table in {row.table for row in errata.rows(chapter)}:
        assert table in names, f"{chapter}'s errata table {table!r} is not in its README"
    assert any(n.startswith("zh-hant") for n in names), "no 繁體 key points"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_with_errata_proves_them(chapter):
    if errata.rows(chapter):
        test_file = catalogue.ROOT / ERRATA_TESTS[chapter]
        assert "Proofs(" in test_file.read_text(encoding="utf-8"), test_file


def test_a_row_names_one_of_three_sources():
    with pytest.raises(ValueError, match="source must be one of"):
        errata.Erratum(id="x", source="workbook", where="", code="", error="", fix="", why="")
    with pytest.raises(ValueError, match="broke_in is required"):
        errata.Erratum(id="x", source="libraries", where="", code="", error="", fix="", why="")


def test_traditional_chinese_is_opencc_s2twp():
    assert readme.to_traditional("要点：后台任务的数据库") == "要點：後臺任務的資料庫"


def test_the_ellipsis_stands_for_any_text():
    assert errata.matches("No such file: '.../settings.yml'", "No such file: '/tmp/a/settings.yml'")
    assert not errata.matches("KeyError: 9", "KeyError: 99")
