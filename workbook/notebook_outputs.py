"""``workbook notebooks``: the notebooks are committed without outputs.

    workbook notebooks strip [PATH ...]   # remove outputs and run metadata (default: notebooks/)
    workbook notebooks check [PATH ...]   # exit 1, naming them, if any carries outputs

A committed output is a diff nobody wrote and a result nobody re-ran; the
test suite and CI run ``check``.
"""

from __future__ import annotations

from pathlib import Path

from workbook.catalogue import ROOT

NOTEBOOK_DIR = ROOT / "notebooks"


def is_clean(nb) -> bool:
    return all(
        not cell.get("outputs") and cell.get("execution_count") is None
        for cell in nb.cells if cell.cell_type == "code"
    )


def strip_notebook(nb) -> bool:
    """Remove outputs, execution counts and run metadata. Returns True when changed."""
    changed = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.get("outputs") or cell.get("execution_count") is not None:
            changed = True
        cell["outputs"] = []
        cell["execution_count"] = None
        for key in ("execution", "collapsed", "scrolled"):
            if key in cell.metadata:
                del cell.metadata[key]
                changed = True
    for key in ("widgets",):
        if key in nb.metadata:
            del nb.metadata[key]
            changed = True
    return changed


def cmd_notebooks(args) -> int:
    import nbformat

    paths = args.paths or sorted(NOTEBOOK_DIR.glob("*.ipynb"))
    dirty = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if args.action == "strip":
            if strip_notebook(nb):
                nbformat.write(nb, path)
                print(f"stripped {path}")
        elif not is_clean(nb):
            dirty.append(path)
    for path in dirty:
        print(f"{path} has outputs: run workbook notebooks strip {path}")
    if args.action == "check" and not dirty:
        print(f"{len(paths)} notebook(s) without outputs")
    return 1 if dirty else 0


def register(sub) -> None:
    p = sub.add_parser("notebooks", help="strip the notebooks' outputs, or check there are none")
    p.add_argument("action", choices=["strip", "check"])
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="notebook files (default: every notebooks/*.ipynb)")
    p.set_defaults(func=cmd_notebooks)
