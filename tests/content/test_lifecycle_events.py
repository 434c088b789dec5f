"""Lifecycle events: fired once after the commit, whoever called the services; never on rollback."""

import shutil
import sys
import textwrap
from datetime import timedelta

import pytest
from sqlalchemy import update

from cms.content import delete_article, save_article, save_page
from cms.content.articles import promote_due_articles
from cms.content.events import ArticleEvent, PageEvent
from cms.content.ordering import delete_page
from cms.extensions import db
from cms.models import Article, ArticleRevision, Page, utcnow
from cms.testing import csrf_token_from

RECORDER = """
    from cms.extensions import db
    from cms.models import Article
    from cms.plugins import Plugin, hookimpl

    HOOKS = (
        "article_created", "article_updated", "article_published", "article_unpublished",
        "article_deleted", "page_created", "page_updated", "page_published",
        "page_unpublished", "page_deleted",
    )
    TERMS = []


    class Hooks:
        def __init__(self):
            self.events = []
            self.saved = []
            self.loaded = []

        def note(self, hook, facts):
            self.events.append((hook, facts.id))
            self.facts = facts
            if facts.title == "Nổ tung":
                raise RuntimeError("a plugin failed")

        @hookimpl
        def article_saved(self, article, created):
            self.saved.append((article.id, created))

    for _hook in HOOKS:
        _arg = "article" if _hook.startswith("article") else "page"
        _impl = {"article": lambda self, article, _h=_hook: self.note(_h, article),
                 "page": lambda self, page, _h=_hook: self.note(_h, page)}[_arg]
        _impl.__name__ = _hook
        setattr(Hooks, _hook, hookimpl(_impl))


    def _published_loaded(self, article):
        self.note("article_published", article)
        row = db.session.get(Article, article.id)  # a hook may query: the commit is over
        self.loaded.append(row.slug if row is not None else None)


    Hooks.article_published = hookimpl(_published_loaded)
    Hooks.category_deleted = hookimpl(lambda self, category: TERMS.append(category))
    Hooks.tag_deleted = hookimpl(lambda self, tag: TERMS.append(tag))

    plugin = Plugin(name="recorder", title="Recorder", hooks=Hooks())
"""


@pytest.fixture
def app_config(app_config, tmp_path):
    folder = tmp_path / "plugins"
    (folder / "recorder").mkdir(parents=True)
    (folder / "recorder" / "__init__.py").write_text(textwrap.dedent(RECORDER))
    yield {**app_config, "PLUGINS_DIR": str(folder), "PLUGIN_PAUSE_ERRORS": 100}
    sys.modules.pop("plugins.recorder", None)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def hooks(app):
    plugins = app.extensions["cms_plugins"]
    assert "recorder" in plugins.plugins, plugins.broken
    recorder = plugins.plugins["recorder"].hooks
    recorder.events.clear()
    return recorder


def taken(hooks):
    """The events seen so far, forgotten afterwards."""
    events = list(hooks.events)
    hooks.events.clear()
    return events


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


# -- the services themselves ------------------------------------------------------


def test_a_service_call_fires_after_the_commit_only(app, hooks):
    with app.app_context():
        article = save_article(None, {"title": "Tin mới", "status": "published"})
        db.session.flush()
        assert hooks.events == []  # nothing before the commit
        db.session.commit()
        article_id = article.id
    assert taken(hooks) == [("article_created", article_id), ("article_published", article_id)]
    assert hooks.saved == [(article_id, True)]  # kept for compatibility
    assert hooks.loaded == ["tin-moi"]
    facts = hooks.facts
    assert isinstance(facts, ArticleEvent)
    assert (facts.slug, facts.status, facts.was_public, facts.is_public) == (
        "tin-moi",
        "published",
        False,
        True,
    )

    with app.app_context():
        article = db.session.get(Article, article_id)
        save_article(article, {"status": "draft"})
        db.session.commit()
    assert taken(hooks) == [("article_updated", article_id), ("article_unpublished", article_id)]
    assert (hooks.facts.was_public, hooks.facts.is_public) == (True, False)

    with app.app_context():
        article = db.session.get(Article, article_id)
        save_article(article, {"summary": "Tóm tắt"})
        db.session.commit()
        db.session.commit()  # a second commit tells nothing again
    assert taken(hooks) == [("article_updated", article_id)]

    with app.app_context():
        delete_article(db.session.get(Article, article_id))
        db.session.commit()
    assert taken(hooks) == [("article_deleted", article_id)]
    assert hooks.facts.slug == "tin-moi"
    assert hooks.facts.is_public is False


