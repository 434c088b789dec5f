"""Each plugin ships its own catalogue; Flask-Babel merges it with the site's."""

import sys
import textwrap
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from cms.content import set_setting
from cms.extensions import db

GREET = """
    from flask import Blueprint
    from flask_babel import gettext as _
    from cms.plugins import Plugin

    bp = Blueprint("{name}", __name__, url_prefix="/{name}")


    @bp.route("/")
    def hello():
        return _("Good morning, readers") + " | " + _("Dashboard")


    plugin = Plugin(name="{name}", title="Greetings", blueprint=bp)
"""


def write_catalogue(package: Path, pairs: dict[str, str]) -> None:
    """``translations/vi/LC_MESSAGES/messages.po`` and its compiled ``.mo`` in ``package``."""
    catalog = Catalog(locale="vi", domain="messages")
    for msgid, msgstr in pairs.items():
        catalog.add(msgid, msgstr)
    folder = package / "translations" / "vi" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as fh:
        write_po(fh, catalog)
    with (folder / "messages.mo").open("wb") as fh:
        write_mo(fh, catalog)


PAIRS = {
    "Good morning, readers": "Chào buổi sáng, bạn đọc",
    "Dashboard": "a plugin never changes a string of the core",
}


@pytest.fixture
def plugins_dir(plugins_dir):
    package = plugins_dir / "greet"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(GREET.format(name="greet")))
    write_catalogue(package, PAIRS)
    yield plugins_dir
    sys.modules.pop("plugins.greet", None)


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """A plugin installed as a distribution with a ``cms.plugins`` entry point."""
    site = tmp_path / "site-packages"
    package = site / "cms_hail"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(GREET.format(name="hail")))
    write_catalogue(package, PAIRS)
    info = site / "cms_hail-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cms-hail\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[cms.plugins]\nhail = cms_hail\n")
    monkeypatch.syspath_prepend(str(site))
    yield site
    sys.modules.pop("cms_hail", None)


def vietnamese(app):
    with app.app_context():
        set_setting("locale", "vi")
        db.session.commit()


def test_a_bundled_plugin_brings_its_own_translations(app, client):
    vietnamese(app)
    text = client.get("/greet/").text
    assert text.startswith("Chào buổi sáng, bạn đọc | ")
    assert text.endswith("Bảng điều khiển")  # the core's own translation wins


def test_english_stays_english(app, client):
    assert client.get("/greet/").text == "Good morning, readers | Dashboard"


def test_a_pip_installed_plugin_brings_its_own_translations(installed, make_app):
    app = make_app()
    assert "hail" in app.extensions["cms_plugins"].plugins
    vietnamese(app)
    text = app.test_client().get("/hail/").text
    assert text.startswith("Chào buổi sáng, bạn đọc | ")
