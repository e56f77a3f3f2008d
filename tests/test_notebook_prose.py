"""What notebooks/README.md says a notebook covers matches the catalogue.

(The notebooks' own cells assert what their prose says they show, e.g. that a
profile file appears in notebook 03; tests/test_notebooks.py runs them.)
"""

from __future__ import annotations

import re

from workbook import catalogue
from workbook.catalogue import ROOT
from workbook.catalogue.notebooks import NOTEBOOKS


def test_the_example_counts_in_the_notebooks_readme_are_true():
    text = (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8")
    claims = {f"ch0{n}": int(k) for n, k in re.findall(r"chapter (\d), all (\d+) examples", text)}
    actual = {}
    for nb in NOTEBOOKS:
        examples = [e for e in catalogue.all_examples() if e.chapter == nb.chapter]
        assert set(nb.covers) == {e.id for e in examples}, f"{nb.file} does not cover them all"
        actual[nb.chapter] = len(examples)
    assert claims == actual
