# Solutions to the exercises in notebooks/01_wsgi_async.ipynb, for the instructor.
# Each "# %% exercise: NAME" block replaces the notebook cell tagged exercise:NAME
# (tests/test_notebooks.py runs the notebook with them and expects every check to PASS).

# %% exercise: book_wsgi
import json
import time


def application(environ, start_response):
    headers = [("Content-Type", "application/json")]  # the media type is application/json
    start_response("200 OK", headers)  # the reason phrase: "OK"
    return [bytes(json.dumps({"time": time.time()}), "utf8")]  # time.time(), not timetime()

# %% exercise: book_aiohttp
import time

from aiohttp import web


async def handle(request):
    return web.json_response({"time": time.time()})


def make_book_app():
    app = web.Application()  # the class: web.Application
    app.router.add_get("/", handle)
    return app

# %% exercise: blocking
import asyncio
import time

from aiohttp import web


async def slow(request):
    await asyncio.sleep(0.1)  # gives the loop back while waiting: others are served meanwhile
    return web.json_response({"time": time.time(), "slept": 0.1})
