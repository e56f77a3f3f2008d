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


@pytest.mark.parametrize("body, field, why", [
    (b"[]", [], "dataclass_type"),
    (b'{"name": "Ada"}', ["email"], "missing"),
    (b'{"name": "Ada", "email": "a@b", "admin": true}', ["admin"], "unexpected_keyword_argument"),
    (b'{"name": " ", "email": "a@b"}', ["name"], "string_too_short"),
    (b'{"name": 5, "email": "a@b"}', ["name"], "string_type"),
    (b'{"name": "Ada", "email": "nope"}', ["email"], "string_pattern_mismatch"),
])
async def test_bad_bodies_are_400_naming_the_field(client, body, field, why):
    response = await client.post("/users", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    answer = await response.get_json()
    assert answer["error"] == "invalid user"
    assert [(d["loc"], d["type"]) for d in answer["detail"]] == [(field, why)]
    assert await (await client.get("/users")).get_json() == {"users": []}  # nothing stored


async def test_a_body_that_is_not_json_is_a_json_400(client):
    response = await client.post("/users", data=b"name=Ada&email=a@b",
                                 headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "could not understand" in (await response.get_json())["error"]


async def test_names_and_emails_are_stripped(client):
    response = await create(client, name="  Ada ", email=" ada@example.com")
    assert await response.get_json() == {"id": 1, "name": "Ada", "email": "ada@example.com"}


async def test_a_bad_update_body_is_400(client):
    user = await (await create(client)).get_json()
    response = await client.patch(f"/users/{user['id']}", json={"email": 7})
    assert response.status_code == 400
    assert (await response.get_json())["detail"][0]["loc"] == ["email"]
    assert await (await client.get(f"/users/{user['id']}")).get_json() == user  # unchanged


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
