"""Routing: ch02_quart.variables_and_converters, ch02_quart.converter_custom, ch02_quart.url_for."""

import pytest
from quart import Quart

from ch02_quart import converter_custom, url_for, variables_and_converters
from ch02_quart.variables_and_converters import app


@pytest.mark.parametrize("path, expected", [
    ("/person/Alice", {"Hello": "Alice"}),
    ("/person/42", {"Hello": 42, "converter": "int"}),  # the int rule wins over str
    ("/person/-1", {"Hello": "-1"}),  # int refuses the sign; the str rule takes it
    ("/user/7", {"user_id": 7}),
    ("/files/a/b/c.txt", {"path": "a/b/c.txt"}),
    ("/lang/en", {"lang": "en"}),
    ("/lang/zh", {"lang": "zh"}),
])
async def test_converters_give_the_view_typed_values(path, expected):
    response = await app.test_client().get(path)
    assert response.status_code == 200
    assert await response.get_json() == expected


async def test_float_converter():
    response = await app.test_client().get("/price/9.99")
    assert await response.get_data(as_text=True) == "money is 9.99$"
    assert response.content_type.startswith("text/html")


@pytest.mark.parametrize("path", [
    "/price/10",  # float needs a dot
    "/price/abc",
    "/user/abc", "/user/-1", "/user/1.5",
    "/lang/fr", "/lang/EN",
    "/person/", "/person/a/b",  # the default converter stops at a slash
    "/nope",
])
async def test_refused_values_are_404(path):
    response = await app.test_client().get(path)
    assert response.status_code == 404


def test_the_books_two_views_with_one_name_fail_at_import():
    book = Quart(__name__)

    @book.route("/person/<person_id>")
    async def person(person_id):
        return {"Hello": person_id}

    with pytest.raises(AssertionError, match="overwriting an existing endpoint function: person"):
        @book.route("/person/<int:person_id>")
        async def person(person_id):  # noqa: F811 - the book's mistake, on purpose
            return {"Hello": person_id}


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


async def test_url_for_script_prints_urls_and_the_build_error(capsys):
    await url_for.main()
    out = capsys.readouterr().out
    assert "url_for('person_by_name', person_id='Alice')            -> /person/Alice" in out
    assert ("BuildError: Could not build url for endpoint 'person_by_name' with values "
            "['name']. Did you forget to specify values ['person_id']?") in out
    assert "-> /api/person/1" in out  # to_url: the name back to the id
    assert "-> /price/9.99" in out and "-> /files/a/b/c.txt" in out
    assert "-> /user/7?page=2" in out and "-> http://localhost/lang/zh" in out
    assert "ValueError: 'Carol' is not a registered user" in out


async def test_url_for_round_trips_through_the_router():
    """Every URL url_for builds is one the router sends back to the same view."""
    adapter = variables_and_converters.app.url_map.bind("localhost")
    cases = {"person_by_name": {"person_id": "Alice"}, "person_by_id": {"person_id": 42},
             "price": {"money": 9.99}, "files": {"subpath": "a/b"}, "language": {"lang": "zh"}}
    for endpoint, values in cases.items():
        assert adapter.match(adapter.build(endpoint, values)) == (endpoint, values)
