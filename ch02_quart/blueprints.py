"""Blueprints: views grouped in a module and registered on the app.

What it shows: ``teams.py`` defines a ``Blueprint`` with its views and its
own 404 handler; this main module imports it and calls
``app.register_blueprint(teams)``. ``url_prefix`` mounts the same blueprint
under a second prefix: the "reuse a set of views" idea of the book.

Run it:   python ch02_quart/blueprints.py        (PORT=8113 by default)
Ask it:   curl -i http://127.0.0.1:8113/teams/1
Expect:   200, ["Alice", "Bob"]; /teams gives {"1": [...], "2": [...]}.
          /teams/9 (no such team): 404 {"error": "not found", "description":
          "no team with id 9; ..."}; /teams/abc and /nope: Quart's 404.
          The same views answer under /v2: /v2/teams/2 gives ["Charles"].
"""

import os

from quart import Quart

from ch02_quart.teams import teams

app = Quart(__name__)
app.register_blueprint(teams)
# The same blueprint a second time needs its own name (endpoints are "v2.get_team").
app.register_blueprint(teams, url_prefix="/v2", name="v2")


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8113"))
    print(f"Serving on http://127.0.0.1:{port}/teams (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
