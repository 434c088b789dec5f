"""The smaller example of docs/plugins.md, ``examples/cms-latest``, installed with pip."""

import pytest

from cms import generations
from cms.content import delete_article, save_article
from cms.extensions import db
from cms.models import Article
from tests.plugins.examples import on_path


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    with on_path("cms-latest", "cms_latest", tmp_path_factory.mktemp("examples")) as target:
        yield target


@pytest.fixture
def box(installed, app, place_widget):
    return place_widget("latest.box", title="Tin mới", count=2)


def save(app, article_id=None, **fields):
    """Save through the content service, as the back office does; the hooks fire on commit."""
    with app.test_request_context("/"):
        article = db.session.get(Article, article_id) if article_id else None
        article = save_article(article, fields)
        db.session.commit()
        return article.id


def test_the_installed_plugin_is_found_and_its_box_renders(installed, app, client, box):
    plugins = app.extensions["cms_plugins"]
    assert "latest" in plugins.plugins, plugins.broken
    assert str(plugins.plugins["latest"].path).startswith(str(installed))
    html = client.get("/").text
    assert f'data-widget="latest.box" data-widget-id="{box.id}"' in html
    assert "No articles have been published yet." in html
    save(app, title="Bài đầu tiên", status="published")
    assert "Bài đầu tiên" in client.get("/").text  # article_published dropped the cached box


def test_the_box_drops_an_unpublished_article(app, client, box):
    article_id = save(app, title="Sắp rút lại", status="published")
    assert "Sắp rút lại" in client.get("/").text  # cached now
    save(app, article_id, status="draft")
    assert "Sắp rút lại" not in client.get("/").text
    assert "No articles have been published yet." in client.get("/").text


def test_the_box_drops_a_deleted_article(app, client, box):
    article_id = save(app, title="Sắp xoá", status="published")
    assert "Sắp xoá" in client.get("/").text
    with app.test_request_context("/"):
        delete_article(db.session.get(Article, article_id))
        db.session.commit()
    assert "Sắp xoá" not in client.get("/").text


def test_the_box_shows_a_new_title(app, client, box):
    article_id = save(app, title="Tên cũ", status="published")
    assert "Tên cũ" in client.get("/").text
    save(app, article_id, title="Tên mới")
    html = client.get("/").text
    assert "Tên mới" in html
    assert "Tên cũ" not in html


def box_generation(app):
    with app.app_context():
        return generations.value("widget-type:latest.box")


def test_a_draft_never_drops_the_cached_box(app, client, box):
    save(app, title="Đã đăng", status="published")
    assert "Đã đăng" in client.get("/").text
    before = box_generation(app)
    draft_id = save(app, title="Nháp", status="draft")
    save(app, draft_id, title="Nháp 2")
    with app.test_request_context("/"):
        delete_article(db.session.get(Article, draft_id))
        db.session.commit()
    assert box_generation(app) == before  # a draft was never listed: the cache stays
    assert "Đã đăng" in client.get("/").text
