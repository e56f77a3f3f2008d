"""ch02_quart.load_settings and ch02_quart.prod_settings: four ways into app.config."""

import json

import pytest
from quart import Quart

from ch02_quart import load_settings

EXPECTED = {"DEBUG": False, "SQLURI": "postgresql://localhost/db"}


def values(app):
    return {key: app.config[key] for key in EXPECTED}


def test_from_object():
    app = Quart(__name__)
    app.config.from_object("ch02_quart.prod_settings.Config")
    assert values(app) == EXPECTED


@pytest.mark.parametrize("name", ["prod_settings.json", "prod_settings.yml"])
def test_from_file(name):
    app = Quart(__name__)
    load_settings.load_file(app, load_settings.HERE / name)
    assert values(app) == EXPECTED


def test_from_json_is_gone():
    with pytest.raises(AttributeError, match="from_json"):
        Quart(__name__).config.from_json("prod_settings.json")


def test_prefixed_environment_overrides(monkeypatch):
    monkeypatch.setenv("QUART_DEBUG", "true")  # JSON: the boolean True
    monkeypatch.setenv("QUART_SQLURI", "postgresql://me:secret@db/prod")  # not JSON: a str
    app = Quart(__name__)
    load_settings.load_file(app, load_settings.HERE / "prod_settings.yml")
    app.config.from_prefixed_env()
    assert app.config["DEBUG"] is True
    assert app.config["SQLURI"] == "postgresql://me:secret@db/prod"


def test_passwords_are_hidden_when_printed():
    assert load_settings.shown("postgresql://me:secret@db/prod") == "postgresql://me:***@db/prod"
    assert load_settings.shown("postgresql://localhost/db") == "postgresql://localhost/db"


def test_main_prints_each_source(capsys):
    assert load_settings.main([]) == 0
    out = capsys.readouterr().out
    for source in ("from_object(prod_settings.Config)", "from_file(prod_settings.json, json.load)",
                   "from_file(prod_settings.yml, yaml.safe_load)", "+ from_prefixed_env()"):
        assert source in out
    assert out.count("DEBUG=False  SQLURI=postgresql://localhost/db") >= 3


@pytest.mark.parametrize("name, content, why", [
    ("broken.json", '{"DEBUG": fal', "Expecting value: line 1 column 11"),
    ("broken.yml", "DEBUG: [\n", "expected the node content"),
    ("list.yml", "- a\n- b\n", "the top level must be a mapping of NAME: value, not list"),
    ("list.json", "[1, 2]", "not list"),
    ("missing.yml", None, "No such file or directory"),
])
def test_malformed_file_names_the_file(tmp_path, capsys, name, content, why):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(load_settings.SettingsError) as caught:
        load_settings.load_file(Quart(__name__), path)
    assert str(path) in str(caught.value) and why in str(caught.value)
    assert load_settings.main([str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot load settings from {path}: ")


def test_main_loads_one_good_file(tmp_path, capsys):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"DEBUG": True, "SQLURI": "sqlite://"}))
    assert load_settings.main([str(path)]) == 0
    assert "DEBUG=True  SQLURI=sqlite://" in capsys.readouterr().out
