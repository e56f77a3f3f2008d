"""Chapter 2 examples: discovering Quart."""

import base64

from workbook.catalogue import Example, Probe

NOT_FOUND = Probe("/nope", status=404, note="unknown path")
JSON = "application/json"


def basic(user: str, password: str) -> dict:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


EXAMPLES = [
    Example(
        id="ch02.quart_basic",
        file="ch02_quart/quart_basic.py",
        summary="The smallest Quart service: GET /api returns {'Hello': 'World!'}",
        port=8100,
        probes=(
            Probe("/api", content_type="application/json", json={"Hello": "World!"}),
            Probe("/nope", status=404),
        ),
    ),
    Example(
        id="ch02.quart_details",
        file="ch02_quart/quart_details.py",
        summary="How Quart handles a request: url_map at start-up, the Request's attributes",
        port=8101,
        ready_path="/nope",
        probes=(
            Probe("/api?name=Ada", content_type=JSON,
                  json={"method": "GET", "path": "/api", "args": {"name": "Ada"},
                        "endpoint": "my_microservice", "remote_addr": "127.0.0.1"}),
            Probe("/api", method="POST", status=405, note="only GET/HEAD are routed"),
            Probe("/api", method="OPTIONS", status=405,
                  note="provide_automatic_options=False"),
            NOT_FOUND,
        ),
    ),
    Example(
        id="ch02.variables_and_converters",
        file="ch02_quart/variables_and_converters.py",
        summary="Route variables and converters: str, int, float, path, any(...)",
        port=8102,
        probes=(
            Probe("/person/Alice", json={"Hello": "Alice"}),
            Probe("/person/42", json={"Hello": 42, "converter": "int"}),
            Probe("/price/9.99", body_contains=("money is 9.99$",)),
            Probe("/files/a/b/c.txt", json={"path": "a/b/c.txt"}),
            Probe("/lang/zh", json={"lang": "zh"}),
            Probe("/price/10", status=404, note="float needs a dot"),
            Probe("/user/abc", status=404, note="int refuses letters"),
            Probe("/lang/fr", status=404, note="not one of any(en, zh)"),
            NOT_FOUND,
        ),
    ),
    Example(
        id="ch02.converter_custom",
        file="ch02_quart/converter_custom.py",
        summary="A custom BaseConverter: user id in the URL, the user's name in the view",
        port=8103,
        probes=(
            Probe("/api/person/1", content_type=JSON, json={"Hello": "Alice"}),
            Probe("/api/person/2", json={"Hello": "Bob"}),
            Probe("/api/person/3", status=404, note="ValidationError: no such user"),
            NOT_FOUND,
        ),
    ),
    Example(
        id="ch02.url_for",
        file="ch02_quart/url_for.py",
        kind="script",
        summary="url_for in a test request context, the notes' BuildError and its fix",
        stdout_contains=(
            "-> /person/Alice",
            "BuildError: Could not build url for endpoint 'person_by_name' with values ['name']",
            "-> /api/person/1",
            "-> /user/7?page=2",
            "-> http://localhost/lang/zh",
        ),
    ),
    Example(
        id="ch02.authorization",
        file="ch02_quart/authorization.py",
        summary="HTTP Basic auth from request.authorization; 401 + WWW-Authenticate",
        port=8104,
        probes=(
            Probe("/", headers=basic("alice", "wonderland"), content_type=JSON,
                  json={"username": "alice", "auth_type": "basic"}),
            Probe("/", status=401, expect_headers={"WWW-Authenticate": "Basic"},
                  json={"error": ...}, note="no credentials"),
            Probe("/", status=401, headers=basic("alice", "nope"),
                  expect_headers={"WWW-Authenticate": "Basic"},
                  json={"error": "wrong username or password"}),
            Probe("/", status=401, headers={"Authorization": "Bearer abc"},
                  expect_headers={"WWW-Authenticate": "Basic"}),
            NOT_FOUND,
        ),
    ),
    Example(
        id="ch02.response_types",
        file="ch02_quart/response_types.py",
        summary="What a view may return: str, dict, list, Response, tuples, async generator",
        port=8105,
        ready_path="/dict",
        probes=(
            Probe("/str", content_type="text/html", body_contains=("<h1>Hello World!</h1>",)),
            Probe("/dict", content_type=JSON, json={"Hello": "World!"}),
            Probe("/response", content_type="text/plain", body_contains=("Hello World!",)),
            Probe("/created", status=201, json={"created": True}),
            Probe("/headers", json={"Hello": "World!"}, expect_headers={"X-Example": "yes"}),
            Probe("/stream", body_contains=("chunk 0\n", "chunk 4\n")),
            Probe("/dict", method="POST", status=405),
            NOT_FOUND,
        ),
    ),
    Example(
        id="ch02.yamlify",
        file="ch02_quart/yamlify.py",
        summary="A YAML response helper returning (body, status, headers)",
        port=8106,
        probes=(
            Probe("/api", content_type="application/x-yaml",
                  body_contains=("- Hello\n- YAML\n- World!\n",)),
            Probe("/nope", status=404, content_type="application/x-yaml",
                  body_contains=("error: not found",)),
        ),
    ),
    Example(
        id="ch02.session",
        file="ch02_quart/session.py",
        summary="The signed-cookie session: a visit counter; a tampered cookie starts empty",
        port=8107,
        probes=(
            Probe("/", json={"visits": 1}, expect_headers={"Set-Cookie": "HttpOnly"}),
            Probe("/", headers={"Cookie": "session=eyJ2aXNpdHMiOjk5fQ.forged.signature"},
                  json={"visits": 1}, note="a forged cookie is ignored"),
            NOT_FOUND,
        ),
    ),
    Example(
        id="ch02.globals",
        file="ch02_quart/globals.py",
        summary="g set in before_request from Basic auth (Anonymous without it)",
        port=8108,
        probes=(
            Probe("/api", json={"Hello": "Anonymous"}),
            Probe("/api", headers=basic("alice", "x"), json={"Hello": "alice"}),
            Probe("/api", headers={"Authorization": "Basic !!!"}, json={"Hello": "Anonymous"},
                  note="a malformed header is no credentials, not a 500"),
            NOT_FOUND,
        ),
    ),
    Example(
        id="ch02.signals",
        file="ch02_quart/signals.py",
        summary="request_finished and a custom blinker signal with async receivers",
        port=8109,
        probes=(
            Probe("/api", json={"hello": "world"}),
            Probe("/orders/7", method="POST", headers={"Content-Type": JSON},
                  data=b'{"quantity": 2}', status=201, json={"order_id": 7, "quantity": 2}),
            Probe("/events", body_contains=('"signal":"order-placed"', '"order_id":7',
                                            '"signal":"request-finished"')),
            Probe("/orders/7", method="POST", headers={"Content-Type": JSON},
                  data=b"{not json", status=400, body_contains=("not valid JSON",)),
            Probe("/orders/7", method="POST", headers={"Content-Type": JSON},
                  data=b'{"quantity": 0}', status=400, body_contains=("positive integer",)),
            NOT_FOUND,
        ),
    ),
    Example(
        id="ch02.middleware",
        file="ch02_quart/middleware.py",
        summary="ASGI middleware: the book's X-Forwarded-For fixed; trust it only from proxies",
        port=8110,
        probes=(
            Probe("/api", json={"Hello": "127.0.0.1", "X-Forwarded-For": None}),
            Probe("/api", headers={"X-Forwarded-For": "203.0.113.7"},
                  json={"Hello": "203.0.113.7"}, note="127.0.0.1 is a trusted proxy"),
            NOT_FOUND,
        ),
    ),
    Example(
        id="ch02.extensions",
        file="ch02_quart/extensions.py",
        summary="A real extension: quart-schema validates a JSON body; bad bodies get a 400",
        port=8111,
        ready_path="/openapi.json",
        probes=(
            Probe("/orders", method="POST", headers={"Content-Type": JSON},
                  data=b'{"item": "burger", "quantity": 2}', status=201,
                  json={"item": "burger", "quantity": 2, "total": 17.0}),
            Probe("/orders", method="POST", headers={"Content-Type": JSON},
                  data=b'{"item": "burger"}', status=400,
                  json={"error": "invalid order"}, body_contains=("Field required",)),
            Probe("/orders", method="POST", headers={"Content-Type": JSON},
                  data=b"{not json", status=400,
                  json={"error": "the body is not valid JSON"}),
            Probe("/openapi.json", body_contains=('"/orders"',)),
            NOT_FOUND,
        ),
    ),
    Example(
        id="ch02.email_render",
        file="ch02_quart/email_render.py",
        kind="script",
        summary="A Jinja2 e-mail template with every field rendered (StrictUndefined)",
        stdout_contains=("Date: ", "To: ada@example.com", "Hello Ada,",
                         "- Fries (2.0 Euros)", "Total: 9.5 Euros",
                         "UndefinedError: 'date' is undefined"),
    ),
    Example(
        id="ch02.template_view",
        file="ch02_quart/template_view.py",
        summary="render_template with an HTML template; autoescaping stops <script>",
        port=8112,
        probes=(
            Probe("/welcome?name=Ada&item=fries", content_type="text/html",
                  body_contains=("<h1>Hello Ada!</h1>", "<li>fries</li>")),
            Probe("/welcome?name=%3Cscript%3E", body_contains=("Hello &lt;script&gt;!",)),
            Probe("/welcome?name=" + "x" * 51, status=400, json={"error": ...}),
            NOT_FOUND,
        ),
    ),
    Example(
        id="ch02.load_settings",
        file="ch02_quart/load_settings.py",
        kind="script",
        summary="Config from a class, JSON, YAML and QUART_* environment variables",
        stdout_contains=("from_object(prod_settings.Config)",
                         "from_file(prod_settings.json, json.load)",
                         "from_file(prod_settings.yml, yaml.safe_load)",
                         "DEBUG=False  SQLURI=postgresql://localhost/db"),
    ),
    Example(
        id="ch02.blueprints",
        file="ch02_quart/blueprints.py",
        summary="A teams Blueprint registered twice; an unknown team is a JSON 404",
        port=8113,
        ready_path="/teams",
        probes=(
            Probe("/teams", content_type=JSON,
                  json={"1": ["Alice", "Bob"], "2": ["Charles"]}),
            Probe("/teams/1", body_contains=('["Alice","Bob"]',)),
            Probe("/v2/teams/2", body_contains=('["Charles"]',)),
            Probe("/teams/9", status=404, content_type=JSON,
                  json={"error": "not found", "description": "no team with id 9; known: [1, 2]"}),
            Probe("/teams/abc", status=404),
            NOT_FOUND,
        ),
    ),
    Example(
        id="ch02.error_handler",
        file="ch02_quart/error_handler.py",
        summary="A custom 500 handler returning JSON, without leaking the exception",
        port=8114,
        probes=(
            Probe("/api", status=500, content_type=JSON,
                  json={"Error": "Internal Server Error", "description": ...}),
            NOT_FOUND,
        ),
    ),
    Example(
        id="ch02.catch_all_errors",
        file="ch02_quart/catch_all_errors.py",
        summary="JSON for every HTTP error code (code, description, message)",
        port=8115,
        probes=(
            Probe("/api", status=500, content_type=JSON,
                  json={"code": 500, "description": ..., "message": ...}),
            Probe("/nope", status=404, content_type=JSON, json={"code": 404}),
            Probe("/api", method="DELETE", status=405, json={"code": 405}),
            Probe("/abort/418", status=418, json={"code": 418, "message": ...}),
            Probe("/abort/499", status=400, json={"code": 400}),
        ),
    ),
    Example(
        id="ch02.myservice",
        file="ch02_quart/myservice/__main__.py",
        module="ch02_quart.myservice",
        summary="The microservice skeleton: app factory, YAML settings + env, blueprint, Hypercorn",
        port=8120,
        ready_path="/health",
        probes=(
            Probe("/", content_type=JSON,
                  json={"service": "myservice", "greeting": "Hello from myservice"}),
            Probe("/health", json={"status": "ok"}),
            Probe("/nope", status=404, content_type=JSON, json={"code": 404}),
            Probe("/", method="POST", status=405, json={"code": 405}),
        ),
    ),
]

# Files in ch02_quart/ that belong to an example without being one.
SUPPORT_FILES: list[str] = [
    "ch02_quart/teams.py",  # the blueprint registered by blueprints.py
    "ch02_quart/prod_settings.py",  # a config module loaded by load_settings.py
    "ch02_quart/myservice/__init__.py",
    "ch02_quart/myservice/app.py",
    "ch02_quart/myservice/views/*.py",
]
