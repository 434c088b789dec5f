"""The page cache: changes whose pages the cache does not drop.

A page carries tags for what it shows; these tests change something a
cached page shows without the page carrying the tag the change drops.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import insert

from cms import testing
from cms.content import save_article, save_page
from cms.content.articles import promote_due_articles
from cms.extensions import db
from cms.models import Article, Page, PageCachePurge, Tag, utcnow
from cms.page_cache.backends import EVERYTHING
from cms.page_cache.record import LAYOUT, LISTS
from cms.page_cache.tags import bulk_tags
from cms.public import views
from tests.page_cache.helpers import BROWSER, state


@pytest.fixture
def pages(app):
    """A page outside the menu with one sub-page; returns ``(parent id, child id)``."""
    with app.app_context():
        parent = save_page(None, {"title": "Thủ tục hành chính", "show_in_menu": False})
        db.session.flush()
        child = save_page(
            None,
            {"title": "Cấp giấy phép xây dựng", "parent_id": parent.id, "show_in_menu": False},
        )
        db.session.commit()
        return parent.id, child.id


def page_path(app, page_id: int) -> str:
    with app.app_context():
        return "/" + db.session.get_one(Page, page_id).path


def edit_page(app, page_id: int, **fields) -> None:
    with app.app_context():
        save_page(db.session.get(Page, page_id), fields)
        db.session.commit()


def test_unpublishing_a_sub_page_drops_its_parent_that_links_to_it(app, client, pages):
    """The parent lists its public children; the child's change drops only ``page:<child>``."""
    parent_id, child_id = pages
    url = page_path(app, parent_id)
    client.get(url, headers=BROWSER)
    assert "Cấp giấy phép xây dựng" in client.get(url, headers=BROWSER).text
    edit_page(app, child_id, status="draft")
    again = client.get(url, headers=BROWSER)
    assert "Cấp giấy phép xây dựng" not in again.text, f"X-Page-Cache: {state(again)}"


def test_renaming_a_parent_page_drops_its_children(app, client, pages):
    """A sub-page shows its parent's title (breadcrumbs) and lives under its slug."""
    parent_id, child_id = pages
    url = page_path(app, child_id)
    client.get(url, headers=BROWSER)
    assert "Thủ tục hành chính" in client.get(url, headers=BROWSER).text
    edit_page(app, parent_id, title="Dịch vụ công")
    renamed = client.get(url, headers=BROWSER)
    assert "Dịch vụ công" in renamed.text, f"X-Page-Cache: {state(renamed)}"
    edit_page(app, parent_id, slug="dich-vu-cong")
    moved = client.get(url, headers=BROWSER)  # the sub-page's old address
    assert moved.status_code == 301, f"X-Page-Cache: {state(moved)}"


def test_the_sitemap_drops_an_unpublished_page(app, client):
    """The sitemap lists published pages but carries only ``lists``, which a page change
    (outside the menu) does not drop."""
    with app.app_context():
        page = save_page(None, {"title": "Lịch tiếp công dân", "show_in_menu": False})
        db.session.commit()
        page_id, path = page.id, page.path
    for _ in range(2):  # the first sitemap records the site's identity (every page dropped)
        assert path in client.get("/sitemap.xml").text
    edit_page(app, page_id, status="draft")
    assert client.get("/" + path).status_code == 404
    sitemap = client.get("/sitemap.xml")
    assert path not in sitemap.text, f"X-Page-Cache: {state(sitemap)}"


@pytest.mark.skipif(
    testing.test_database_url() is None,
    reason="SQLite runs one writer at a time: no commit out of order",
)
def test_another_host_applies_a_purge_committed_after_200_newer_ones(
    app, make_app, make_article, tmp_path
):
    """Two hosts without Redis, each with its own cache file, one PostgreSQL database.

    A purge row gets its id when the change is flushed and is read by the
    other host once committed; the other host reads only the last 200 ids
    below the newest it saw. An edit whose transaction stays open while more
    than 200 other purges commit (plugins purge on every vote or comment) is
    never applied there: the unpublished article stays cached on that host.
    """
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    here = make_app(REDIS_URL=None, PAGE_CACHE_FILE=str(tmp_path / "here.sqlite3"))
    there = make_app(
        REDIS_URL=None, PAGE_CACHE_FILE=str(tmp_path / "there.sqlite3"), PAGE_CACHE_POLL=0
    )
    reader = there.test_client()
    reader.get(url, headers=BROWSER)
    assert state(reader.get(url, headers=BROWSER)) == "hit"
    with here.app_context():
        save_article(db.session.get(Article, article.id), {"status": "draft"})
        db.session.flush()  # the purge row has its id; the transaction is still open
        with db.engine.begin() as other:  # votes and comments purging meanwhile
            for n in range(250):
                other.execute(insert(PageCachePurge).values(tags=f"vote:{n}", created_at=utcnow()))
        assert reader.get(url, headers=BROWSER).status_code == 200  # not committed yet
        db.session.commit()
    answer = reader.get(url, headers=BROWSER)
    assert answer.status_code == 404, f"X-Page-Cache: {state(answer)}"


