"""The yardstick: a bare Flask app serving a saved page from a Jinja template file.

DESIGN.md section 5 measures the CMS against this: the same HTML, with none of
the CMS's work (database, settings, themes, widgets), rendered the way any Flask
app renders a page: ``render_template`` on a template file, which Jinja
compiles once per process and keeps. ``BASELINE_TEMPLATE`` names the file (the
saved article page, wrapped in ``{% raw %}`` by ``bench/run.sh``); its folder
is the app's template folder. ``/hello`` is a hello world.

Serve with ``BASELINE_TEMPLATE=... gunicorn --chdir bench baseline_app:app``.
"""

import os
from pathlib import Path

from flask import Flask, render_template

#: The saved page: its folder is the template folder, its name the template's name.
TEMPLATE = Path(os.environ["BASELINE_TEMPLATE"]).resolve()

app = Flask(__name__, template_folder=str(TEMPLATE.parent))


@app.route("/")
def page() -> str:
    """Render the saved page from its template (compiled once per worker)."""
    return render_template(TEMPLATE.name, title="baseline")


@app.route("/hello")
def hello() -> str:
    """A hello world: the most a Flask worker can answer."""
    return "Hello, World!"
