"""Chapter 1 examples: the time service six ways, sync vs async."""

from workbook.catalogue import Example, Probe

# The probes every time service must pass: the lesson (a JSON time), and the
# bad-input answers (unknown path, wrong method) with no traceback.
TIME_OK = Probe("/", content_type="application/json", json={"time": float})
NOT_FOUND = Probe("/nope", status=404)
WRONG_METHOD = Probe("/", method="DELETE", status=405)

EXAMPLES = [
    Example(
        id="ch01.time_wsgi",
        file="ch01_wsgi_async/time_wsgi.py",
        summary="The time service as a bare WSGI callable served by wsgiref (stdlib only)",
        port=8001,
        probes=(TIME_OK, NOT_FOUND, WRONG_METHOD),
    ),
]
