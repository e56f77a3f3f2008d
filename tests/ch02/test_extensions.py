"""ch02_quart.extensions: quart-schema validates the body; every bad body is a 400 saying why."""

import importlib

import pytest

from ch02_quart.extensions import app


async def test_valid_order():
    response = await app.test_client().post("/orders", json={"item": "burger", "quantity": 2})
    assert response.status_code == 201
    assert await response.get_json() == {"item": "burger", "quantity": 2, "total": 17.0}


@pytest.mark.parametrize("body, loc, msg", [
    ({"item": "burger"}, ["quantity"], "Field required"),
    ({"quantity": 1}, ["item"], "Field required"),
    ({"item": "burger", "quantity": "many"}, ["quantity"], "valid integer"),
    ({"item": "burger", "quantity": 0}, ["quantity"], "greater than 0"),
    ({"item": "burger", "quantity": 101}, ["quantity"], "less than or equal to 100"),
    ([1, 2], [], "Input should be a dictionary"),
])
async def test_invalid_fields_say_which_and_why(body, loc, msg):
    response = await app.test_client().post("/orders", json=body)
    assert response.status_code == 400
    answer = await response.get_json()
    assert answer["error"] == "invalid order"
    assert any(d["loc"] == loc and msg in d["msg"] for d in answer["detail"]), answer


async def test_malformed_json_says_where_it_broke():
    response = await app.test_client().post(
        "/orders", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.content_type == "application/json"
    assert await response.get_json() == {
        "error": "the body is not valid JSON",
        "detail": "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"}


async def test_unknown_item_lists_the_menu():
    response = await app.test_client().post("/orders", json={"item": "pizza", "quantity": 1})
    assert response.status_code == 400
    assert await response.get_json() == {"error": "unknown item 'pizza'",
                                         "menu": ["burger", "fries"]}


async def test_the_extension_publishes_openapi():
    spec = await (await app.test_client().get("/openapi.json")).get_json()
    assert "post" in spec["paths"]["/orders"]
    assert "requestBody" in spec["paths"]["/orders"]["post"]


async def test_wrong_method_and_unknown_path():
    client = app.test_client()
    assert (await client.get("/orders")).status_code == 405
    assert (await client.get("/nope")).status_code == 404


def test_flask_patch_is_gone():
    with pytest.raises(ModuleNotFoundError, match="quart.flask_patch"):
        importlib.import_module("quart.flask_patch")
