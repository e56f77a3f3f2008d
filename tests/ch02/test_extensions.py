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


@pytest.mark.parametrize("body, detail", [
    (b'{"item": "burger", "quantity": "\xff"}', "not UTF-8: invalid start byte at byte 32"),
    ('{"item": "pâté", "quantity": 1}'.encode("latin-1"), "not UTF-8: invalid continuation byte"),
    (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
])
async def test_unreadable_bodies_are_a_json_400_not_a_500(body, detail):
    response = await app.test_client().post(
        "/orders", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.content_type == "application/json"
    answer = await response.get_json()
    assert answer["error"] == "the body is not valid JSON" and answer["detail"].startswith(detail)


async def test_a_large_body_is_a_json_413():
    body = b'{"item": "burger", "quantity": 2, "pad": "' + b"x" * 20_000 + b'"}'
    response = await app.test_client().post(
        "/orders", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert await response.get_json() == {"error": "the body is too large",
                                         "detail": "at most 16384 bytes"}


@pytest.mark.parametrize("quantity", [True, "2", 2.0])
async def test_quantity_must_be_a_real_integer(quantity):
    response = await app.test_client().post("/orders", json={"item": "burger", "quantity": quantity})
    assert response.status_code == 400
    [problem] = (await response.get_json())["detail"]
    assert problem["loc"] == ["quantity"] and problem["msg"] == "Input should be a valid integer"