def test_a_rollback_fires_nothing(app, hooks, make_article):
    kept = make_article("Giữ lại")
    taken(hooks)
    with app.app_context():
        save_article(None, {"title": "Bỏ đi", "status": "published"})
        save_article(db.session.get(Article, kept.id), {"status": "draft"})
        db.session.flush()
        db.session.rollback()
        db.session.commit()
        delete_article(db.session.get(Article, kept.id))
        db.session.rollback()
        db.session.commit()
    assert hooks.events == []
    with app.app_context():
        assert db.session.get(Article, kept.id).status == "published"


def test_a_savepoint_rolled_back_drops_only_its_own_events(app, hooks):
    with app.app_context():
        first = save_article(None, {"title": "Ở ngoài"})
        db.session.flush()
        nested = db.session.begin_nested()
        save_article(None, {"title": "Ở trong"})
        db.session.flush()
        nested.rollback()
        db.session.commit()
        first_id = first.id
    assert taken(hooks) == [("article_created", first_id)]


def test_created_then_changed_in_one_transaction_is_one_event(app, hooks):
    with app.app_context():
        article = save_article(None, {"title": "Một lần"})
        db.session.flush()
        save_article(article, {"status": "published"})
        gone = save_article(None, {"title": "Chưa từng có"})
        db.session.flush()
        delete_article(gone)
        db.session.commit()
        article_id = article.id
    assert taken(hooks) == [("article_created", article_id), ("article_published", article_id)]


def test_the_test_fixtures_fire_like_production(hooks, make_article):
    article = make_article("Từ fixture")
    assert taken(hooks) == [("article_created", article.id), ("article_published", article.id)]


def test_the_scheduler_fires_published_once_when_it_promotes(app, hooks):
    with app.app_context():
        later = utcnow() + timedelta(hours=1)
        article = save_article(
            None, {"title": "Hẹn giờ", "status": "scheduled", "published_at": later}
        )
        db.session.commit()
        article_id = article.id
    assert taken(hooks) == [("article_created", article_id)]
    with app.app_context():
        assert promote_due_articles() == 0
        db.session.execute(
            update(Article)
            .where(Article.id == article_id)
            .values(published_at=utcnow() - timedelta(seconds=5))
        )
        db.session.commit()
        assert promote_due_articles() == 1
        assert promote_due_articles() == 0
    assert taken(hooks) == [("article_updated", article_id), ("article_published", article_id)]
    assert hooks.loaded[-1] == "hen-gio"


def test_pages_fire_their_own_events(app, hooks):
    with app.app_context():
        page = save_page(None, {"title": "Giới thiệu"})
        db.session.commit()
        page_id = page.id
    assert taken(hooks) == [("page_created", page_id), ("page_published", page_id)]
    assert isinstance(hooks.facts, PageEvent)
    assert hooks.facts.slug == "gioi-thieu"
    with app.app_context():
        save_page(db.session.get(Page, page_id), {"status": "draft"})
        db.session.commit()
    assert taken(hooks) == [("page_updated", page_id), ("page_unpublished", page_id)]
    with app.app_context():
        delete_page(db.session.get(Page, page_id))
        db.session.rollback()
        delete_page(db.session.get(Page, page_id))
        db.session.commit()
    assert taken(hooks) == [("page_deleted", page_id)]


# -- the back office ----------------------------------------------------------------


ARTICLE_FORM = {
    "title": "Cải cách hành chính",
    "slug": "",
    "summary": "Tóm tắt",
    "body": "<p>Nội dung bài viết</p>",
    "category": "",
    "tags": "",
    "image": "",
    "status": "published",
    "published_at": "",
}


def newest_article_id(app):
    with app.app_context():
        return db.session.execute(db.select(db.func.max(Article.id))).scalar_one()


