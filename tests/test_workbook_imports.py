"""workbook/ is the support package: it imports no chapter (chapters import it, never the reverse)."""

from __future__ import annotations

import ast
from pathlib import Path

from workbook.catalogue import CHAPTERS, ROOT


def chapter_imports(path: Path) -> list[str]:
    """``line name`` for every import of a chapter module in a Python file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("import_module", "find_spec") and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names = [node.args[0].value]  # importlib.import_module("ch01_...")
        else:
            continue
        found += [f"{node.lineno} {name}" for name in names
                  if name.split(".")[0] in CHAPTERS.values()]
    return found


def test_workbook_imports_no_chapter_module():
    files = sorted((ROOT / "workbook").rglob("*.py"))
    assert len(files) > 5
    hits = [f"{f.relative_to(ROOT)}:{hit}" for f in files for hit in chapter_imports(f)]
    assert hits == [], "workbook/ must not import a chapter (name it as a string, run it as a module)"


def test_the_scan_sees_every_form_of_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import ch01_wsgi_async.time_wsgi\n"
                      "from ch02_quart import quart_basic\n"
                      "import importlib\nimportlib.import_module('ch04_jeeves.jeeves')\n"
                      "from workbook import serving\nfrom . import sibling\n"
                      "NAME = 'ch03_testing.people'  # a string is not an import\n")
    assert chapter_imports(sample) == [
        "1 ch01_wsgi_async.time_wsgi", "2 ch02_quart", "4 ch04_jeeves.jeeves"]
