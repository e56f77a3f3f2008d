"""ch02_quart.quart_details: the URL map, the request's attributes, the jsonify'd response."""

from ch02_quart.quart_details import app


def test_url_map_has_api_with_only_get_and_head():
    rules = {rule.rule: rule for rule in app.url_map.iter_rules()}
    # print(app.url_map) shows '/static/<filename>' as the book does; the rule itself is a path.
    assert set(rules) == {"/static/<path:filename>", "/api"}
    assert rules["/api"].methods == {"GET", "HEAD"}  # no OPTIONS: provide_automatic_options=False
    assert rules["/api"].endpoint == "my_microservice"
    assert "OPTIONS" in rules["/static/<path:filename>"].methods
    assert "<QuartRule '/api' (" in str(app.url_map)


async def test_view_reports_the_request(capsys):
    response = await app.test_client().get("/api", query_string={"name": "Ada"},
                                           headers={"User-Agent": "pytest"})
    assert response.status_code == 200
    assert response.content_type == "application/json"
    body = await response.get_json()
    assert body["method"] == "GET" and body["path"] == "/api"
    assert body["args"] == {"name": "Ada"}
    assert body["url"] == "http://localhost/api?name=Ada"
    assert body["user_agent"] == "pytest"
    assert body["endpoint"] == "my_microservice" and body["url_rule"] == "/api"
    assert body["view_args"] == {}
    printed = capsys.readouterr().out
    assert "<Request 'http://localhost/api?name=Ada' [GET]>" in printed
    assert "<Response [200 OK]>" in printed and b'"method":"GET"' in printed.encode()


async def test_head_is_routed_to_the_get_view():
    # HEAD runs the GET view; the server (Hypercorn) drops the body on the wire.
    response = await app.test_client().head("/api")
    assert response.status_code == 200
    assert (await response.get_json())["method"] == "HEAD"


async def test_post_and_options_are_405_unknown_path_404():
    client = app.test_client()
    for method in ("POST", "OPTIONS", "DELETE"):
        response = await client.open("/api", method=method)
        assert response.status_code == 405, method
        assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
    assert (await client.get("/nope")).status_code == 404
