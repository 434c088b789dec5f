"""What plugins add to the article list, to ``cms demo`` and to ``/robots.txt``."""

import re
import sys
import textwrap

import pytest
from sqlalchemy import func, select

from cms.demo import build_demo
from cms.extensions import db
from cms.models import Article, Setting
from cms.plugins import registry

TALLY = """
    from markupsafe import Markup
    from cms.content import set_setting
    from cms.plugins import AdminColumn, Plugin

    CALLS = []


    def scores(rows):
        CALLS.append([row.id for row in rows])
        return {row.id: Markup("<b>%d</b>") % (row.id * 10) for row in rows[:-1]}


    def words(rows):
        return {row.id: "<i>" + row.title + "</i>" for row in rows}


    def demo():
        set_setting("tally_demo", {"added": True})


    plugin = Plugin(
        name="tally",
        title="Tally",
        admin_columns=[AdminColumn("score", "Score", scores), AdminColumn("words", "Words", words)],
        demo=demo,
        robots_disallow=["/tally/vote", "/tally/go"],
    )
"""

BROKEN = """
    from cms.content import set_setting
    from cms.plugins import AdminColumn, Plugin


    def fails(rows):
        raise RuntimeError("no column today")


    def demo():
        set_setting("broken_demo", {"half": True})
        raise RuntimeError("no demo today")


    plugin = Plugin(name="broken", admin_columns=[AdminColumn("fails", "Fails", fails)], demo=demo)
"""

WRONG_LIST = """
    from cms.plugins import AdminColumn, Plugin

    plugin = Plugin(name="wronglist", admin_columns=[AdminColumn("x", "X", dict, on="Comment")])
"""

BAD_ROBOTS = """
    from cms.plugins import Plugin

    plugin = Plugin(name="badrobots", robots_disallow=["/ok", "/x\\nAllow: /admin/"])
"""

PROBES = {"tally": TALLY, "broken": BROKEN, "wronglist": WRONG_LIST, "badrobots": BAD_ROBOTS}


@pytest.fixture
def plugins_dir(plugins_dir):
    for name, source in PROBES.items():
        (plugins_dir / name).mkdir()
        (plugins_dir / name / "__init__.py").write_text(textwrap.dedent(source))
    yield plugins_dir
    for name in PROBES:
        sys.modules.pop(f"plugins.{name}", None)


def column_cells(html, key):
    """The text of every cell of column ``key`` in the article list (header excluded)."""
    return re.findall(rf'<td data-label="[^"]*" data-column="{re.escape(key)}">(.*?)</td>', html)


def test_active_plugins_add_columns_to_the_article_list(app, client, signed_in, make_article):
    first = make_article(title="First <one>")
    second = make_article(title="Second")
    signed_in("editor")
    html = client.get("/admin/articles").text
    assert '<th scope="col" data-column="tally.score">Score</th>' in html
    scores = column_cells(html, "tally.score")
    # newest first; the function left the last row out: it shows a dash
    assert scores == [f"<b>{second.id * 10}</b>", "—"]
    # plain text is escaped, never taken for HTML
    assert "&lt;i&gt;First &lt;one&gt;&lt;/i&gt;" in column_cells(html, "tally.words")
    # one call for the whole page, with every row shown
    calls = sys.modules["plugins.tally"].CALLS
    assert calls == [[second.id, first.id]]


def test_a_failing_column_shows_dashes_and_counts_against_its_plugin(app, client, signed_in):
    signed_in("editor")
    response = client.get("/admin/articles?status=published")
    assert response.status_code == 200
    with app.app_context():
        assert registry().failures("broken") == 1


def test_an_inactive_plugin_adds_no_column(app, client, signed_in, make_article):
    make_article(title="Listed")
    with app.app_context():
        registry().set_enabled("tally", False)
        db.session.commit()
    signed_in("editor")
    html = client.get("/admin/articles").text
    assert "tally.score" not in html
    assert "Listed" in html


def test_a_column_for_a_list_without_columns_refuses_the_plugin(app):
    with app.app_context():
        assert "wronglist" not in registry().plugins
        assert "'Comment'" in registry().broken["wronglist"]


def test_the_demo_adds_each_active_plugins_data_and_survives_a_failing_one(app):
    with app.app_context():
        assert build_demo()
        assert db.session.get(Setting, "tally_demo").value == {"added": True}
        # the failing plugin's demo left nothing; the rest of the demo is kept
        assert db.session.get(Setting, "broken_demo") is None
        assert db.session.execute(select(func.count(Article.id))).scalar() >= 30


def test_a_disabled_plugin_adds_no_demo_data(app):
    with app.app_context():
        registry().set_enabled("tally", False)
        db.session.commit()
        assert build_demo()
        assert db.session.get(Setting, "tally_demo") is None


def test_active_plugins_keep_crawlers_off_their_paths(app, client):
    body = client.get("/robots.txt").text
    assert "Disallow: /tally/vote\nDisallow: /tally/go\n" in body
    assert "Disallow: /admin/" in body  # the core's stay
    with app.app_context():
        registry().set_enabled("tally", False)
        db.session.commit()
    assert "/tally/" not in client.get("/robots.txt").text


def test_a_robots_entry_that_is_no_path_of_one_line_refuses_the_plugin(app, client):
    with app.app_context():
        assert "badrobots" not in registry().plugins
        assert "robots_disallow" in registry().broken["badrobots"]
    assert "Allow: /admin/" not in client.get("/robots.txt").text
