"""The ceiling for a Python server: a raw ``asyncio.Protocol`` HTTP responder.

No framework, no router, no header parsing beyond finding the end of each
request: every request gets the same small JSON answer on a keep-alive
connection. Whatever a framework adds costs something; this is what is left
when nothing is added, measured with the same load generator.

Run it:   PORT=9000 python ch01_wsgi_async/bench/servers/raw_responder.py
"""

import asyncio
import os
import signal
import time


class Responder(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b""

    def data_received(self, data):
        self.buffer += data
        # GET requests have no body: each one ends at the blank line.
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            self.buffer = self.buffer[end + 4:]
            body = b'{"time": %.6f}' % time.time()
            self.transport.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            )


async def main(port):
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    server = await loop.create_server(Responder, "127.0.0.1", port, backlog=1024)
    print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main(int(os.environ.get("PORT", "9000"))))