def test_the_admin_form_fires_once_and_a_failing_plugin_breaks_nothing(
    app, hooks, client, auth, signed_in
):
    signed_in("editor")
    response = auth.post("/admin/articles/new", ARTICLE_FORM)
    assert response.status_code == 302
    article_id = newest_article_id(app)
    assert taken(hooks) == [("article_created", article_id), ("article_published", article_id)]

    edit = f"/admin/articles/{article_id}/edit"
    response = auth.post(edit, {**ARTICLE_FORM, "title": "Nổ tung", "status": "draft"})
    assert response.status_code == 302  # the hook raised; the save stands
    assert taken(hooks) == [("article_updated", article_id), ("article_unpublished", article_id)]
    with app.app_context():
        assert db.session.get(Article, article_id).title == "Nổ tung"

    response = auth.post(edit, {**ARTICLE_FORM, "title": "Nổ tung", "status": "draft"})
    assert response.status_code == 302  # nothing changed: rolled back, nothing told
    assert hooks.events == []
    response = auth.post(edit, {**ARTICLE_FORM, "title": ""})
    assert response.status_code == 422
    assert hooks.events == []

    response = auth.post(f"/admin/articles/{article_id}/delete", {}, form_url=edit)
    assert response.status_code == 302
    assert taken(hooks) == [("article_deleted", article_id)]


def test_bulk_actions_fire_for_each_article(app, hooks, client, signed_in, make_article):
    one = make_article("Một", status="draft")
    two = make_article("Hai", status="draft")
    taken(hooks)
    signed_in("editor")
    token = csrf_token_from(client.get("/admin/articles").text)

    def bulk(action):
        data = {"csrf_token": token, "action": action, "ids": [one.id, two.id]}
        return client.post("/admin/articles/bulk", data=data)

    assert bulk("publish").status_code == 302
    assert sorted(taken(hooks)) == sorted(
        [(h, i) for i in (one.id, two.id) for h in ("article_updated", "article_published")]
    )
    assert bulk("publish").status_code == 302  # no change: no event
    assert hooks.events == []
    assert bulk("unpublish").status_code == 302
    assert sorted(taken(hooks)) == sorted(
        [(h, i) for i in (one.id, two.id) for h in ("article_updated", "article_unpublished")]
    )
    assert bulk("delete").status_code == 302
    assert sorted(taken(hooks)) == [("article_deleted", one.id), ("article_deleted", two.id)]


def test_a_revision_restore_fires_updated(app, hooks, auth, signed_in, make_article):
    article = make_article("Bản đầu")
    with app.app_context():
        save_article(db.session.get(Article, article.id), {"title": "Bản sau"})
        db.session.commit()
        revision_id = db.session.execute(
            db.select(ArticleRevision.id).where(ArticleRevision.article_id == article.id)
        ).scalar_one()
    taken(hooks)
    signed_in("editor")
    url = f"/admin/articles/{article.id}/revisions/{revision_id}"
    assert auth.post(f"{url}/restore", {}, form_url=url).status_code == 302
    assert taken(hooks) == [("article_updated", article.id)]
    assert hooks.facts.title == "Bản đầu"


PAGE_FORM = {
    "title": "Liên hệ",
    "slug": "",
    "summary": "",
    "body_html": "<p>Nội dung</p>",
    "parent_id": "",
    "position": "",
    "show_in_menu": "y",
    "status": "published",
}


def test_admin_page_screens_fire_page_events(app, hooks, auth, signed_in):
    signed_in("editor")
    assert auth.post("/admin/pages/new", PAGE_FORM).status_code == 302
    with app.app_context():
        page_id = db.session.execute(db.select(db.func.max(Page.id))).scalar_one()
    assert taken(hooks) == [("page_created", page_id), ("page_published", page_id)]
    url = f"/admin/pages/{page_id}"
    assert auth.post(url, {**PAGE_FORM, "status": "draft"}).status_code == 302
    assert taken(hooks) == [("page_updated", page_id), ("page_unpublished", page_id)]
    assert auth.post(f"{url}/delete", {}, form_url=url).status_code == 302
    assert taken(hooks) == [("page_deleted", page_id)]


# -- the API ------------------------------------------------------------------------


def test_the_api_fires_for_articles(app, hooks, client, api_token):
    headers = bearer(api_token("editor"))
    response = client.post(
        "/api/v1/articles", json={"title": "Qua API", "status": "published"}, headers=headers
    )
    assert response.status_code == 201
    article_id = response.json["id"]
    assert taken(hooks) == [("article_created", article_id), ("article_published", article_id)]
    response = client.patch(
        f"/api/v1/articles/{article_id}", json={"status": "draft"}, headers=headers
    )
    assert response.status_code == 200
    assert taken(hooks) == [("article_updated", article_id), ("article_unpublished", article_id)]
    response = client.patch(f"/api/v1/articles/{article_id}", json={"status": "x"}, headers=headers)
    assert response.status_code in (400, 422)
    assert hooks.events == []
    assert client.delete(f"/api/v1/articles/{article_id}", headers=headers).status_code == 204
    assert taken(hooks) == [("article_deleted", article_id)]


