"""Chapter 2 examples: discovering Quart."""

from workbook.catalogue import Example, Probe

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
]

# Files in ch02_quart/ that belong to an example without being one.
SUPPORT_FILES: list[str] = []
