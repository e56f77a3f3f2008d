"""Chapter 3 examples: coding, testing and documentation - every kind of test."""

from workbook.catalogue import Example, Probe

EXAMPLES = [
    Example(
        id="ch03.quart_error",
        file="ch03_testing/quart_error.py",
        summary="The book's error handlers: /api raises, the JSON 500 handler answers; JSON 404",
        port=8200,
        ready_path="/nope",
        probes=(
            Probe("/api", status=500, content_type="application/json",
                  json={"Error": str}, body_contains=("500 Internal Server Error",),
                  note="the view raises on purpose; the handler answers JSON"),
            Probe("/nope", status=404, content_type="application/json",
                  json={"Error": str, "description": str},
                  body_contains=("The requested URL was not found",)),
            Probe("/api", method="POST", status=405, note="GET only"),
        ),
    ),
    Example(
        id="ch03.heroes_api",
        file="ch03_testing/heroes_api.py",
        summary="A local stand-in for MDN's superheroes.json (HEROES_FORMAT=2 shows drift)",
        port=8210,
        probes=(
            Probe("/superheroes.json", content_type="application/json",
                  json={"squadName": "Super hero squad", "members": list}),
            Probe("/villains.json", status=404, content_type="application/json",
                  json={"message": "try /superheroes.json"}),
            Probe("/superheroes.json", method="POST", status=405,
                  expect_headers={"Allow": "GET, HEAD"}),
        ),
    ),
    Example(
        id="ch03.superheroes",
        file="ch03_testing/superheroes.py",
        summary="The book's unit-test target: heroes over an age, read from an HTTP API",
        kind="script",
        args=("30",),
        needs={"SUPERHEROES_URL": ("ch03.heroes_api", "/superheroes.json")},
        stdout_contains=("Madame Uppercut is over 30", "Eternal Flame is over 30"),
    ),
    Example(
        id="ch03.people",
        file="ch03_testing/people.py",
        summary="A URL converter: with the book's check an unknown id is a 404; without it a 500",
        port=8230,
        probes=(
            Probe("/api/person/1", content_type="application/json", json={"Hello": "Tarek"}),
            Probe("/api/link/Freya", json={"url": "/api/person/2"}),
            Probe("/api/person/99", status=404, json={"error": "no such person"},
                  note="without the check, a KeyError here: a 500"),
            Probe("/api/link/Nobody", status=404, json={"error": "no such person"}),
        ),
    ),
    Example(
        id="ch03.profiled",
        file="ch03_testing/profiled.py",
        summary="A pyinstrument profile per request, named after the view, when PROFILE_DIR is set",
        port=8240,
        ready_path="/fib/0",
        probes=(
            Probe("/fib/20", content_type="application/json", json={"n": 20, "fib": 6765}),
            Probe("/fib/99", status=400, json={"error": "n must be between 0 and 30"}),
            Probe("/fib/abc", status=404, json={"error": "not found: try /fib/<n>"}),
        ),
    ),
    Example(
        id="ch03.heroes_front",
        file="ch03_testing/heroes_front.py",
        summary="A service calling heroes_api over HTTP (HEROES_API_URL); clear 502/504s",
        port=8220,
        probes=(
            Probe("/", content_type="application/json",
                  json={"service": "heroes_front", "heroes_api": str}),
            Probe("/heroes?over=old", status=400,
                  json={"error": "over must be a whole number"}),
            Probe("/villains", status=404, json={"error": "not found: try /heroes?over=30"}),
        ),
    ),
]

# Files in ch03_testing/ that belong to an example without being one:
# the load-test scenarios are run by their tools (molotov, locust) against
# ch02.quart_basic, not with ``python file.py`` (ch03_testing/tests/test_load.py).
SUPPORT_FILES: list[str] = [
    "ch03_testing/load_molotov.py",
    "ch03_testing/load_locust.py",
    "ch03_testing/docs/conf.py",  # Sphinx configuration for the myservice docs
]
