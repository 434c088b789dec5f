"""Plugin back-office screens: mounted with a role, inside the back-office layout."""

import shutil
import sys
import textwrap

import pytest

from cms.config import PROJECT_ROOT
from cms.extensions import db
from cms.plugins import registry
from cms.testing import AuthActions

DESK = """
    from flask import abort, flash, redirect, render_template, url_for
    from cms.plugins import AdminView, Plugin

    NOTES = ["first note"]


    def board():
        return render_template("desk/admin/board.html", notes=NOTES)


    def add_note():
        NOTES.append("another note")
        flash("Note saved.", "success")
        return redirect(url_for("desk_admin.board"))


    def note(number):
        if number >= len(NOTES):
            abort(404)
        return NOTES[number]


    def secrets():
        return "only admins"


    def waiting():
        if NOTES == ["boom"]:
            raise RuntimeError("badge exploded")
        return len(NOTES) - 1


    plugin = Plugin(
        name="desk",
        title="Desk",
        admin_views=[
            AdminView("/", board, role="editor", menu="Desk board"),
            AdminView("/notes", add_note, role="editor", methods=("POST",)),
            AdminView("/notes/<int:number>", note, role="editor"),
            AdminView(
                "/secrets",
                secrets,
                role="admin",
                menu="Desk secrets",
                badge=waiting,
                badge_label="Notes to read",
            ),
        ],
    )
"""

BOARD = """{% extends "admin/base.html" %}
{% block content %}<h1>Desk board</h1>
<form method="post" action="{{ url_for('desk_admin.add_note') }}">
<input type="hidden" name="csrf_token" value="{{ csrf_token() }}"><button>Add</button></form>
<ul>{% for n in notes %}<li class="note">{{ n }}</li>{% endfor %}</ul>{% endblock %}
"""

NOROLE = """
    from cms.plugins import AdminView, Plugin

    def screen():
        return "never"

    plugin = Plugin(name="norole", admin_views=[AdminView("/", screen)])
"""

PROBES = {"desk": DESK, "norole": NOROLE}


@pytest.fixture
def plugins_dir(plugins_dir):
    for name, source in PROBES.items():
        (plugins_dir / name).mkdir()
        (plugins_dir / name / "__init__.py").write_text(textwrap.dedent(source))
    board = plugins_dir / "desk" / "templates" / "desk" / "admin" / "board.html"
    board.parent.mkdir(parents=True)
    board.write_text(BOARD)
    yield plugins_dir
    for name in PROBES:
        sys.modules.pop(f"plugins.{name}", None)


@pytest.fixture
def app_config(app_config, tmp_path):
    themes = tmp_path / "themes"
    shutil.copytree(PROJECT_ROOT / "themes", themes)
    theme_copy = themes / "default" / "templates" / "desk" / "admin" / "board.html"
    theme_copy.parent.mkdir(parents=True)
    theme_copy.write_text("a public theme must never replace a back-office screen")
    return {**app_config, "THEMES_DIR": str(themes)}


def test_a_plugin_screen_renders_inside_the_back_office(client, signed_in):
    signed_in("editor")
    response = client.get("/admin/plugins/desk/")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Desk board</h1>" in html
    assert 'class="admin-nav"' in html  # the back-office navigation
    assert '<a href="/admin/plugins/desk/" aria-current="page">Desk board</a>' in html
    assert "Desk secrets" not in html  # an admin-only entry is hidden from editors
    assert "a public theme" not in html


def test_plugin_screens_keep_the_csrf_rule_and_flash_messages(client, signed_in, auth):
    signed_in("editor")
    assert client.post("/admin/plugins/desk/notes").status_code == 400
    response = auth.post("/admin/plugins/desk/notes", form_url="/admin/plugins/desk/")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).text
    assert "Note saved." in html
    assert html.count('class="note"') >= 2


def test_each_plugin_screen_requires_its_role(client, signed_in, make_user, auth):
    response = client.get("/admin/plugins/desk/")
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]
    signed_in("author")
    response = client.get("/admin/plugins/desk/")
    assert response.status_code == 403
    assert 'class="admin-nav"' in response.text  # the back office's own error page
    assert "You are not allowed to do this." in response.text
    auth.logout()
    signed_in("editor")
    assert client.get("/admin/plugins/desk/secrets").status_code == 403
    auth.logout()
    signed_in("admin")
    assert client.get("/admin/plugins/desk/secrets").text == "only admins"
    assert "Desk secrets" in client.get("/admin/").text


def test_plugin_screens_use_the_back_office_error_pages(client, signed_in):
    signed_in("editor")
    response = client.get("/admin/plugins/desk/notes/99")
    assert response.status_code == 404
    assert "This item does not exist or has been deleted." in response.text
    assert 'class="admin-nav"' in response.text


def test_a_disabled_plugin_loses_its_screens_and_menu_entries(app, client, signed_in):
    signed_in("admin")
    assert "Desk board" in client.get("/admin/").text
    with app.app_context():
        registry().set_enabled("desk", False)
        db.session.commit()
    assert "Desk board" not in client.get("/admin/").text
    assert client.get("/admin/plugins/desk/").status_code == 404
    assert client.get("/admin/plugins/desk/secrets").status_code == 404


def test_the_admin_templates_folder_overrides_a_plugin_screen(make_app, tmp_path, make_user):
    folder = tmp_path / "admin-templates"
    (folder / "desk" / "admin").mkdir(parents=True)
    (folder / "desk" / "admin" / "board.html").write_text(
        '{% extends "admin/base.html" %}{% block content %}<h1>Our own board</h1>{% endblock %}'
    )
    app = make_app(ADMIN_TEMPLATES_DIR=str(folder))
    client = app.test_client()
    make_user(email="boss@example.org", role="admin")
    assert AuthActions(client).login("boss@example.org").status_code == 302
    html = client.get("/admin/plugins/desk/").text
    assert "<h1>Our own board</h1>" in html
    assert 'class="admin-nav"' in html


def test_an_admin_view_without_a_role_is_refused_and_the_site_keeps_running(app, client, signed_in):
    found = app.extensions["cms_plugins"]
    assert "norole" not in found.plugins
    assert "needs a role" in found.broken["norole"]
    assert client.get("/").status_code == 200
    signed_in("admin")
    html = client.get("/admin/plugins").text
    assert "norole" in html
    assert "needs a role" in html
    assert client.get("/admin/plugins/norole/").status_code == 404


def test_a_screen_badge_counts_what_waits_in_the_menu_and_on_the_dashboard(client, signed_in, auth):
    signed_in("admin")
    notes = sys.modules["plugins.desk"].NOTES
    notes[:] = ["first note"]
    html = client.get("/admin/").text
    assert "data-menu-badge" not in html  # nothing waits: no badge, no dashboard stat
    assert "Notes to read" not in html
    notes[:] = ["first note", "second", "third"]
    html = client.get("/admin/").text
    assert 'Desk secrets <span class="menu-badge" data-menu-badge>2</span></a>' in html
    assert 'data-dashboard-badge="desk_admin.secrets"' in html
    assert "Notes to read" in html
    auth.logout()
    signed_in("editor")  # the screen is admins': so are its badge and its dashboard line
    assert "Notes to read" not in client.get("/admin/").text


def test_a_failing_badge_leaves_the_back_office_working(client, signed_in):
    signed_in("admin")
    notes = sys.modules["plugins.desk"].NOTES
    notes[:] = ["boom"]
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Desk secrets</a>" in response.text
    assert "data-menu-badge" not in response.text
    notes[:] = ["first note"]
