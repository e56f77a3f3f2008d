"""ch02_quart.converter_custom: a converter of our own, from the id to the name and back."""

import pytest

from ch02_quart import converter_custom


@pytest.mark.parametrize("user_id, name", [("1", "Alice"), ("2", "Bob")])
async def test_custom_converter_turns_the_id_into_the_name(user_id, name):
    response = await converter_custom.app.test_client().get(f"/api/person/{user_id}")
    assert response.status_code == 200
    assert await response.get_json() == {"Hello": name}


@pytest.mark.parametrize("path", ["/api/person/3", "/api/person/abc", "/api/person/Alice",
                                  "/api/person/"])
async def test_custom_converter_refuses_unknown_ids(path):
    response = await converter_custom.app.test_client().get(path)
    assert response.status_code == 404
