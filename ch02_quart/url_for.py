"""``url_for``: build a URL from a view's endpoint name and its variables.

What it shows: ``url_for`` needs a request (or app) context, so outside a
view we open one with ``app.test_request_context``. The keyword arguments
must be the route's variable names: the learner's notes call
``url_for("person", name="Alice")`` on a route whose variable is
``person_id`` and get a ``BuildError``; the fix is ``person_id="Alice"``
(``name=`` is right only for converter_custom.py's ``<registered:name>``).
Extra keywords become the query string; ``_external=True`` adds the host.

Run it:   python ch02_quart/url_for.py
Expect:   /person/Alice, the BuildError and its fix, /api/person/1 through
          the custom converter, /price/9.99, a query string, an absolute URL.
"""

import asyncio

from quart import url_for
from werkzeug.routing import BuildError

from ch02_quart import converter_custom, variables_and_converters


def show(call: str, build) -> None:
    try:
        print(f"{call:55} -> {build()}")
    except (BuildError, ValueError) as exc:
        print(f"{call:55} -> {type(exc).__name__}: {exc}")


async def main() -> None:
    async with variables_and_converters.app.test_request_context("/", method="GET"):
        show("url_for('person_by_name', person_id='Alice')",
             lambda: url_for("person_by_name", person_id="Alice"))
        show("url_for('person_by_name', name='Alice')  # the notes",
             lambda: url_for("person_by_name", name="Alice"))
        show("url_for('person_by_id', person_id=42)",
             lambda: url_for("person_by_id", person_id=42))
        show("url_for('price', money=9.99)", lambda: url_for("price", money=9.99))
        show("url_for('files', subpath='a/b/c.txt')",
             lambda: url_for("files", subpath="a/b/c.txt"))
        show("url_for('user', user_id=7, page=2)", lambda: url_for("user", user_id=7, page=2))
        show("url_for('language', lang='zh', _external=True)",
             lambda: url_for("language", lang="zh", _external=True))

    async with converter_custom.app.test_request_context("/", method="GET"):
        show("url_for('person', name='Alice')  # registered:",
             lambda: url_for("person", name="Alice"))
        show("url_for('person', name='Carol')  # not registered",
             lambda: url_for("person", name="Carol"))


if __name__ == "__main__":
    # asyncio.run, not get_event_loop().run_until_complete: see the errata.
    asyncio.run(main())
