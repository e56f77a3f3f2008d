# Solutions to the exercises in notebooks/04_jeeves.ipynb, for the instructor.
# Each "# %% exercise: NAME" block replaces the notebook cell tagged exercise:NAME
# (tests/test_notebooks.py runs the notebook with them and expects every check to PASS).

# %% exercise: async_driver
DATABASE_URL = "sqlite+aiosqlite:///:memory:"  # dialect+driver: aiosqlite is SQLite's async driver

# %% exercise: view_body
from quart import Quart, request

users_app = Quart("users")
USERS = {1: {"id": 1, "name": "Ada"}}


@users_app.patch("/users/<int:user_id>")
async def update_user(user_id):  # only the URL's variables arrive as arguments
    if user_id not in USERS:
        return {"error": f"no user {user_id}"}, 404
    body = await request.get_json(silent=True)  # None, not an exception, for a bad body
    if not isinstance(body, dict) or not isinstance(body.get("name"), str):
        return {"error": "send a JSON object with a string 'name'"}, 400
    USERS[user_id]["name"] = body["name"]
    return USERS[user_id]

# %% exercise: signature
import hashlib
import hmac
import time


def is_from_slack(secret: str, timestamp: str, signature: str, body: bytes) -> bool:
    try:
        age = abs(time.time() - int(timestamp))
    except (TypeError, ValueError):
        return False
    if age > 5 * 60:  # an old request replayed
        return False
    base = f"v0:{timestamp}:".encode() + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature or "")  # constant time: leaks nothing
