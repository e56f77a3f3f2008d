"""Users: who the guests are, under ids of its own.

Other services never see this service's row ids: they get an opaque
``user_ref`` and map it to ids of their own. Deleting a user is therefore a
conversation: Users tells Reservations and Payments, then forgets the person.

Run it:   python -m ch01_wsgi_async.booking.users      (PORT=8055 by default)
Ask it:   curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
               -d '{"email": "ada@example.com", "name": "Ada"}' http://127.0.0.1:8055/users
Expect:   201 {"user_ref": "u-...", "email": "ada@example.com", "name": "Ada"} (200 if known)
          DELETE /users/<user_ref>: what each service did; unknown user: 404; a peer down: 503.
"""

import uuid

from quart import abort

from ch01_wsgi_async.booking import kit

SCHEMA = """CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY, user_ref TEXT UNIQUE NOT NULL, email TEXT UNIQUE NOT NULL, name TEXT);"""

app = kit.service("users")
peers = kit.Peers("users")


@app.before_serving
async def start():
    app.db = kit.database("users", SCHEMA)
    await peers.start()


@app.after_serving
async def stop():
    await peers.close()


def as_json(row) -> dict:
    return {"user_ref": row["user_ref"], "email": row["email"], "name": row["name"]}


@app.post("/users")
@kit.require_token
async def create():
    data = await kit.json_body("email", "name")
    if "@" not in str(data["email"]):
        abort(400, "email must look like name@example.com")
    cur = app.db.execute("INSERT OR IGNORE INTO users (user_ref, email, name) VALUES (?, ?, ?)",
                         (f"u-{uuid.uuid4().hex[:12]}", data["email"], data["name"]))
    row = app.db.execute("SELECT * FROM users WHERE email = ?", (data["email"],)).fetchone()
    return as_json(row), 201 if cur.rowcount else 200


@app.get("/users/<user_ref>")
@kit.require_token
async def read(user_ref):
    row = app.db.execute("SELECT * FROM users WHERE user_ref = ?", (user_ref,)).fetchone()
    if row is None:
        abort(404, f"unknown user {user_ref!r}")
    return as_json(row)


@app.delete("/users/<user_ref>")
@kit.require_token
async def delete(user_ref):
    row = app.db.execute("SELECT * FROM users WHERE user_ref = ?", (user_ref,)).fetchone()
    if row is None:
        abort(404, f"unknown user {user_ref!r}")
    # Tell the others first: if one is down we answer 503 and keep the user, so a retry
    # can finish the job (deleting here first would leave their records pointing nowhere).
    reservations = await peers.call("DELETE", "reservations", f"/guests/{user_ref}")
    payments = await peers.call("DELETE", "payments", f"/customers/{user_ref}")
    app.db.execute("DELETE FROM users WHERE id = ?", (row["id"],))
    return {"user_ref": user_ref, "users": "deleted", "reservations": reservations.json(),
            "payments": payments.json()}


if __name__ == "__main__":
    kit.serve(app, "users")
