"""quart_basic in-process, with Quart's test client."""

from ch02_quart.quart_basic import app


async def test_api_says_hello():
    response = await app.test_client().get("/api")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    assert await response.get_json() == {"Hello": "World!"}


async def test_unknown_path_is_404():
    response = await app.test_client().get("/nope")
    assert response.status_code == 404
