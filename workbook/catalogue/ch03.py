"""Chapter 3 examples: coding, testing and documentation - every kind of test."""

from workbook.catalogue import Example, Probe

EXAMPLES = [
    Example(
        id="ch03.quart_error",
        file="ch03_testing/quart_error.py",
        summary="404 and 500 as JSON bodies (the book's text_404), for functional tests",
        port=8200,
        probes=(
            Probe("/api", content_type="application/json", json={"Hello": "World!"}),
            Probe("/nope", status=404, content_type="application/json",
                  json={"Error": str, "description": str},
                  body_contains=("The requested URL was not found",)),
            Probe("/crash", status=500, content_type="application/json",
                  body_contains=("500 Internal Server Error",),
                  note="the view raises on purpose; the handler answers JSON"),
        ),
    ),
]

# Files in ch03_testing/ that belong to an example without being one.
SUPPORT_FILES: list[str] = []
