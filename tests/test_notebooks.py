"""The classroom notebooks run, stay clean, cover their chapter, and their exercises work.

Each notebook in ``notebooks/`` is executed once, top to bottom, in a fresh
kernel (this interpreter's ipykernel) with a per-cell timeout:

- as committed: the exercise cells hold the book's bug, so every exercise's
  check cell must say NOT YET (proving the check can see the bug) while the
  notebook itself runs to the end;
- right after each check, in the same kernel, the instructor's solution from
  ``notebooks/solutions/`` runs, then the same check again: it must say PASS.
  Then the kernel's names are put back as they were before the solution, so
  the cells after it run on the committed (buggy) definitions, as a learner's
  would.

The run must finish within 60 s and leave no process behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from workbook import catalogue, notebook_outputs, pg
from workbook import notebook as helpers
from workbook.catalogue import ROOT
from workbook.catalogue.notebooks import NOTEBOOKS

NOTEBOOK_DIR = ROOT / "notebooks"
CELL_TIMEOUT = 30  # seconds per cell
NOTEBOOK_BUDGET = 60  # seconds per notebook, kernel start included
PRESENT = [nb for nb in NOTEBOOKS if nb.path.is_file()]

pytestmark = pytest.mark.slow


# -- running a notebook -----------------------------------------------------------

@pytest.fixture
def this_interpreters_kernel(tmp_path, monkeypatch, request):
    """Make kernel "python3" mean this interpreter, whatever else is installed.

    JUPYTER_PATH comes first in Jupyter's search path, so a kernel spec there
    wins over a user's own ``python3`` spec pointing at another Python.
    Like the rest of the suite, the kernel uses the run's one PostgreSQL (a
    database of its own in it: ``nb.postgres()`` reads DATABASE_URL; in class it
    embeds a server, as the JupyterLab test shows) and forks examples from a warm
    interpreter.
    """
    spec_dir = tmp_path / "jupyter" / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (workbook)",
        "language": "python",
    }))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    pid_log = tmp_path / "pids.txt"
    monkeypatch.setenv(helpers.PID_LOG_ENV, str(pid_log))
    monkeypatch.setenv(helpers.WARM_ENV, "1")
    # Plots render to files/inline without a display.
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    with contextlib.ExitStack() as stack:
        if catalogue.get("ch01.aiopg_select").skip_reason() is None:  # a PostgreSQL is at hand
            # A database of its own: nothing another test left behind can meet the notebook.
            database = pg.new_database(request.getfixturevalue("postgres_url"), prefix="notebook")
            monkeypatch.setenv("DATABASE_URL", stack.enter_context(database))
        yield pid_log


def execute(nb, cwd: Path = NOTEBOOK_DIR):
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
    )
    started = time.monotonic()
    client.execute()
    return time.monotonic() - started


def assert_all_stopped(pid_log: Path):
    pids = [int(p) for p in pid_log.read_text().split()] if pid_log.exists() else []
    alive = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        # A zombie is dead; only its parent (the gone kernel) could reap it.
        status = Path(f"/proc/{pid}/status")
        if status.exists() and "zombie" in status.read_text():
            continue
        alive.append(pid)
    assert alive == [], f"processes left running after the notebook: {alive}"


def text_of(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.data.get("text/plain", ""))
        elif out.output_type == "error":
            parts.append("\n".join(out.traceback))
    return "".join(parts)


def verdict_of(cell) -> str:
    """The PASS / NOT YET line a check cell printed (its stdout; a server log may be on stderr)."""
    lines = [line for out in cell.get("outputs", [])
             if out.output_type == "stream" and out.name == "stdout"
             for line in out.text.splitlines()
             if line.startswith((helpers.PASS + ":", helpers.NOT_YET + ":"))]
    return "\n".join(lines)


def tagged(nb, prefix: str) -> dict[str, object]:
    cells = {}
    for cell in nb.cells:
        for tag in cell.metadata.get("tags", []):
            if tag.startswith(prefix):
                cells[tag.removeprefix(prefix)] = cell
    return cells


def read_solutions(path: Path) -> dict[str, str]:
    """``# %% exercise: NAME`` blocks of a solutions file, by name."""
    solutions: dict[str, str] = {}
    name = None
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        match = re.match(r"# %% exercise: (\S+)", line)
        if match:
            name = match.group(1)
            solutions[name] = ""
        elif name:
            solutions[name] += line
    return {k: v.strip() + "\n" for k, v in solutions.items()}


