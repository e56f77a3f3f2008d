"""ch04_jeeves.sqlalchemy_async in-process (Quart's test client), on SQLite and PostgreSQL."""

import pytest

from ch04_jeeves.sqlalchemy_async import make_app


@pytest.fixture
async def client(db_url):
    app = make_app(db_url)
    async with app.test_app() as test_app:  # runs before_serving: the tables exist
        yield test_app.test_client()


async def create(client, name="Ada", email="ada@example.com"):
    return await client.post("/users", json={"name": name, "email": email})


async def test_create_then_get_then_list(client):
    response = await create(client)
    assert response.status_code == 201
    created = await response.get_json()
    assert created == {"id": created["id"], "name": "Ada", "email": "ada@example.com"}
    assert response.headers["Location"] == f"/users/{created['id']}"
    assert await (await client.get(f"/users/{created['id']}")).get_json() == created
    assert await (await client.get("/users")).get_json() == {"users": [created]}


async def test_update_changes_only_the_given_fields(client):
    user = await (await create(client)).get_json()
    response = await client.patch(f"/users/{user['id']}", json={"name": "Ada Lovelace"})
    assert response.status_code == 200
    assert await response.get_json() == {**user, "name": "Ada Lovelace"}


async def test_missing_rows_are_404(client):
    for response in (await client.get("/users/99"),
                     await client.patch("/users/99", json={"name": "X"})):
        assert response.status_code == 404
        assert await response.get_json() == {"error": "no user 99"}


@pytest.mark.parametrize("body, error", [
    (b"name=Ada&email=a@b", "the body must be a JSON object"),
    (b"[]", "the body must be a JSON object"),
    (b'{"name": "Ada"}', "missing field(s): email"),
    (b'{"name": "Ada", "email": "a@b", "admin": true}', "unknown field(s): admin"),
    (b'{"name": "", "email": "a@b"}', "name must be a non-empty string of at most 100 characters"),
    (b'{"name": 5, "email": "a@b"}', "name must be a non-empty string of at most 100 characters"),
    (b'{"name": "Ada", "email": "nope"}', "email must contain @"),
])
async def test_bad_bodies_are_400_with_a_reason(client, body, error):
    response = await client.post("/users", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert await response.get_json() == {"error": error}


async def test_a_bad_update_body_is_400(client):
    user = await (await create(client)).get_json()
    response = await client.patch(f"/users/{user['id']}", json={"email": 7})
    assert response.status_code == 400


async def test_duplicate_email_is_409(client):
    await create(client)
    response = await create(client, name="Eve")
    assert response.status_code == 409
    other = await (await create(client, name="Bo", email="bo@example.com")).get_json()
    response = await client.patch(f"/users/{other['id']}", json={"email": "ada@example.com"})
    assert response.status_code == 409


async def test_unknown_path_is_a_json_404(client):
    response = await client.get("/nope")
    assert response.status_code == 404 and "error" in await response.get_json()
