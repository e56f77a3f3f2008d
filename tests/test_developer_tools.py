"""The developer tools people expect are set up, and set up so they work offline.

pre-commit's hooks are all ``repo: local`` with ``language: system``: the tools
are the dev extras (from PyPI, pinned by the lock), so pre-commit never clones a
hook repository from a git host. ``.ci/run`` runs ``pre-commit run --all-files``;
here we check the configuration and that each hook's tool is installed.
"""

from __future__ import annotations

import shutil
import tomllib

import pytest
import yaml

from workbook.catalogue import ROOT

CONFIG = ROOT / ".pre-commit-config.yaml"


def hooks() -> dict[str, dict]:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    return {hook["id"]: hook for hook in config["repos"][0]["hooks"]}


def dev_extras() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        line.split(">")[0].split("[")[0].strip() for line in project["optional-dependencies"]["dev"]
    }


def test_hooks_lint_format_strip_notebooks_and_fix_whitespace():
    found = hooks()
    assert {"ruff", "ruff-format", "nbstripout", "end-of-file-fixer", "trailing-whitespace"} <= set(
        found
    )
    assert all(hook["language"] == "system" for hook in found.values())
    assert found["nbstripout"]["files"].startswith("^notebooks/")
    assert "--keep-id" in found["nbstripout"]["args"]  # no churn of cell ids


@pytest.mark.parametrize("hook_id", sorted(hooks()))
def test_each_hook_runs_a_dev_extra_that_is_installed(hook_id):
    command = hooks()[hook_id]["entry"].split()[0]
    package = {
        "end-of-file-fixer": "pre-commit-hooks",
        "trailing-whitespace-fixer": "pre-commit-hooks",
        "check-yaml": "pre-commit-hooks",
        "check-toml": "pre-commit-hooks",
    }.get(command, command)
    assert package in dev_extras(), f"{package} (for {hook_id}) is not in the dev extras"
    assert shutil.which(command), f"{command} is not installed: pip install -e '.[dev]'"


def test_ci_runs_pre_commit_on_every_file():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pre-commit run --all-files" in ci
