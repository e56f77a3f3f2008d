"""``workbook notebooks strip|check``: notebooks are committed without outputs."""

from __future__ import annotations

import nbformat

from workbook import cli


def dirty_notebook(path):
    cell = nbformat.v4.new_code_cell("print(1)")
    cell.execution_count = 3
    cell.outputs = [nbformat.v4.new_output("stream", text="1\n")]
    cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)


def test_check_names_a_dirty_notebook_and_strip_cleans_it(tmp_path, capsys):
    path = tmp_path / "dirty.ipynb"
    dirty_notebook(path)
    assert cli.main(["notebooks", "check", str(path)]) == 1
    assert f"{path} has outputs: run workbook notebooks strip {path}" in capsys.readouterr().out
    assert cli.main(["notebooks", "strip", str(path)]) == 0
    assert f"stripped {path}" in capsys.readouterr().out
    assert cli.main(["notebooks", "check", str(path)]) == 0
    clean = nbformat.read(path, as_version=4).cells[0]
    assert clean.outputs == [] and clean.execution_count is None and clean.source == "print(1)"
    assert "execution" not in clean.metadata
    assert cli.main(["notebooks", "strip", str(path)]) == 0
    assert "stripped" not in capsys.readouterr().out  # nothing left to strip: file untouched


def test_check_defaults_to_the_workbooks_notebooks(capsys):
    assert cli.main(["notebooks", "check"]) == 0
    assert "notebook(s) without outputs" in capsys.readouterr().out
