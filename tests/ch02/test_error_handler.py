"""ch02_quart.error_handler: a custom 500 in JSON that leaks nothing."""

from ch02_quart import error_handler


async def test_custom_500_is_json_and_leaks_nothing():
    response = await error_handler.app.test_client().get("/api")
    assert response.status_code == 500
    assert response.content_type == "application/json"
    body = await response.get_json()
    assert body["Error"] == "Internal Server Error"
    assert "SomeException" not in await response.get_data(as_text=True)
    assert (await error_handler.app.test_client().get("/nope")).status_code == 404


async def test_handler_receives_the_original_exception(monkeypatch):
    spec = error_handler.app.error_handler_spec[None][500]  # {InternalServerError: handler}
    ((error_class, handler),) = spec.items()
    seen = []

    async def spy(error):
        seen.append(error)
        return await handler(error)

    monkeypatch.setitem(spec, error_class, spy)
    await error_handler.app.test_client().get("/api")
    assert len(seen) == 1 and seen[0].code == 500
    assert isinstance(seen[0].original_exception, TypeError)
    assert str(seen[0].original_exception) == "SomeException"


async def test_debug_mode_bypasses_the_handlers(monkeypatch):
    """Why never debug=True in production: the traceback, with source, goes to the client."""
    monkeypatch.setattr(error_handler.app, "debug", True)
    response = await error_handler.app.test_client().get("/api")
    assert response.status_code == 500
    assert response.content_type.startswith("text/html")  # not our JSON
    page = await response.get_data(as_text=True)
    assert "TypeError" in page and "raise TypeError" in page  # the source line, exposed
