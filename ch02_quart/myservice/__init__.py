"""myservice: the book's microservice skeleton, as a small Quart package.

The package exposes :func:`create_app`, the application factory. Serve it with
Hypercorn::

    hypercorn "ch02_quart.myservice:create_app()" --bind 127.0.0.1:8120

or as a module (Hypercorn started from Python, ``PORT`` overrides 8120)::

    python -m ch02_quart.myservice

or through the skeleton's Makefile (``make help`` lists install, test, lint, run)::

    make -C ch02_quart/myservice run
"""

from ch02_quart.myservice.app import create_app

__all__ = ["create_app"]
