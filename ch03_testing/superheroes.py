"""The book's unit-test example: fetch superheroes as JSON, print who is over an age.

What it shows: a small function with a network dependency (``query_url``),
written so a unit test can replace that dependency with a mock, and so it
fails loudly - not silently - when the service changes its format.
The base URL comes from ``SUPERHEROES_URL`` (the real one is on the
internet; the workbook's stand-in is heroes_api.py).

Run it:   python ch03_testing/heroes_api.py            (in one terminal)
          python ch03_testing/superheroes.py 30        (in another)
     or:  python ch03_testing/superheroes.py 30 --stand-in
          (serves heroes_api's data itself on a free loopback port: one command)
Expect:   Madame Uppercut is over 30
          Eternal Flame is over 30
"""

import os
import sys

import requests

SUPERHEROES_URL = os.environ.get(
    "SUPERHEROES_URL", "http://127.0.0.1:8210/superheroes.json"
)


class HeroesFormatError(ValueError):
    """The service answered, but not in the format this code was written for."""


def query_url(url):
    response = requests.get(url, timeout=10)
    response.raise_for_status()
    return response.json()


def get_hero_names(filter=None, url=None):
    json_body = query_url(url or SUPERHEROES_URL)
    # The book wrote json_body.get("members", []): a renamed field then meant
    # "no heroes", silently. Say so instead.
    members = json_body.get("members") if isinstance(json_body, dict) else None
    if not isinstance(members, list):
        raise HeroesFormatError("the superheroes document has no 'members' list")
    for member in members:
        if filter is None or filter(member):
            yield member["name"]


def format_heroes_over(age=0, url=None):
    hero_names = get_hero_names(filter=lambda hero: hero.get("age", 0) > age, url=url)
    formatted_text = ""
    for hero in hero_names:
        formatted_text += f"{hero} is over {age}\n"
    return formatted_text


def main(argv):
    age = int(argv[0]) if argv and argv[0].isdigit() else 30
    url = SUPERHEROES_URL
    server = None
    if "--stand-in" in argv:
        import threading
        from wsgiref.simple_server import WSGIRequestHandler, make_server

        from ch03_testing.heroes_api import make_app

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args):
                pass

        # Port 0: the OS picks a free port; the socket listens before we ask it.
        server = make_server("127.0.0.1", 0, make_app(), handler_class=QuietHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/superheroes.json"
        print(f"(stand-in serving {url})")
    try:
        print(format_heroes_over(age=age, url=url), end="")
    except requests.RequestException as exc:
        print(f"cannot read {url}: {exc}", file=sys.stderr)
        return 1
    except HeroesFormatError as exc:
        print(f"{url}: {exc}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
