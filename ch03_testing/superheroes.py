"""The book's unit-test example: fetch superheroes as JSON, print who is over an age.

What it shows: a small function with a network dependency (``query_url``),
written so a unit test can replace that dependency with a mock, and so it
fails loudly - not silently - when the service changes its format.
The base URL comes from ``SUPERHEROES_URL`` (the real one is on the
internet; the workbook's stand-in is heroes_api.py).

Run it:   python ch03_testing/heroes_api.py            (in one terminal)
          python ch03_testing/superheroes.py 30        (in another)
     or:  workbook run ch03.superheroes                (starts heroes_api first)
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
    try:
        print(format_heroes_over(age=age, url=url), end="")
    except requests.RequestException as exc:
        print(f"cannot read {url}: {exc}", file=sys.stderr)
        return 1
    except HeroesFormatError as exc:
        print(f"{url}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
