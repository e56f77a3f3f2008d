"""Reading a client's JSON body, whatever the client sent.

JSON on the wire is UTF-8 (RFC 8259). Another encoding (latin-1, UTF-16),
invalid UTF-8, a body nested deeper than any real payload (``[[[[...`` 5,000
deep makes Python 3.13's parser raise RecursionError; 3.14's parses it), or
anything but an object is refused with ``BadPayload`` saying which: the caller
answers 400, never 500.
Used by the Slack events endpoint and the JSON API.
"""

from __future__ import annotations

import json

# Slack's deepest payloads (rich-text blocks) are about ten levels deep.
MAX_DEPTH = 32


class BadPayload(ValueError):
    """Why a body was refused, in a few words safe to send back."""


def load_object(body: bytes, max_depth: int = MAX_DEPTH) -> dict:
    """The body as a JSON object, or BadPayload."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadPayload("body is not UTF-8 (JSON must be UTF-8)") from None
    try:
        value = json.loads(text)
    except RecursionError:
        raise BadPayload(f"body is nested deeper than {max_depth} levels") from None
    except ValueError:
        raise BadPayload("body is not JSON") from None
    if too_deep(value, max_depth):  # first: the same answer whether the parser gave up or not
        raise BadPayload(f"body is nested deeper than {max_depth} levels")
    if not isinstance(value, dict):
        raise BadPayload("body is not a JSON object")
    return value


def too_deep(value, max_depth: int) -> bool:
    """True if ``value`` nests lists or objects more than ``max_depth`` levels (no recursion)."""
    stack = [(value, 1)]
    while stack:
        node, level = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        if children and level > max_depth:
            return True
        stack.extend((child, level + 1) for child in children)
    return False