# Cells the test adds after each check:NAME cell (never committed): save the
# kernel's names, run the solution, run the check again, put the names back.
SAVE = "_workbook_saved_names = dict(globals())"
RESTORE = """\
def _workbook_restore(saved, names):
    for name in [n for n in names if n not in saved]:
        del names[name]
    names.update(saved)


_workbook_restore(_workbook_saved_names, globals())"""


def with_solutions_checked(nb, solutions: dict[str, str]):
    """The notebook as committed, with each solution and its check run after the check."""
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        for tag in cell.metadata.get("tags", []):
            if tag.startswith("check:"):
                name = tag.removeprefix("check:")
                cells += [code(SAVE, ["test:save"]),
                          code(solutions[name], [f"solution:{name}"]),
                          code(cell.source, [f"solved-check:{name}"]),
                          code(RESTORE, ["test:restore"])]
    nb.cells = cells
    return nb


# -- the notebooks as committed ---------------------------------------------------

def test_notebooks_have_no_outputs():
    dirty = [p.name for p in sorted(NOTEBOOK_DIR.glob("*.ipynb"))
             if not notebook_outputs.is_clean(nbformat.read(p, as_version=4))]
    assert dirty == [], f"{dirty} carry outputs or execution counts; run workbook notebooks strip"


def test_every_notebook_file_is_in_the_catalogue():
    listed = {nb.path for nb in NOTEBOOKS}
    unlisted = [p.name for p in NOTEBOOK_DIR.glob("*.ipynb") if p not in listed]
    assert unlisted == [], "add them to workbook/catalogue/notebooks.py"


@pytest.mark.parametrize("nb", PRESENT, ids=lambda n: Path(n.file).stem)
def test_notebook_covers_its_chapter(nb):
    """Every example of the chapter is listed, exists, and is named in the notebook."""
    chapter_ids = {e.id for e in catalogue.all_examples() if e.chapter == nb.chapter}
    assert chapter_ids - set(nb.covers) == set(), (
        f"{nb.file} does not cover these {nb.chapter} examples yet"
    )
    assert set(nb.covers) - chapter_ids == set(), "covers ids not in the catalogue"
    source = "\n".join(c.source for c in nbformat.read(nb.path, as_version=4).cells)
    unnamed = [i for i in nb.covers
               if catalogue.get(i).dotted not in source and i not in source]
    assert unnamed == [], f"{nb.file} lists but never uses these examples"


@pytest.mark.parametrize("nb", PRESENT, ids=lambda n: Path(n.file).stem)
def test_exercises_have_checks_and_solutions(nb):
    book = nbformat.read(nb.path, as_version=4)
    exercises, checks = tagged(book, "exercise:"), tagged(book, "check:")
    assert exercises, f"{nb.file} has no exercise cells"
    assert set(exercises) == set(checks), "each exercise:NAME cell needs a check:NAME cell"
    assert set(read_solutions(nb.solutions_path)) == set(exercises)
    assert book.metadata.kernelspec.name == "python3"
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        assert "asyncio.run(" not in cell.source, "never asyncio.run() in the kernel"
        assert not re.search(r"\b(app\.run|run_app)\(", cell.source), cell.source


@pytest.mark.parametrize("nb", PRESENT, ids=lambda n: Path(n.file).stem)
def test_notebook_runs_top_to_bottom_and_its_solutions_pass(nb, this_interpreters_kernel):
    book = with_solutions_checked(nbformat.read(nb.path, as_version=4),
                                  read_solutions(nb.solutions_path))
    took = execute(book)
    assert took < NOTEBOOK_BUDGET, f"{nb.file} took {took:.1f} s"
    committed, solved = tagged(book, "check:"), tagged(book, "solved-check:")
    assert set(committed) == set(solved) != set()
    wrong = {}
    for expected, checks in ((helpers.NOT_YET, committed), (helpers.PASS, solved)):
        for name, cell in checks.items():
            verdict = verdict_of(cell)  # exactly one line, the expected one
            if not verdict.startswith(expected + ":") or "\n" in verdict:
                wrong[f"{name} should say {expected}"] = verdict or text_of(cell)
    assert wrong == {}
    # Checks outside exercises (the walk-through's own) always pass.
    assert f"{helpers.NOT_YET}:" not in "".join(
        text_of(c) for c in book.cells if not any(
            t.startswith(("check:", "solved-check:")) for t in c.metadata.get("tags", []))
    )
    assert "stopped" in text_of(book.cells[-1]), "the last cell stops every server"
    assert_all_stopped(this_interpreters_kernel)
    print(f"{nb.file} (as committed, each solution checked after its exercise): {took:.1f} s")


