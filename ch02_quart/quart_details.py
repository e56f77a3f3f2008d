"""How Quart handles a request: the URL map, the request object, the response.

What it shows: at start-up every ``@app.route`` view is in ``app.url_map``
(printed, as the book does). Per request Quart builds a ``Request`` in an
isolated context, calls the view, and turns its return value into a
``Response``. ``provide_automatic_options=False`` removes the OPTIONS method
Quart would answer for you, so ``/api`` has only GET and HEAD.

Run it:   python ch02_quart/quart_details.py        (PORT=8101 by default)
Ask it:   curl -i "http://127.0.0.1:8101/api?name=Ada"
Expect:   200, application/json, the request's useful attributes, e.g.
          {"method": "GET", "path": "/api", "args": {"name": "Ada"}, ...};
          the server prints the Request and Response objects.
          POST or OPTIONS /api gives 405 (only GET/HEAD are routed), /nope 404.
"""

import os

from quart import Quart, jsonify, request

app = Quart(__name__)


@app.route("/api", provide_automatic_options=False)
async def my_microservice():
    # The book prints dir(request); these are the attributes worth knowing.
    print(request)
    details = {
        "method": request.method,
        "path": request.path,
        "args": request.args.to_dict(),
        "url": request.url,
        "scheme": request.scheme,
        "http_version": request.http_version,
        "remote_addr": request.remote_addr,
        "user_agent": request.headers.get("User-Agent"),
        "endpoint": request.endpoint,
        "url_rule": str(request.url_rule),
        "view_args": request.view_args,
    }
    response = jsonify(details)  # what returning the dict would do for us
    print(response, await response.get_data())
    return response


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8101"))
    print(app.url_map, flush=True)
    print(f"Serving on http://127.0.0.1:{port}/api (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
