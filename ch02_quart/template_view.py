"""A view rendering an HTML template, with autoescaping.

What it shows: ``await render_template("welcome.html", ...)`` finds the file
in the app's ``templates/`` folder; for ``.html`` templates Quart turns on
autoescaping, so a value like ``<script>`` is sent as ``&lt;script&gt;`` and
never runs in the reader's browser (no cross-site scripting through names).
Input is checked before rendering: a too-long name is a 400, not a page.

Run it:   python ch02_quart/template_view.py        (PORT=8112 by default)
Ask it:   curl -i "http://127.0.0.1:8112/welcome?name=Ada&item=fries&item=cola"
Expect:   200 text/html with <h1>Hello Ada!</h1> and the two items.
          name=<script>alert(1)</script> comes back as &lt;script&gt;...;
          a name over 50 characters gives 400 {"error": ...}; /nope 404.
"""

import os

from quart import Quart, render_template, request

app = Quart(__name__)

MAX_NAME = 50


@app.route("/welcome")
async def welcome():
    name = request.args.get("name", "stranger")
    if len(name) > MAX_NAME:
        return {"error": f"name is {len(name)} characters long, at most {MAX_NAME}"}, 400
    return await render_template("welcome.html", name=name,
                                 items=request.args.getlist("item"))


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8112"))
    print(f"Serving on http://127.0.0.1:{port}/welcome?name=Ada (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
