"""ch02_quart.variables_and_converters: the URL's variables, typed by converters."""

import pytest
from quart import Quart

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
