"""Everything a Quart view may return, and the response each becomes.

- ``/str``: a ``str`` becomes ``text/html; charset=utf-8``;
- ``/dict``: a ``dict`` becomes JSON (``jsonify``); ``/list``: so does a list;
- ``/response``: a ``Response`` you build yourself is sent as it is;
- ``/created``: a ``(body, status)`` tuple sets the status (201);
- ``/headers``: a ``(body, status, headers)`` tuple adds headers;
- ``/stream``: an async generator is streamed chunk by chunk; ``/stream-sync``:
  so is a plain generator (Quart runs each step in a worker thread).

Run it:   python ch02_quart/response_types.py        (PORT=8105 by default)
Ask it:   curl -i http://127.0.0.1:8105/headers
Expect:   200, X-Example: yes, {"Hello": "World!"}; see each route above.
          /stream sends "chunk 0" .. "chunk 4", /stream-sync "line 0" .. "line 4".
          /nope gives 404; POST /dict gives 405.
"""

import asyncio
import os

from quart import Quart, Response

app = Quart(__name__)


@app.route("/str")
async def as_str():
    return "<h1>Hello World!</h1>"


@app.route("/dict")
async def as_dict():
    return {"Hello": "World!"}


@app.route("/list")
async def as_list():
    return ["Hello", "World!"]


@app.route("/response")
async def as_response():
    return Response("Hello World!\n", status=200, content_type="text/plain; charset=utf-8")


@app.route("/created")
async def as_body_and_status():
    return {"created": True}, 201


@app.route("/headers")
async def as_body_status_headers():
    return {"Hello": "World!"}, 200, {"X-Example": "yes"}


@app.route("/stream")
async def as_stream():
    async def chunks():
        for number in range(5):
            yield f"chunk {number}\n".encode()
            await asyncio.sleep(0)  # a real stream awaits data here (a DB cursor, a queue)

    return chunks(), 200, {"Content-Type": "text/plain; charset=utf-8"}


@app.route("/stream-sync")
def as_sync_stream():
    def lines():
        for number in range(5):
            # Each next() runs in a worker thread: a blocking read (a file, a sync
            # database cursor) here does not stall the event loop.
            yield f"line {number}\n"

    return lines(), 200, {"Content-Type": "text/plain; charset=utf-8"}


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8105"))
    print(f"Serving on http://127.0.0.1:{port}/dict (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
