"""The project's own tooling, checked like code: tox.ini and the CI workflow agree.

The workflow (.github/workflows/ci.yml) must parse, run on Python 3.11-3.13,
and run every env tox.ini defines (so a new env cannot be forgotten in CI);
the coverage env must fail under a real threshold; the book's broken tox.ini
options must not come back.
"""

import configparser
import re

import yaml

from workbook.catalogue import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def tox_config():
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "tox.ini", encoding="utf-8")
    return config


def tox_envs():
    config = tox_config()
    listed = [e.strip() for e in re.split(r"[,\s]+", config["tox"]["env_list"]) if e.strip()]
    sections = [s.split(":", 1)[1] for s in config.sections() if s.startswith("testenv:")]
    return listed, sections


def workflow():
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_workflow_parses_and_triggers_on_push_and_pull_request():
    doc = workflow()
    # YAML 1.1 reads the key "on" as True: a classic trap when parsing workflows
    triggers = doc.get("on", doc.get(True))
    assert {"push", "pull_request"} <= set(triggers)
    assert doc["jobs"], "no jobs"
    for name, job in doc["jobs"].items():
        assert job["runs-on"].startswith("ubuntu"), name
        assert any("actions/checkout" in step.get("uses", "") for step in job["steps"]), name


def test_workflow_runs_every_tox_env():
    listed, sections = tox_envs()
    matrix = workflow()["jobs"]["tox"]["strategy"]["matrix"]["include"]
    in_ci = {row["toxenv"] for row in matrix}
    assert set(listed) | set(sections) <= in_ci, "tox envs missing from ci.yml"
    assert set(sections) <= set(listed), "a [testenv:x] section that plain `tox` skips"
    # every matrix row names an env tox knows
    assert in_ci <= set(listed) | set(sections)


def test_workflow_covers_python_311_to_313():
    matrix = workflow()["jobs"]["tox"]["strategy"]["matrix"]["include"]
    by_env = {row["toxenv"]: row["python"] for row in matrix}
    assert {by_env[f"py3{v}"] for v in (11, 12, 13)} == {"3.11", "3.12", "3.13"}
    assert all(by_env[f"py3{v}"] == f"3.{v}" for v in (11, 12, 13))


def test_workflow_also_runs_the_clean_clone_script():
    steps = workflow()["jobs"]["clean-clone"]["steps"]
    assert any(step.get("run", "").strip() == "bash .ci/run" for step in steps)
    assert (ROOT / ".ci" / "run").is_file()


def test_coverage_env_has_a_real_threshold():
    config = tox_config()
    commands = config["testenv:coverage"]["commands"]
    assert "coverage report" in commands
    rc = configparser.ConfigParser(interpolation=None)
    rc.read(ROOT / "ch03_testing" / "coverage.ini", encoding="utf-8")
    assert float(rc["report"]["fail_under"]) >= 90
    assert rc["run"]["source"].split() == [
        "ch01_wsgi_async", "ch02_quart", "ch03_testing", "ch04_jeeves"]
    assert "subprocess" in rc["run"]["patch"]


def test_the_books_tox_mistakes_are_gone():
    text = (ROOT / "tox.ini").read_text(encoding="utf-8")
    assert "pytest-conv" not in text and "--conv" not in text  # pytest-cov / --cov
    assert "pytest-flake8" not in text and "--flake8" not in text  # ruff instead
    assert "test_*" not in text  # tox does not expand shell globs
