"""A users service on async SQLAlchemy 2: list, get, create and update, with honest errors.

What it shows: SQLAlchemy's asyncio extension in a Quart app: an async engine
opened before serving, one ``AsyncSession`` per request, ``select()`` and
``session.get()``. quart-schema (chapter 2's extension) checks the JSON body.
The database is an in-memory SQLite unless ``DATABASE_URL`` says otherwise.

Run it:   python ch04_jeeves/sqlalchemy_async.py        (PORT=8301 by default)
Ask it:   curl -i -H 'Content-Type: application/json' \\
               -d '{"name": "Ada", "email": "ada@example.com"}' http://127.0.0.1:8301/users
          then GET /users, GET /users/1, PATCH /users/1 with {"name": "Ada L."}
Expect:   201 {"id": 1, "name": "Ada", "email": "ada@example.com"} and a Location header;
          GET /users/99 -> 404 {"error": "no user 99"}; a bad body -> 400 {"error":
          "invalid user", "detail": [...]}; a second user with the same email -> 409.
"""

import os
from dataclasses import asdict
from typing import Annotated

from pydantic import ConfigDict, StringConstraints
from pydantic.dataclasses import dataclass
from quart import Quart
from quart_schema import QuartSchema, RequestSchemaValidationError, validate_request
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


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254,
                                         pattern=r"^[^@\s]+@[^@\s]+$")]


# The bodies a client may send; extra="forbid": no setting fields it does not name.
@dataclass(config=ConfigDict(extra="forbid"))
class NewUser:
    name: Name
    email: Email


@dataclass(config=ConfigDict(extra="forbid"))
class UserChanges:
    name: Name | None = None
    email: Email | None = None


def make_app(database_url: str | None = None) -> Quart:
    url = database_url or os.environ.get("DATABASE_URL", "sqlite+aiosqlite://")
    app = Quart(__name__)
    QuartSchema(app)
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

    @app.errorhandler(RequestSchemaValidationError)
    async def invalid_body(error: RequestSchemaValidationError):
        detail = error.validation_error  # pydantic's errors: which field, what is wrong
        return {"error": "invalid user",
                "detail": detail.errors(include_url=False, include_context=False,
                                        include_input=False)}, 400

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
    @validate_request(NewUser)
    async def create_user(data: NewUser):
        try:
            async with sessions.begin() as session:
                user = User(**asdict(data))
                session.add(user)
        except IntegrityError:
            return {"error": f"a user with email {data.email} exists already"}, 409
        return user.to_json(), 201, {"Location": f"/users/{user.id}"}

    @app.patch("/users/<int:user_id>")
    @validate_request(UserChanges)
    async def update_user(user_id: int, data: UserChanges):
        body = {k: v for k, v in asdict(data).items() if v is not None}
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
