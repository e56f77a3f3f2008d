"""Run myservice with Hypercorn: ``python -m ch02_quart.myservice``.

What it shows: serving an app factory's product with Hypercorn from Python,
with a clean stop on Ctrl-C or SIGTERM (Hypercorn's own signal handlers).

Run it:   python -m ch02_quart.myservice        (PORT=8120 by default)
   or:    hypercorn "ch02_quart.myservice:create_app()" --bind 127.0.0.1:8120
Ask it:   curl -i http://127.0.0.1:8120/
Expect:   200, {"service": "myservice", "greeting": "Hello from myservice"};
          MYSERVICE_GREETING=Hi changes the greeting; /nope gives a JSON 404.
"""

import asyncio
import os

from hypercorn.asyncio import serve
from hypercorn.config import Config

from ch02_quart.myservice import create_app


async def main(port: int) -> None:
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.graceful_timeout = 1.0  # stop within the 2 s a learner waits for
    print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    # With no shutdown_trigger, Hypercorn itself stops gracefully on Ctrl-C and SIGTERM.
    await serve(create_app(), config)


if __name__ == "__main__":
    asyncio.run(main(int(os.environ.get("PORT", "8120"))))