def test_an_unpublish_made_while_the_cache_is_off_is_not_served_once_it_is_on(
    app, client, make_app, make_article
):
    """A process started with ``CMS_PAGE_CACHE=0`` (a benchmark run, a maintenance
    shell, a worker during an incident) neither logs nor applies purges. Its
    unpublish never reaches the cache: once the cache is on again (a restart,
    same files, same keys), the page stored before is served until it expires.
    """
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    client.get(url, headers=BROWSER)
    assert state(client.get(url, headers=BROWSER)) == "hit"
    without_cache = make_app(PAGE_CACHE=False)
    with without_cache.app_context():
        save_article(db.session.get(Article, article.id), {"status": "draft"})
        db.session.commit()
    assert without_cache.test_client().get(url).status_code == 404
    restarted = make_app().test_client()
    answer = restarted.get(url, headers=BROWSER)
    assert answer.status_code == 404, f"X-Page-Cache: {state(answer)}"


def test_changing_the_email_of_an_author_without_a_name_drops_their_articles(
    app, client, make_user
):
    """Readers see ``display_name``: the name, else the email's part before ``@``. Only a
    change of ``name`` drops ``user:<id>``, so a new email leaves the old byline."""
    from cms.models import User

    author = make_user(email="nguyen.van.a@example.org", role="author", name="")
    with app.app_context():
        article = save_article(
            None,
            {"title": "Khánh thành cầu Suối Ngọc", "status": "published", "body_html": "<p>x</p>"},
            author=db.session.get_one(User, author.id),
        )
        db.session.commit()
        url = f"/news/{article.slug}"
    assert "nguyen.van.a" in client.get(url, headers=BROWSER).text
    with app.app_context():
        db.session.get_one(User, author.id).email = "tran.thi.b@example.org"
        db.session.commit()
    answer = client.get(url, headers=BROWSER)
    assert "tran.thi.b" in answer.text, f"X-Page-Cache: {state(answer)}"


def test_renaming_an_author_drops_the_feed_that_names_them(app, client, make_user):
    """Feed entries name their author, but the feed carries ``lists`` only, not
    ``user:<id>``, which is what renaming an author drops."""
    from cms.models import User

    author = make_user(email="bientap@example.org", role="author", name="Nguyễn Văn An")
    with app.app_context():
        save_article(
            None,
            {"title": "Khánh thành cầu Suối Ngọc", "status": "published", "body_html": "<p>x</p>"},
            author=db.session.get_one(User, author.id),
        )
        db.session.commit()
    for _ in range(2):  # the first feed records the site's identity (every page dropped)
        assert "Nguyễn Văn An" in client.get("/feed.xml").text
    with app.app_context():
        db.session.get_one(User, author.id).name = "Trần Thị Bình"
        db.session.commit()
    feed = client.get("/feed.xml")
    assert "Trần Thị Bình" in feed.text, f"X-Page-Cache: {state(feed)}"


def test_a_process_without_the_page_cache_still_logs_its_purges(make_app):
    """A back office served with CMS_PAGE_CACHE=0: the readers' processes must hear."""
    from sqlalchemy import func, select

    from cms import page_cache
    from cms.extensions import db
    from cms.models import PageCachePurge

    office = make_app(PAGE_CACHE=False)
    with office.app_context():
        before = db.session.execute(select(func.count()).select_from(PageCachePurge)).scalar()
        page_cache.invalidate("tag:7")
        after = db.session.execute(select(func.count()).select_from(PageCachePurge)).scalar()
    assert after == before + 1


def test_promoting_a_due_article_drops_its_page_and_the_lists_only(app, client, make_article):
    """Promotion is one bulk ``UPDATE`` naming its rows (``CHANGED_IDS``): the other
    articles' pages stay cached, the lists show the promoted article at once."""
    kept = make_article("Khánh thành cầu Suối Ngọc")
    due = make_article(
        "Lễ hội đường phố mùa thu", status="scheduled", published_at=utcnow() + timedelta(hours=1)
    )
    with app.app_context():
        db.session.get_one(Article, due.id).published_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    views._last_promotion = time.monotonic()  # the next requests leave it to this test
    article_url = f"/news/{kept.slug}"
    for url in (article_url, "/"):
        client.get(url, headers=BROWSER)
        assert state(client.get(url, headers=BROWSER)) == "hit"
    with app.app_context():
        assert promote_due_articles() == 1
        assert db.session.get_one(Article, due.id).status == "published"
    assert state(client.get(article_url, headers=BROWSER)) == "hit"
    home = client.get("/", headers=BROWSER)
    assert state(home) == "miss"


def test_a_bulk_statement_without_named_rows_drops_everything():
    """Rows a bulk ``UPDATE`` changes are unknown unless its caller names them."""
    assert bulk_tags(Article) == {EVERYTHING}
    assert bulk_tags(Article, [3, 3, 5]) == {LISTS, "article:3", "article:5"}
    assert bulk_tags(Tag, [2]) == {LISTS, "tag:2"}
    assert bulk_tags(Page, [7]) == {LAYOUT, "page:7"}
    assert bulk_tags(PageCachePurge, [1]) == set()
