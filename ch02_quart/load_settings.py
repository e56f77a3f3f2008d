"""Loading configuration: a class, a JSON file, a YAML file, the environment.

What it shows: ``app.config`` is a dict with loaders: ``from_object`` (a
class's UPPER-CASE attributes), ``from_file(path, load=json.load)`` (the
book's ``from_json`` is gone), ``from_file(path, load=yaml.safe_load)`` (any
loader works) and ``from_prefixed_env()``: every ``QUART_*`` variable, parsed
as JSON when it can be (``QUART_DEBUG=false`` is ``False``); secrets belong
there. A malformed file raises ``SettingsError`` naming the file and why.

Run it:   python ch02_quart/load_settings.py
          QUART_SQLURI=postgresql://me:secret@db/prod python ch02_quart/load_settings.py
          python ch02_quart/load_settings.py some_file.json   (load one file)
Expect:   for each source, DEBUG and SQLURI as loaded; then the environment
          layer on top. A broken file: "error: cannot load settings from
          <file>: <why>" and exit status 1.
"""

import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from quart import Quart

HERE = Path(__file__).resolve().parent


class SettingsError(Exception):
    pass


def load_file(app: Quart, path: Path) -> None:
    """Load a .json or .yml/.yaml settings file into app.config, or say clearly why not."""
    parse = json.load if path.suffix == ".json" else yaml.safe_load

    def load(stream):
        data = parse(stream)
        if not isinstance(data, dict):  # a list or a bare string is not settings
            raise TypeError(f"the top level must be a mapping of NAME: value, "
                            f"not {type(data).__name__}")
        return data

    try:
        # from_file opens the file (relative paths are relative to app.root_path)
        app.config.from_file(str(path), load=load)
    except (ValueError, TypeError, yaml.YAMLError, OSError) as exc:
        # json.JSONDecodeError is a ValueError, a missing file an OSError
        raise SettingsError(f"cannot load settings from {path}: {exc}") from exc


def shown(value):
    """Hide a password inside a URL before printing it."""
    if isinstance(value, str) and "://" in value:
        parts = urlsplit(value)
        if parts.password:
            return value.replace(f":{parts.password}@", ":***@")
    return value


def report(title: str, app: Quart) -> None:
    print(f"{title:46} DEBUG={app.config['DEBUG']!r}  SQLURI={shown(app.config.get('SQLURI'))}")


def main(argv: list[str]) -> int:
    if argv:
        app = Quart(__name__)
        try:
            load_file(app, Path(argv[0]).resolve())
        except SettingsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        report(f"from_file({argv[0]})", app)
        return 0

    app = Quart(__name__)
    app.config.from_object("ch02_quart.prod_settings.Config")
    report("from_object(prod_settings.Config)", app)

    app = Quart(__name__)
    load_file(app, HERE / "prod_settings.json")
    report("from_file(prod_settings.json, json.load)", app)

    app = Quart(__name__)
    load_file(app, HERE / "prod_settings.yml")
    report("from_file(prod_settings.yml, yaml.safe_load)", app)

    app.config.from_prefixed_env()  # QUART_* on top of the YAML values
    report("+ from_prefixed_env() (QUART_* variables)", app)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
