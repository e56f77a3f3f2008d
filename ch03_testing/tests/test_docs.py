"""The developer docs (ch03_testing/docs/, Sphinx) build with warnings as errors, from the code's docstrings.

The API page documents ch02_quart.myservice (its create_app factory) by
importing it, so a docstring that changes shows up here, and one that breaks
the build (a bad reference, bad reST) fails this test, as it fails `tox -e docs`.
"""

import shutil
import subprocess
import sys

import pytest

from workbook.catalogue import ROOT

pytestmark = pytest.mark.slow  # two Sphinx builds

DOCS = ROOT / "ch03_testing" / "docs"


def sphinx_build(source, out):
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-E", "-q", "-b", "html",
         str(source), str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
    )


def test_docs_build_with_warnings_as_errors(tmp_path):
    result = sphinx_build(DOCS, tmp_path / "html")
    assert result.returncode == 0, result.stdout + result.stderr
    api = (tmp_path / "html" / "api.html").read_text(encoding="utf-8")
    # the factory, its parameter and its docstring came from the code
    assert "create_app" in api and "settings_override" in api
    assert "Build and configure a new myservice application" in api
    assert "A cheap liveness check" in api  # the health view's docstring
    assert (tmp_path / "html" / "usage.html").is_file()


def test_a_broken_reference_fails_the_build(tmp_path):
    source = tmp_path / "docs"
    shutil.copytree(DOCS, source, ignore=shutil.ignore_patterns("_build"))
    with (source / "usage.rst").open("a", encoding="utf-8") as page:
        page.write("\nSee :func:`ch02_quart.myservice.no_such_function`.\n")
    result = sphinx_build(source, tmp_path / "html")
    assert result.returncode != 0
    assert "no_such_function" in result.stderr
