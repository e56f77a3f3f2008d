"""Which classroom notebook covers which catalogue examples.

``tests/test_notebooks.py`` holds this to account: a notebook listed here must
exist once its chapter has one, must list every example of its chapter, and
must actually name each example (its dotted module or its id) in its cells.
A chapter whose notebook file does not exist yet is simply not covered yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbook.catalogue import ROOT


@dataclass(frozen=True)
class Notebook:
    file: str  # relative to the workbook's root
    chapter: str  # "ch01"
    covers: tuple[str, ...]  # example ids, in the order the notebook walks them
    solutions: str = ""  # the instructor's solutions to its exercises

    @property
    def path(self):
        return ROOT / self.file

    @property
    def solutions_path(self):
        return ROOT / self.solutions if self.solutions else None


NOTEBOOKS: tuple[Notebook, ...] = (
    Notebook(
        file="notebooks/02_quart.ipynb",
        chapter="ch02",
        covers=("ch02.quart_basic", "ch02.myservice"),
        solutions="notebooks/solutions/02_quart.py",
    ),
)


def for_chapter(chapter: str) -> Notebook | None:
    for nb in NOTEBOOKS:
        if nb.chapter == chapter:
            return nb
    return None


def covering(example_id: str) -> Notebook | None:
    """The notebook that walks through an example, if any."""
    for nb in NOTEBOOKS:
        if example_id in nb.covers:
            return nb
    return None
