"""The yardstick: a bare Flask app serving a saved page from a Jinja template.

DESIGN.md measures the CMS against this: the same HTML, with none of the CMS's
work (database, settings, themes, widgets). ``BASELINE_TEMPLATE`` names the file.
"""

import os
from pathlib import Path

from flask import Flask, render_template_string

app = Flask(__name__)
TEMPLATE = Path(os.environ["BASELINE_TEMPLATE"]).read_text(encoding="utf-8")


@app.route("/")
def page() -> str:
    """Render the saved page."""
    return render_template_string(TEMPLATE, title="baseline")


@app.route("/hello")
def hello() -> str:
    """A hello world, the yardstick of a page-cache hit."""
    return "Hello, World!"
