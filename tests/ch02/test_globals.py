"""ch02_quart.globals: ``g.user`` set by a before_request hook from HTTP Basic credentials."""

import pytest

from ch02_quart import globals as globals_example


@pytest.mark.parametrize("kwargs, expected", [
    ({}, "Anonymous"),
    ({"auth": ("alice", "x")}, "alice"),
    ({"headers": {"Authorization": "Basic !!!"}}, "Anonymous"),
    ({"headers": {"Authorization": "Bearer token"}}, "Anonymous"),
])
async def test_g_user_from_before_request(kwargs, expected):
    response = await globals_example.app.test_client().get("/api", **kwargs)
    assert response.status_code == 200
    assert await response.get_json() == {"Hello": expected}


async def test_g_does_not_leak_between_requests():
    client = globals_example.app.test_client()
    await client.get("/api", auth=("alice", "x"))
    response = await client.get("/api")
    assert await response.get_json() == {"Hello": "Anonymous"}
    assert (await client.get("/nope")).status_code == 404
