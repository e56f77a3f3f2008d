"""A stand-in mail service: a real SMTP server on loopback (aiosmtpd).

Services send mail with their normal SMTP client (smtplib) to ``SMTP_HOST``
and ``SMTP_PORT``; this server keeps what it receives in memory and lists it
over HTTP, so a learner (or a test) can see which receipts were delivered.

Run it:   python -m ch01_wsgi_async.booking.mail      (PORT=8058, SMTP_PORT=8025 by default)
Ask it:   curl http://127.0.0.1:8058/messages
Expect:   {"messages": [{"to": "ada@example.com", "subject": "...", "attachments": ["receipt.pdf"]}]}
          SMTP_PORT=0 picks a free port; GET /smtp tells which.
"""

import asyncio
import email
import email.policy
import os

from aiosmtpd.smtp import SMTP

from ch01_wsgi_async.booking import kit

app = kit.service("mail")
app.config["MESSAGES"] = []


class Keep:
    """aiosmtpd handler: parse each message and keep it."""

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        app.config["MESSAGES"].append({
            "to": msg["To"], "subject": msg["Subject"],
            "attachments": [p.get_filename() for p in msg.iter_attachments()],
            "body": msg.get_body(("plain",)).get_content(),
        })
        return "250 Message accepted for delivery"


@app.before_serving
async def start_smtp():
    port = int(os.environ.get("SMTP_PORT", kit.SMTP_DEFAULT_PORT))
    loop = asyncio.get_running_loop()
    app.smtp = await loop.create_server(lambda: SMTP(Keep()), "127.0.0.1", port)
    app.config["SMTP_PORT"] = app.smtp.sockets[0].getsockname()[1]
    print(f"mail: SMTP on 127.0.0.1:{app.config['SMTP_PORT']}", flush=True)


@app.after_serving
async def stop_smtp():
    app.smtp.close()


@app.get("/messages")
async def messages():
    return {"messages": app.config["MESSAGES"]}


@app.get("/smtp")
async def smtp():
    return {"host": "127.0.0.1", "port": app.config["SMTP_PORT"]}


if __name__ == "__main__":
    kit.serve(app, "mail")
