"""Fragment caches of the render path: kept per process, never stale in another worker.

Two applications on one database stand for two workers: ``reader`` renders
the article page (the page cache off, so every answer is rendered from
fragments), ``editor`` changes what the page shows; the reader's very next
answer shows the change.
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from cms import generations
from cms.content import save_article, save_category
from cms.content.site import set_setting
from cms.content.taxonomy import delete_category, delete_tag, save_tag
from cms.extensions import db
from cms.fragments import FragmentStore, cached, kept, store
from cms.models import Article, Category, Tag, User
from cms.testing import render_counted

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PAGE_CACHE": False}


@pytest.fixture
def site(app, make_app, make_category, make_article, make_user):
    """A category with two articles (one tagged, with an author) and a second worker."""
    category = make_category("Thời sự")
    author = make_user("author@example.org", role="author", name="Trần Văn A")
    other = make_article("Bài cũ cùng mục", category_id=category.id)
    main = make_article(
        "Khánh thành cầu mới",
        category_id=category.id,
        tags=["giao thông"],
        author_id=author.id,
        body_html="<p>Nội dung đầu tiên</p>",
    )
    reader = make_app()
    return {"reader": reader, "editor": app, "main": main, "other": other, "category": category}


def _page(application: Flask, slug: str, **headers: str) -> tuple[int, str]:
    response = application.test_client().get(f"/news/{slug}", headers={**BROWSER, **headers})
    return response.status_code, response.get_data(as_text=True)


def _change(application: Flask, change) -> None:
    with application.app_context():
        change()
        db.session.commit()


def test_the_second_answer_comes_from_fragments_with_one_statement(site):
    reader, slug = site["reader"], site["main"].slug
    html, statements = render_counted(reader, reader.test_client(), f"/news/{slug}")
    assert "Nội dung đầu tiên" in html
    assert len(statements) == 1, statements  # the generation counters, nothing else


def test_the_counters_are_read_without_starting_the_session(app, make_article):
    make_article("Bài mới")
    with app.app_context():
        numbers = generations.current()
        assert numbers.get(generations.ARTICLES, 0) >= 1
        assert not db.session().in_transaction()  # a page from fragments never starts it


def test_in_a_transaction_the_counters_are_read_in_it(app, make_article):
    article = make_article("Bài mới")
    with app.app_context():
        before = generations.current()[generations.ARTICLES]
        db.session.get(Article, article.id).title = "Bài đã sửa"
        db.session.flush()  # bumps the counter, uncommitted
        generations.forget()
        assert generations.current()[generations.ARTICLES] == before + 1  # its own change
        db.session.rollback()
        generations.forget()
        assert generations.current()[generations.ARTICLES] == before


@pytest.mark.parametrize(
    ("change", "shown", "gone"),
    [
        pytest.param(
            lambda s: save_article(
                db.session.get(Article, s["main"].id), {"body_html": "<p>Nội dung sửa lại</p>"}
            ),
            "Nội dung sửa lại",
            "Nội dung đầu tiên",
            id="body edited",
        ),
        pytest.param(
            lambda s: save_tag(
                db.session.execute(db.select(Tag)).scalar_one(), {"name": "Đường bộ"}
            ),
            "Đường bộ",
            "giao thông",
            id="tag renamed",
        ),
        pytest.param(
            lambda s: save_category(
                db.session.get(Category, s["category"].id),
                {"name": "Chính trị"},
            ),
            "Chính trị",
            "Thời sự",
            id="category renamed",
        ),
        pytest.param(
            lambda s: setattr(
                db.session.execute(
                    db.select(User).filter_by(email="author@example.org")
                ).scalar_one(),
                "name",
                "Lê Thị B",
            ),
            "Lê Thị B",
            "Trần Văn A",
            id="author renamed",
        ),
        pytest.param(
            lambda s: delete_category(db.session.get(Category, s["category"].id)),
            None,
            "Thời sự",
            id="category deleted",
        ),
        pytest.param(
            lambda s: delete_tag(db.session.execute(db.select(Tag)).scalar_one()),
            None,
            "giao thông",
            id="tag deleted",
        ),
        pytest.param(
            lambda s: set_setting("site_name", "Cổng thông tin mới"),
            "Cổng thông tin mới",
            None,
            id="site name changed",
        ),
    ],
)
def test_another_workers_change_shows_at_once(site, change, shown, gone):
    reader, editor, slug = site["reader"], site["editor"], site["main"].slug
    status, before = _page(reader, slug)
    assert status == 200
    if gone is not None:
        assert gone in before
    _change(editor, lambda: change(site))
    status, after = _page(reader, slug)
    assert status == 200
    if shown is not None:
        assert shown in after
    if gone is not None:
        assert gone not in after


def test_unpublished_or_renamed_slug_answers_at_once_in_the_other_worker(site):
    reader, editor, main = site["reader"], site["editor"], site["main"]
    assert _page(reader, main.slug)[0] == 200
    _change(
        editor,
        lambda: save_article(db.session.get(Article, main.id), {"slug": "cau-moi-doi-ten"}),
    )
    response = reader.test_client().get(f"/news/{main.slug}", headers=BROWSER)
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/news/cau-moi-doi-ten")
    assert _page(reader, "cau-moi-doi-ten")[0] == 200
    _change(editor, lambda: save_article(db.session.get(Article, main.id), {"status": "draft"}))
    assert _page(reader, "cau-moi-doi-ten")[0] == 404


def test_fragments_never_mix_hosts(site):
    reader, slug = site["reader"], site["main"].slug
    _, first = _page(reader, slug, Host="a.example.org")
    _, second = _page(reader, slug, Host="b.example.org")
    assert 'href="http://a.example.org/news/' in first
    assert 'href="http://b.example.org/news/' in second
    assert "a.example.org" not in second


def test_fragments_follow_the_locale(site, make_app):
    english = _page(site["reader"], site["main"].slug)[1]
    vietnamese = _page(make_app(LOCALE="vi"), site["main"].slug)[1]
    assert 'aria-label="Breadcrumbs"' in english
    assert 'aria-label="Đường dẫn"' in vietnamese


def test_a_context_with_uncommitted_changes_keeps_nothing(app, make_article):
    ref = make_article("Tin chưa lưu")
    calls: list[int] = []

    def render() -> str:
        calls.append(1)
        return "<p>html</p>"

    with app.test_request_context("/"):
        article = db.session.get(Article, ref.id)
        article.title = "Đang sửa"  # pending, not committed
        assert cached("probe", 1, ("articles",), render) == "<p>html</p>"
        assert cached("probe", 1, ("articles",), render) == "<p>html</p>"
        assert len(calls) == 2
        assert len(store()) == 0
        db.session.rollback()
        cached("probe", 1, ("articles",), render)
        cached("probe", 1, ("articles",), render)
        assert len(calls) == 3


def test_kept_values_follow_their_counter(app, make_article):
    ref = make_article("Tin một")
    loads: list[int] = []

    def load() -> str:
        loads.append(1)
        return f"v{len(loads)}"

    with app.app_context():
        assert kept("probe", "x", ("articles",), load) == "v1"
        assert kept("probe", "x", ("articles",), load) == "v1"
    with app.app_context():
        save_article(db.session.get(Article, ref.id), {"title": "Tin một (sửa)"})
        db.session.commit()
    with app.app_context():
        assert kept("probe", "x", ("articles",), load) == "v2"


def test_the_store_is_bounded_least_recently_used_first():
    fragments = FragmentStore(2)
    fragments.put("a", "A")
    fragments.put("b", "B")
    assert fragments.get("a") == "A"  # now the most recently used
    fragments.put("c", "C")
    assert fragments.get("b") is None
    assert (fragments.get("a"), fragments.get("c")) == ("A", "C")
    assert len(fragments) == 2
    nothing = FragmentStore(0)
    nothing.put("a", "A")
    assert nothing.get("a") is None


def test_a_failed_read_of_the_counters_serves_nothing_kept(site):
    """A passing failure of the request's counters read (a reconnect) must not make
    every key look like the first: what such a request rendered is never served later."""
    reader, editor, main = site["reader"], site["editor"], site["main"]
    with reader.app_context():
        engine = db.engine
    failures: list[str] = []

    def fail_once(_conn, _cursor, statement, *_args):
        if "FROM generation" in statement and not failures:
            failures.append(statement)
            raise OperationalError(statement, (), Exception("connection reset"))

    def page_with_a_failed_read() -> tuple[int, str]:
        failures.clear()
        event.listen(engine, "before_cursor_execute", fail_once)
        try:
            return _page(reader, main.slug)
        finally:
            event.remove(engine, "before_cursor_execute", fail_once)

    status, html = page_with_a_failed_read()
    assert failures, "the counters read was not tried"
    assert status == 200
    assert "Nội dung đầu tiên" in html
    _change(editor, lambda: save_article(db.session.get(Article, main.id), {"status": "draft"}))
    assert _page(reader, main.slug)[0] == 404
    status, html = page_with_a_failed_read()
    assert failures
    assert status in (404, 503)
    assert "Nội dung đầu tiên" not in html
