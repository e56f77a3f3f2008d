"""Variables and converters in routes: the URL chooses the view and its arguments.

What it shows: ``<name>`` captures any text without a slash (a ``str``);
``<int:...>``, ``<float:...>``, ``<path:...>`` and ``<any(a, b):...>`` convert
and check the value before the view runs. A value the converter refuses never
reaches the view: the URL does not match, so the answer is 404. Each view has
its own endpoint name: ``/person/42`` goes to ``person_by_id`` (the int rule
is more specific), ``/person/Alice`` to ``person_by_name``.

Run it:   python ch02_quart/variables_and_converters.py        (PORT=8102 by default)
Ask it:   curl -i http://127.0.0.1:8102/person/42    (also /person/Alice, /price/9.99,
          /files/a/b/c.txt, /lang/zh)
Expect:   {"Hello": 42, "converter": "int"}; /price/9.99 -> money is 9.99$.
          Refused, 404: /price/10 (float needs a dot), /user/-1, /user/abc, /lang/fr.
          But /person/-1 is {"Hello": "-1"}: the string rule takes what int refuses.
"""

import os

from quart import Quart

app = Quart(__name__)


@app.route("/person/<person_id>")
async def person_by_name(person_id):
    return {"Hello": person_id}


@app.route("/person/<int:person_id>")
async def person_by_id(person_id):
    # The converter already made an int: no int() call, no ValueError to catch.
    return {"Hello": person_id, "converter": type(person_id).__name__}


@app.route("/user/<int:user_id>")
async def user(user_id):
    return {"user_id": user_id}


@app.route("/price/<float:money>")
async def price(money):
    return "money is " + str(money) + "$"


@app.route("/files/<path:subpath>")
async def files(subpath):
    # path: like the default converter, but the slashes are kept
    return {"path": subpath}


@app.route("/lang/<any(en, zh):lang>")
async def language(lang):
    return {"lang": lang}


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8102"))
    print(f"Serving on http://127.0.0.1:{port}/person/Alice (Ctrl-C to stop)", flush=True)
    app.run(host="127.0.0.1", port=port, use_reloader=False)
