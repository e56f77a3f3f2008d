"""Chapter 2 examples: discovering Quart."""

from workbook.catalogue import Example, Probe

NOT_FOUND = Probe("/nope", status=404, note="unknown path")

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
        id="ch02.myservice",
        file="ch02_quart/myservice/__main__.py",
        module="ch02_quart.myservice",
        summary="The microservice skeleton: app factory, YAML settings + env, blueprint, Hypercorn",
        port=8120,
        ready_path="/health",
        probes=(
            Probe("/", content_type="application/json",
                  json={"service": "myservice", "greeting": "Hello from myservice"}),
            Probe("/health", json={"status": "ok"}),
            Probe("/nope", status=404, content_type="application/json", json={"code": 404}),
            Probe("/", method="POST", status=405, json={"code": 405}),
        ),
    ),
]

# Files in ch02_quart/ that belong to an example without being one.
SUPPORT_FILES: list[str] = [
    "ch02_quart/myservice/__init__.py",
    "ch02_quart/myservice/app.py",
    "ch02_quart/myservice/views/*.py",
]
