"""A YAML response helper: any body format is a (body, status, headers) tuple.

What it shows: ``yamlify()`` dumps data with ``yaml.safe_dump`` and returns
``(body, status, headers)`` with ``Content-Type: application/x-yaml``; Quart
turns the tuple into a ``Response``. The 404 handler answers in YAML too, so
a client never has to parse two formats.

Run it:   python ch02_quart/yamlify.py        (PORT=8106 by default)
Ask it:   curl -i http://127.0.0.1:8106/api
Expect:   200, Content-Type: application/x-yaml, body:
              - Hello
              - YAML
              - World!
          /nope gives 404 in YAML: "error: not found".
"""

import os

import yaml
from quart import Quart, request

app = Quart(__name__)


def yamlify(data, status=200, headers=None):
    _headers = {"Content-Type": "application/x-yaml"}
    if headers is not None:
        _headers.update(headers)
    return yaml.safe_dump(data, allow_unicode=True), status, _headers


@app.route("/api")
async def my_microservice():
    return yamlify(["Hello", "YAML", "World!"])


@app.errorhandler(404)
async def not_found(error):
    return yamlify({"error": "not found", "path": request.path}, 404)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8106"))
    print(f"Serving on http://127.0.0.1:{port}/api (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
