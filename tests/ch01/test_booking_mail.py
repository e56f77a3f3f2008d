"""ch01_wsgi_async.booking.mail: a real SMTP server; services reach it with smtplib."""

from ch01_wsgi_async.booking import kit, mail


async def test_a_mail_sent_over_smtp_is_listed(booking_client, monkeypatch):
    monkeypatch.setenv("SMTP_PORT", "0")  # any free port; the app says which
    mail.app.config["MESSAGES"].clear()
    async with booking_client(mail.app) as c:
        where = await (await c.get("/smtp")).get_json()
        monkeypatch.setenv("SMTP_PORT", str(where["port"]))
        await kit.send_mail("ada@example.com", "Your booking b-1", "Thanks!", pdf=b"%PDF-1.4 ...")
        got = (await (await c.get("/messages")).get_json())["messages"]
    assert got == [{"to": "ada@example.com", "subject": "Your booking b-1",
                    "attachments": ["receipt.pdf"], "body": "Thanks!\r\n"}]