# -- the machinery itself ---------------------------------------------------------

def code(source: str, tags=()):
    cell = nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def test_the_kernel_its_in_loop_servers_and_a_solution_undone(this_interpreters_kernel):
    """One kernel start (they cost seconds) for three things: the kernel is this
    Python; in-loop servers answer, and stop_all() stops those still running and
    closes their ports; a solution run after its check leaves the committed
    names behind for the cells that follow."""
    book = nbformat.v4.new_notebook(cells=[
        code("import sys; print(sys.executable)"),
        code("from workbook import notebook as nb\nimport httpx\n"
             "from ch02_quart.quart_basic import app\n"
             "from aiohttp import web\n"
             "async def hello(request):\n    return web.json_response({'hi': 1})\n"
             "aio = web.Application(); aio.router.add_get('/', hello)\n"
             "q = await nb.serve_asgi(app)\nw = await nb.serve_aiohttp(aio)\n"
             "gone = await nb.serve(web.Application())\nawait gone.stop()  # stopped by hand\n"
             "async with httpx.AsyncClient() as c:\n"
             "    print((await c.get(q.url + '/api')).json(), (await c.get(w.url)).json())"),
        code("answer = 41", ["exercise:x"]),
        code("await nb.check('the answer', lambda: answer == 42)", ["check:x"]),
        code("print(answer, 'helper' in globals())"),
        code("await nb.stop_all()\nimport socket\n"
             "for port in (q.port, w.port, gone.port):\n"
             "    with socket.socket() as s:\n"
             "        print('closed' if s.connect_ex(('127.0.0.1', port)) else 'open')"),
    ])
    with_solutions_checked(book, {"x": "answer = 42\nhelper = 1\n"})
    execute(book)
    assert text_of(book.cells[0]).strip() == sys.executable
    assert text_of(book.cells[1]).strip() == "{'Hello': 'World!'} {'hi': 1}"
    assert verdict_of(tagged(book, "check:")["x"]) == "NOT YET: the answer"
    assert verdict_of(tagged(book, "solved-check:")["x"]) == "PASS: the answer"
    assert text_of(book.cells[-2]).strip() == "41 False"
    assert text_of(book.cells[-1]).split() == [
        "stopped", "2", "in-loop", "server(s)", "and", "0", "process(es)",
        "closed", "closed", "closed"]


def test_a_failing_cell_still_stops_the_servers(this_interpreters_kernel):
    """A cell raising mid-notebook ends the run; the kernel's exit stops the process."""
    book = nbformat.v4.new_notebook(cells=[
        code("from workbook import notebook as nb\n"
             "server = nb.start('ch01.time_wsgi')\nprint(server.pid)"),
        code("raise RuntimeError('a learner typo')"),
        code("await nb.stop_all()"),
    ])
    with pytest.raises(CellExecutionError, match="a learner typo"):
        execute(book)
    started = int(text_of(book.cells[0]).split()[-1])
    assert this_interpreters_kernel.read_text().split() == [str(started)]
    assert_all_stopped(this_interpreters_kernel)


async def test_check_says_pass_or_not_yet_and_never_raises(capsys):
    async def fine():
        return None

    def broken():
        return 1 / 0

    await helpers.check("async fine", fine)
    await helpers.check("broken", broken, hint="divide by something")
    await helpers.check("false", lambda: False)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "PASS: async fine"
    assert out[1] == "NOT YET: broken"
    assert "ZeroDivisionError" in out[2] and "divide by something" in out[3]
    assert out[4] == "NOT YET: false"


def test_solutions_file_format(tmp_path):
    path = tmp_path / "s.py"
    path.write_text("# header\n# %% exercise: one\nx = 1\n\n# %% exercise: two\ny = 2\n")
    assert read_solutions(path) == {"one": "x = 1\n", "two": "y = 2\n"}