def test_the_api_fires_for_pages(app, hooks, client, api_token):
    headers = bearer(api_token("editor"))
    response = client.post("/api/v1/pages", json={"title": "Trang API"}, headers=headers)
    assert response.status_code == 201
    page_id = response.json["id"]
    assert taken(hooks) == [("page_created", page_id), ("page_published", page_id)]
    response = client.patch(f"/api/v1/pages/{page_id}", json={"summary": "Mới"}, headers=headers)
    assert response.status_code == 200
    assert taken(hooks) == [("page_updated", page_id)]
    assert client.delete(f"/api/v1/pages/{page_id}", headers=headers).status_code == 204
    assert taken(hooks) == [("page_deleted", page_id)]


# -- the command line ---------------------------------------------------------------


def test_cms_import_fires_created_for_everything_it_brings(
    app, hooks, runner, make_article, tmp_path
):
    public = make_article("Đã đăng")
    draft = make_article("Bản nháp", status="draft")
    with app.app_context():
        page = save_page(None, {"title": "Giới thiệu"})
        db.session.commit()
        page_id = page.id
    archive = tmp_path / "site.zip"
    assert runner.invoke(args=["cms", "export", str(archive)]).exit_code == 0
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
    taken(hooks)
    result = runner.invoke(args=["cms", "import", str(archive)])
    assert result.exit_code == 0, result.output
    assert taken(hooks) == [
        ("article_created", public.id),
        ("article_published", public.id),
        ("article_created", draft.id),
        ("page_created", page_id),
        ("page_published", page_id),
    ]
    result = runner.invoke(args=["cms", "import", str(archive)])
    assert result.exit_code == 1  # refused: nothing stored, nothing told
    assert hooks.events == []


def test_deleting_a_category_or_a_tag_names_the_articles_that_lost_it(
    app, hooks, make_category, make_article
):
    from cms.content import delete_category, delete_tag
    from cms.models import Category, Tag

    terms = sys.modules["plugins.recorder"].TERMS
    section = make_category("Thời sự")
    child = make_category("Trong tỉnh", parent_id=section.id)
    first = make_article("Tin một", category_id=section.id, tags=["lũ lụt"])
    second = make_article("Tin hai", category_id=section.id, tags=["lũ lụt"])
    make_article("Tin ba", category_id=child.id, tags=["khác"])
    with app.app_context():
        tag = db.session.execute(db.select(Tag).where(Tag.name == "lũ lụt")).scalar_one()
        delete_tag(tag)
        assert terms == []  # not before the commit
        db.session.commit()
        delete_category(db.session.get(Category, section.id))
        db.session.rollback()
        delete_category(db.session.get(Category, section.id))
        db.session.commit()
    assert [(t.kind, t.name, t.article_ids) for t in terms] == [
        ("tag", "lũ lụt", (first.id, second.id)),
        ("category", "Thời sự", (first.id, second.id)),  # its sub-category's keep theirs
    ]


def test_moving_articles_out_of_a_deleted_category_or_merging_tags_is_told(
    app, hooks, make_category, make_article
):
    from cms.content.ordering import delete_category, merge_tags
    from cms.models import Category, Tag

    terms = sys.modules["plugins.recorder"].TERMS
    old, new = make_category("Cũ"), make_category("Mới")
    first = make_article("Tin một", category_id=old.id, tags=["nguồn"])
    second = make_article("Tin hai", category_id=old.id, tags=["nguồn", "đích"])
    with app.app_context():
        refused = db.session.get(Category, old.id)
        with pytest.raises(Exception, match="still holds"):
            delete_category(refused)  # refused: nothing is told
        db.session.rollback()
        delete_category(db.session.get(Category, old.id), db.session.get(Category, new.id))
        by_name = {t.name: t for t in db.session.execute(db.select(Tag)).scalars()}
        merge_tags(by_name["nguồn"], by_name["đích"])
        db.session.commit()
    assert [(t.kind, t.name, t.article_ids) for t in terms] == [
        ("category", "Cũ", (first.id, second.id)),
        ("tag", "nguồn", (first.id, second.id)),
    ]
