"""A users service on async SQLAlchemy 2: list, get, create and update, with honest errors.

What it shows: SQLAlchemy's asyncio extension in a Quart app: an async engine
opened before serving, one ``AsyncSession`` per request, ``select()`` and
``session.get()``; the body read as JSON and checked, so a missing row is a
404 and a bad body a 400 (the book took the fields as view arguments, which
gave 500s). The database is an in-memory SQLite unless ``DATABASE_URL`` says
otherwise (e.g. ``sqlite+aiosqlite:///users.db`` or ``postgresql+psycopg://...``).

Run it:   python ch04_jeeves/sqlalchemy_async.py        (PORT=8301 by default)
Ask it:   curl -i -X POST -H 'Content-Type: application/json' \\
               -d '{"name": "Ada", "email": "ada@example.com"}' http://127.0.0.1:8301/users
          curl -i http://127.0.0.1:8301/users       curl -i http://127.0.0.1:8301/users/1
          curl -i -X PATCH -H 'Content-Type: application/json' -d '{"name": "Ada L."}' \\
               http://127.0.0.1:8301/users/1
Expect:   201 {"id": 1, "name": "Ada", "email": "ada@example.com"} and a Location header;
          GET /users -> {"users": [...]}; GET /users/99 -> 404 {"error": "no user 99"};
          a body that is not JSON, or lacks "name" -> 400 {"error": "..."};
          a second user with the same email -> 409.
"""

import os

from quart import Quart, request
from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import StaticPool
from werkzeug.exceptions import HTTPException


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254), unique=True)

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "email": self.email}


FIELDS = {"name": 100, "email": 254}  # the fields a client may set, and their lengths


def make_app(database_url: str | None = None) -> Quart:
    url = database_url or os.environ.get("DATABASE_URL", "sqlite+aiosqlite://")
    app = Quart(__name__)
    # An in-memory SQLite database lives in one connection, so share that one.
    options = {"poolclass": StaticPool} if url == "sqlite+aiosqlite://" else {}
    engine = create_async_engine(url, **options)
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    @app.before_serving
    async def create_tables():
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)

    @app.after_serving
    async def close_engine():
        await engine.dispose()

    @app.errorhandler(HTTPException)
    async def json_error(exc: HTTPException):
        return {"error": exc.description}, exc.code

    async def read_body(required: bool) -> dict | tuple:
        """The JSON body's known fields, or a 400 answer saying what is wrong."""
        body = await request.get_json(force=True, silent=True)
        if not isinstance(body, dict):
            return {"error": "the body must be a JSON object"}, 400
        unknown = sorted(set(body) - set(FIELDS))
        if unknown:
            return {"error": f"unknown field(s): {', '.join(unknown)}"}, 400
        missing = [f for f in FIELDS if required and f not in body]
        if missing:
            return {"error": f"missing field(s): {', '.join(missing)}"}, 400
        for field, limit in FIELDS.items():
            value = body.get(field)
            if field in body and (not isinstance(value, str) or not 0 < len(value.strip()) <= limit):
                return {"error": f"{field} must be a non-empty string of at most {limit} characters"}, 400
        if "email" in body and "@" not in body["email"]:
            return {"error": "email must contain @"}, 400
        return {k: v.strip() for k, v in body.items()}

    @app.get("/users")
    async def list_users():
        async with sessions() as session:
            users = (await session.scalars(select(User).order_by(User.id))).all()
        return {"users": [u.to_json() for u in users]}

    @app.get("/users/<int:user_id>")
    async def get_user(user_id: int):
        async with sessions() as session:
            user = await session.get(User, user_id)
        if user is None:
            return {"error": f"no user {user_id}"}, 404
        return user.to_json()

    @app.post("/users")
    async def create_user():
        body = await read_body(required=True)
        if isinstance(body, tuple):
            return body
        try:
            async with sessions.begin() as session:
                user = User(**body)
                session.add(user)
        except IntegrityError:
            return {"error": f"a user with email {body['email']} exists already"}, 409
        return user.to_json(), 201, {"Location": f"/users/{user.id}"}

    @app.patch("/users/<int:user_id>")
    async def update_user(user_id: int):
        body = await read_body(required=False)
        if isinstance(body, tuple):
            return body
        try:
            async with sessions.begin() as session:
                user = await session.get(User, user_id)
                if user is None:
                    return {"error": f"no user {user_id}"}, 404
                for field, value in body.items():
                    setattr(user, field, value)
        except IntegrityError:
            return {"error": f"a user with email {body['email']} exists already"}, 409
        return user.to_json()

    return app


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8301"))
    print(f"Serving on http://127.0.0.1:{port}/users (Ctrl-C to stop)", flush=True)
    make_app().run(host="127.0.0.1", port=port, use_reloader=False)
