"""Sphinx configuration for myservice's developer documentation (chapter 3).

Build:  sphinx-build -W --keep-going -b html ch03_testing/docs ch03_testing/docs/_build/html
   or:  tox -e docs
``-W`` turns every warning (a broken reference, a docstring autodoc cannot
parse, a page missing from the toctree) into a failed build, so the docs
cannot rot quietly. No extension here needs the internet.
"""

import sys
from pathlib import Path

# autodoc imports the code it documents: make the repository importable
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

project = "myservice"
author = "Python Microservices Workbook"
copyright = "the workbook's authors"
release = "0.1.0"

extensions = [
    "sphinx.ext.autodoc",  # API pages from docstrings
    "sphinx.ext.viewcode",  # "[source]" links next to each function
]
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True}
exclude_patterns = ["_build"]
html_theme = "alabaster"

# Broken cross-references are warnings too (and -W makes them errors). Classes
# from other projects cannot resolve without intersphinx, which needs the
# internet: those are the only ones let through.
nitpicky = True
nitpick_ignore_regex = [(r"py:.*", r"(quart|werkzeug|hypercorn)(\..*)?")]
