"""The article screens: list, filters, bulk actions, editor, preview and revisions."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from cms.extensions import db
from cms.models import Article, ArticleRevision, AuditEntry, Media, Tag
from cms.testing import csrf_token_from

NEW = "/admin/articles/new"


def edit_url(article_id):
    return f"/admin/articles/{article_id}/edit"


def form_data(**overrides):
    data = {
        "title": "Cải cách hành chính",
        "slug": "",
        "summary": "Tóm tắt",
        "body": "<p>Nội dung bài viết</p>",
        "category": "",
        "tags": "",
        "image": "",
        "status": "draft",
        "published_at": "",
    }
    data.update(overrides)
    return data


def count(app, model=Article):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def load(app, article_id):
    with app.app_context():
        article = db.session.get(Article, article_id)
        if article is None:
            return None
        db.session.expunge(article)
        return article


def revisions_of(app, article_id):
    with app.app_context():
        return (
            db.session.execute(
                select(ArticleRevision)
                .where(ArticleRevision.article_id == article_id)
                .order_by(ArticleRevision.id)
            )
            .scalars()
            .all()
        )


def actions(app):
    with app.app_context():
        return [
            e.action
            for e in db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
        ]


def post_edit(auth, article_id, **overrides):
    return auth.post(edit_url(article_id), form_data(**overrides))


@pytest.fixture
def others(make_user, make_article):
    """An article by another author, a draft, and a published one."""
    other = make_user(email="other@example.org", role="author")
    draft = make_article("Bản nháp của người khác", status="draft", author_id=other.id)
    public = make_article("Tin đã đăng của người khác", author_id=other.id)
    return type("Others", (), {"user": other, "draft": draft, "public": public})


# -- access ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/admin/articles",
        NEW,
        "/admin/articles/{id}/edit",
        "/admin/articles/{id}/preview",
        "/admin/articles/{id}/revisions",
        "/admin/articles/{id}/revisions/1",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, make_article, path):
    article = make_article()
    response = client.get(path.format(id=article.id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/articles/bulk",
        "/admin/articles/{id}/delete",
        "/admin/articles/{id}/revisions/1/restore",
        "/admin/articles/{id}/edit",
    ],
)
def test_anonymous_posts_change_nothing(client, auth, app, make_article, path):
    article = make_article()
    response = auth.post(
        path.format(id=article.id),
        {"ids": [str(article.id)], "action": "delete", **form_data(title="Hacked")},
        form_url="/admin/login",
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")
    assert load(app, article.id).title == "Tin tức"


@pytest.mark.parametrize("role", ["author", "editor", "admin"])
def test_every_role_has_the_articles_menu_entry(client, signed_in, role):
    signed_in(role)
    page = client.get("/admin/articles")
    assert page.status_code == 200
    assert re.search(r'<a href="/admin/articles" aria-current="page">Articles</a>', page.text)
    assert 'aria-current="page">Articles<' in client.get(NEW).text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/articles/{id}/edit"),
        ("post", "/admin/articles/{id}/edit"),
        ("post", "/admin/articles/{id}/delete"),
        ("get", "/admin/articles/{id}/preview"),
        ("get", "/admin/articles/{id}/revisions"),
        ("get", "/admin/articles/{id}/revisions/{rev}"),
        ("post", "/admin/articles/{id}/revisions/{rev}/restore"),
    ],
)
def test_authors_cannot_touch_other_authors_articles(
    client, auth, app, signed_in, others, method, path
):
    with app.app_context():
        from cms.content import save_article

        save_article(db.session.get(Article, others.public.id), {"title": "Sửa lại"})
        db.session.commit()
    [revision] = revisions_of(app, others.public.id)
    signed_in("author")
    url = path.format(id=others.public.id, rev=revision.id)
    if method == "get":
        response = client.get(url)
    else:
        response = auth.post(url, form_data(title="Chiếm quyền"), form_url=NEW)
    assert response.status_code == 403
    assert "You are not allowed to do this." in response.text
    after = load(app, others.public.id)
    assert after.title == "Sửa lại"
    assert len(revisions_of(app, others.public.id)) == 1


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_admins_may_edit_preview_and_delete_any_article(
    client, auth, app, signed_in, others, role
):
    signed_in(role)
    assert client.get(edit_url(others.draft.id)).status_code == 200
    assert client.get(f"/admin/articles/{others.draft.id}/preview").status_code == 200
    assert client.get(f"/admin/articles/{others.draft.id}/revisions").status_code == 200
    response = post_edit(auth, others.draft.id, title="Biên tập lại")
    assert response.status_code == 302
    assert load(app, others.draft.id).title == "Biên tập lại"
    assert load(app, others.draft.id).author_id == others.user.id  # the author stays
    response = auth.post(f"/admin/articles/{others.public.id}/delete", form_url=NEW)
    assert response.status_code == 302
    assert load(app, others.public.id) is None


def test_an_author_edits_and_deletes_their_own_article(client, auth, app, signed_in):
    me = signed_in("author")
    response = auth.post(NEW, form_data(title="Bài của tôi"))
    assert response.status_code == 302
    with app.app_context():
        article = db.session.execute(select(Article)).unique().scalar_one()
        assert article.author_id == me.id
        article_id = article.id
    assert post_edit(auth, article_id, title="Bài của tôi (sửa)").status_code == 302
    assert load(app, article_id).title == "Bài của tôi (sửa)"
    assert auth.post(f"/admin/articles/{article_id}/delete", form_url=NEW).status_code == 302
    assert count(app) == 0
    assert actions(app)[-3:] == ["article.create", "article.update", "article.delete"]


def test_a_refused_publication_stores_nothing(client, auth, app, signed_in, monkeypatch):
    signed_in("author")
    monkeypatch.setattr("cms.admin.articles.can_publish_article", lambda user, article: False)
    response = auth.post(NEW, form_data(status="published"))
    assert response.status_code == 403
    assert "You may not publish or unpublish this article." in response.text
    assert count(app) == 0
    assert auth.post(NEW, form_data(status="draft")).status_code == 302  # drafts are fine


# -- the list -------------------------------------------------------------------


def test_authors_see_their_own_articles_by_default(client, signed_in, make_article, others):
    me = signed_in("author")
    make_article("Bài riêng của tôi", status="draft", author_id=me.id)
    page = client.get("/admin/articles").text
    assert "Bài riêng của tôi" in page
    assert others.public.title not in page
    assert others.draft.title not in page
    everyone = client.get("/admin/articles?author=all").text
    assert others.public.title in everyone  # public articles of others, read-only
    assert others.draft.title not in everyone  # never others' drafts
    assert f'value="{others.public.id}"' not in everyone  # no checkbox to select it


def test_editors_see_every_article(client, signed_in, others):
    signed_in("editor")
    page = client.get("/admin/articles").text
    assert others.public.title in page
    assert others.draft.title in page
    for column in ("Title", "Status", "Category", "Author", "Updated"):
        assert f'<th scope="col">{column}</th>' in page


def test_list_filters(client, signed_in, make_article, make_category, others):
    signed_in("editor")
    sport = make_category("Thể thao")
    make_article("Bóng đá địa phương", category_id=sport.id)
    make_article("Lịch tiêm chủng", status="draft")
    make_article(
        "Lịch nghỉ lễ",
        status="scheduled",
        published_at=(datetime.now(UTC) + timedelta(days=3)).isoformat(),
    )

    def titles(query):
        html = client.get("/admin/articles" + query).text
        return set(
            re.findall(r'<th scope="row" class="article-table__title">\s*<a[^>]*>([^<]+)</a>', html)
        )

    assert titles(f"?category={sport.id}") == {"Bóng đá địa phương"}
    assert titles("?status=draft") == {"Lịch tiêm chủng", others.draft.title}
    assert titles("?status=scheduled") == {"Lịch nghỉ lễ"}
    assert "Lịch nghỉ lễ" not in titles("?status=published")
    assert titles(f"?author={others.user.id}") == {others.draft.title, others.public.title}
    assert titles("?q=bong+da") == {"Bóng đá địa phương"}
    assert titles("?q=lich&status=draft") == {"Lịch tiêm chủng"}
    assert titles("?q=%21%21") == set()
    assert client.get("/admin/articles?status=bogus&category=x&author=y").status_code == 200


def test_list_pages_keep_the_filters(client, signed_in, make_article, make_category):
    signed_in("editor")
    news = make_category("Tin tức")
    for n in range(45):
        make_article(f"Tin số {n}", category_id=news.id, status="draft")
    make_article("Ngoài chuyên mục", status="draft")
    first = client.get(f"/admin/articles?status=draft&category={news.id}")
    assert "45 articles" in first.text
    assert first.text.count('name="ids"') == 20
    assert f"/admin/articles?page=2&amp;status=draft&amp;category={news.id}" in first.text
    third = client.get(f"/admin/articles?page=3&status=draft&category={news.id}")
    assert third.text.count('name="ids"') == 5
    assert "Page 3 of 3" in third.text
    assert f"/admin/articles?page=2&amp;status=draft&amp;category={news.id}" in third.text
    assert client.get("/admin/articles?page=9").status_code == 404
    assert client.get("/admin/articles?page=0").status_code == 404


# -- bulk actions ---------------------------------------------------------------


def bulk(auth, action, ids, next_url="/admin/articles"):
    return auth.post(
        "/admin/articles/bulk",
        {"action": action, "ids": [str(i) for i in ids], "next": next_url},
        form_url="/admin/articles",
    )


def test_bulk_publish_unpublish_and_delete(client, auth, app, signed_in, make_article):
    signed_in("editor")
    a = make_article("Một", status="draft")
    b = make_article("Hai", status="draft")
    c = make_article("Ba", status="scheduled", published_at="2099-01-01T00:00:00Z")

    response = bulk(auth, "publish", [a.id, b.id, c.id], "/admin/articles?status=draft")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/articles?status=draft"
    assert "3 articles published." in client.get("/admin/articles").text
    for ref in (a, b, c):
        article = load(app, ref.id)
        assert article.status == "published"
        assert article.is_public
    assert len(revisions_of(app, a.id)) == 1  # a save like any other

    bulk(auth, "unpublish", [a.id])
    assert load(app, a.id).status == "draft"
    assert load(app, b.id).status == "published"

    page = client.get("/admin/articles").text
    assert 'data-confirm="Delete the selected articles? This cannot be undone."' in page
    bulk(auth, "delete", [a.id, b.id])
    assert load(app, a.id) is None
    assert load(app, b.id) is None
    assert load(app, c.id) is not None
    assert actions(app).count("article.publish") == 3
    assert actions(app).count("article.unpublish") == 1
    assert actions(app).count("article.delete") == 2


def test_bulk_actions_skip_and_report_refused_articles(
    client, auth, app, signed_in, make_article, others
):
    me = signed_in("author")
    mine = make_article("Bài của tôi", status="draft", author_id=me.id)
    bulk(auth, "publish", [mine.id, others.draft.id])
    page = client.get("/admin/articles").text
    assert "1 article published." in page
    assert "were skipped: Bản nháp của người khác" in page
    assert load(app, mine.id).status == "published"
    assert load(app, others.draft.id).status == "draft"

    bulk(auth, "unpublish", [others.public.id])
    assert load(app, others.public.id).status == "published"
    bulk(auth, "delete", [others.public.id, others.draft.id])
    assert load(app, others.public.id) is not None
    assert load(app, others.draft.id) is not None
    assert "were skipped" in client.get("/admin/articles").text


def test_bulk_needs_an_action_ids_and_a_csrf_token(client, auth, app, signed_in, make_article):
    signed_in("editor")
    article = make_article()
    assert bulk(auth, "explode", [article.id]).status_code == 302
    assert "Choose an action." in client.get("/admin/articles").text
    bulk(auth, "delete", [])
    assert "Select at least one article." in client.get("/admin/articles").text
    response = client.post("/admin/articles/bulk", data={"action": "delete", "ids": [article.id]})
    assert response.status_code == 400
    assert (
        bulk(auth, "delete", [article.id], "https://evil.example/").headers["Location"]
        == "/admin/articles"
    )
    assert count(app) == 0


# -- the form -------------------------------------------------------------------


def test_create_an_article_with_everything(client, auth, app, signed_in, make_category):
    me = signed_in("author")
    category = make_category("Thời sự")
    with app.app_context():
        image = Media(
            filename="anh.jpg",
            original_name="ảnh gốc.jpg",
            mime_type="image/jpeg",
            alt="Quang cảnh hội nghị",
            variants={"thumbnail": "anh-thumb.jpg"},
        )
        db.session.add(image)
        db.session.commit()
        image_id = image.id
    page = client.get(NEW).text
    assert 'data-editor="article"' in page
    assert "Quang cảnh hội nghị (ảnh gốc.jpg)" in page
    assert 'data-thumb="/media/anh-thumb.jpg"' in page
    response = auth.post(
        NEW,
        form_data(
            title="Hội nghị tổng kết năm",
            slug="",
            body='<p>Nội dung <script>alert(1)</script><a href="javascript:x">x</a></p>',
            category=str(category.id),
            tags="Hội nghị, tổng kết , ,Hội nghị",
            image=str(image_id),
            status="published",
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        article = db.session.execute(select(Article)).unique().scalar_one()
        assert response.headers["Location"] == edit_url(article.id)
        assert article.slug == "hoi-nghi-tong-ket-nam"
        assert article.author_id == me.id
        assert article.category_id == category.id
        assert article.image_id == image_id
        assert [t.name for t in article.tags] == ["Hội nghị", "tổng kết"]
        assert "<script" not in article.body_html
        assert "javascript" not in article.body_html
        assert article.status == "published"
        assert article.is_public
    edit = client.get(response.headers["Location"]).text
    assert "Saved." in edit
    assert 'src="/media/anh-thumb.jpg"' in edit
    assert 'value="Hội nghị, tổng kết"' in edit
    assert actions(app)[-2:] == ["article.create", "article.publish"]


def test_the_slug_can_be_chosen_and_is_kept_when_left_empty(client, auth, app, signed_in):
    signed_in("editor")
    auth.post(NEW, form_data(title="Tiêu đề", slug="Địa chỉ riêng"))
    with app.app_context():
        article = db.session.execute(select(Article)).unique().scalar_one()
        assert article.slug == "dia-chi-rieng"
        article_id = article.id
    post_edit(auth, article_id, title="Tiêu đề mới", slug="")
    assert load(app, article_id).slug == "dia-chi-rieng"


LONG = "x" * 301


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "The title is required."),
        ({"title": "   "}, "title", "The title is required."),
        ({"title": LONG}, "title", "The title is too long (at most 300 characters)."),
        ({"published_at": "tomorrow"}, "published_at", "not a valid date and time"),
        ({"published_at": "2024-02-30T10:00"}, "published_at", "not a valid date and time"),
        ({"published_at": "0001-01-01T00:00"}, "published_at", "not a valid date and time"),
        ({"status": "scheduled"}, "published_at", "Choose when the article should be published."),
        ({"status": "archived"}, "status", "Choose a status from the list."),
        ({"category": "999999"}, "category", "No such category."),
        ({"category": "news"}, "category", "No such category."),
        ({"image": "424242"}, "image", "No such image."),
        ({"tags": "x" * 121}, "tags", "A tag is too long"),
    ],
)
def test_bad_input_shows_a_message_and_stores_nothing(
    client, auth, app, signed_in, overrides, field, message
):
    signed_in("editor")
    response = auth.post(NEW, form_data(**overrides))
    assert response.status_code == 422
    assert message in response.text
    assert f'id="{field}-error"' in response.text
    # The error describes its field (after the field's help, when it has one).
    assert re.search(rf'aria-describedby="(?:{field}-help )?{field}-error"', response.text)
    assert "The article was not saved." in response.text
    assert count(app) == 0
    assert count(app, Tag) == 0
    assert count(app, AuditEntry) == 1  # the sign-in only


def test_bad_input_on_edit_keeps_the_stored_article(client, auth, app, signed_in, make_article):
    signed_in("editor")
    article = make_article("Bản gốc")
    response = post_edit(auth, article.id, title="", tags="mới")
    assert response.status_code == 422
    assert load(app, article.id).title == "Bản gốc"
    assert revisions_of(app, article.id) == []
    assert count(app, Tag) == 0


def test_missing_csrf_token_is_refused(client, app, signed_in, make_article):
    signed_in("editor")
    article = make_article("Bản gốc")
    assert client.post(NEW, data=form_data()).status_code == 400
    assert client.post(edit_url(article.id), data=form_data(title="Mới")).status_code == 400
    assert client.post(f"/admin/articles/{article.id}/delete").status_code == 400
    assert count(app) == 1
    assert load(app, article.id).title == "Bản gốc"


def test_a_scheduled_time_is_typed_in_local_time_and_stored_in_utc(client, auth, app, signed_in):
    signed_in("editor")
    response = auth.post(
        NEW, form_data(title="Hẹn giờ", status="scheduled", published_at="2031-05-14T10:13")
    )
    assert response.status_code == 302
    with app.app_context():
        article = db.session.execute(select(Article)).unique().scalar_one()
        assert article.status == "scheduled"
        assert article.published_at == datetime(2031, 5, 14, 3, 13, tzinfo=UTC)
        article_id = article.id
    page = client.get(edit_url(article_id)).text
    assert 'value="2031-05-14T10:13"' in page
    assert "Asia/Ho_Chi_Minh" in page
    # Saving again without touching the time keeps it (to the second).
    with app.app_context():
        db.session.get(Article, article_id).published_at = datetime(
            2031, 5, 14, 3, 13, 42, tzinfo=UTC
        )
        db.session.commit()
    post_edit(
        auth, article_id, title="Hẹn giờ (sửa)", status="scheduled", published_at="2031-05-14T10:13"
    )
    assert load(app, article_id).published_at == datetime(2031, 5, 14, 3, 13, 42, tzinfo=UTC)


def test_local_time_follows_the_site_time_zone_setting(client, auth, app, signed_in):
    from cms.content import set_setting

    with app.app_context():
        set_setting("timezone", "America/New_York")
        db.session.commit()
    signed_in("editor")
    auth.post(NEW, form_data(status="scheduled", published_at="2031-07-01T09:30"))  # EDT, -4
    auth.post(NEW, form_data(status="scheduled", published_at="2031-12-01T09:30"))  # EST, -5
    with app.app_context():
        times = sorted(
            a.published_at for a in db.session.execute(select(Article)).unique().scalars()
        )
    assert times == [
        datetime(2031, 7, 1, 13, 30, tzinfo=UTC),
        datetime(2031, 12, 1, 14, 30, tzinfo=UTC),
    ]


def test_saving_without_changes_keeps_no_revision(client, auth, app, signed_in, make_article):
    signed_in("editor")
    article = make_article("Không đổi", summary="Tóm tắt", body_html="<p>Không đổi</p>")
    page = client.get(edit_url(article.id))
    stored = load(app, article.id)
    from cms.admin.article_forms import utc_to_local

    with app.test_request_context():
        shown = utc_to_local(stored.published_at).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        edit_url(article.id),
        data={
            **form_data(
                title="Không đổi",
                slug=stored.slug,
                summary="Tóm tắt",
                body="<p>Không đổi</p>",
                status="published",
                published_at=shown,
            ),
            "csrf_token": csrf_token_from(page.text),
        },
    )
    assert response.status_code == 302
    assert "Nothing changed." in client.get(edit_url(article.id)).text
    assert revisions_of(app, article.id) == []


def test_the_editor_is_quill_when_vendored_and_a_textarea_otherwise(client, signed_in, monkeypatch):
    signed_in("author")
    monkeypatch.setattr("cms.admin.articles.QUILL_FILES", ("vendor/none/quill.js",))
    plain = client.get(NEW).text
    assert "vendor/quill/quill.js" not in plain
    assert '<textarea class="" data-editor="article"' in plain or "data-editor" in plain
    assert "admin/editor.js" in plain
    monkeypatch.setattr("cms.admin.articles.QUILL_FILES", ("admin/admin.js",))
    rich = client.get(NEW)
    assert '<script src="/static/vendor/quill/quill.js" defer></script>' in rich.text
    assert '<link rel="stylesheet" href="/static/vendor/quill/quill.snow.css">' in rich.text
    assert "<script>" not in rich.text  # nothing inline: the CSP forbids it
    assert "script-src 'self'" in rich.headers["Content-Security-Policy"]


def test_the_delete_button_asks_first(client, signed_in, make_article):
    signed_in("editor")
    article = make_article()
    page = client.get(edit_url(article.id)).text
    assert 'data-confirm="Delete this article and its revisions? This cannot be undone."' in page


# -- preview --------------------------------------------------------------------


def test_preview_renders_a_draft_in_the_active_theme(client, app, signed_in, make_article):
    from cms.content import set_setting

    with app.app_context():
        set_setting("theme", "portal")
        db.session.commit()
    me = signed_in("author")
    article = make_article("Bản nháp xem trước", status="draft", author_id=me.id)
    response = client.get(f"/admin/articles/{article.id}/preview")
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert "theme-portal" in response.text  # the active theme's layout
    assert '<h1 class="article__title" itemprop="headline">Bản nháp xem trước</h1>' in response.text
    assert 'class="cms-preview-banner"' in response.text
    assert ">Preview</strong>" in response.text
    assert "Readers cannot see this article yet." in response.text
    assert response.text.index("cms-preview-banner") > response.text.index("<body")
    assert "/static/admin/editor.css" in response.text
    assert "<script>" not in response.text
    assert client.get(f"/news/{article.slug}").status_code == 404  # still not public


def test_preview_is_refused_to_those_who_cannot_edit(client, signed_in, others):
    signed_in("author")
    assert client.get(f"/admin/articles/{others.draft.id}/preview").status_code == 403
    assert client.get(f"/admin/articles/{others.public.id}/preview").status_code == 403
    assert client.get("/admin/articles/987654/preview").status_code == 404


# -- revisions ------------------------------------------------------------------


def test_edits_keep_revisions_that_can_be_compared_and_restored(
    client, auth, app, signed_in, make_article
):
    editor = signed_in("editor")
    article = make_article(
        "Tiêu đề đầu", status="draft", body_html="<p>Đoạn một.</p><p>Đoạn hai cũ.</p>"
    )
    post_edit(
        auth,
        article.id,
        title="Tiêu đề mới",
        body="<p>Đoạn một.</p><p>Đoạn hai mới <script>x</script>.</p>",
        tags="kinh tế",
    )
    [revision] = revisions_of(app, article.id)
    assert revision.title == "Tiêu đề đầu"
    assert revision.saved_by_id == editor.id

    listing = client.get(f"/admin/articles/{article.id}/revisions")
    assert listing.status_code == 200
    assert "Tiêu đề đầu" in listing.text
    assert "Current version" in listing.text
    assert "editor" in listing.text  # who saved

    compare_url = f"/admin/articles/{article.id}/revisions/{revision.id}"
    compared = client.get(compare_url)
    assert compared.status_code == 200
    assert '<del class="diff-del">Tiêu đề đầu</del>' in compared.text
    assert '<ins class="diff-add">Tiêu đề mới</ins>' in compared.text
    assert '<del class="diff-del">cũ.</del>' in compared.text  # the changed words only
    assert "&lt;p&gt;Đoạn một.&lt;/p&gt;" in compared.text  # markup shown, escaped
    assert "<script>" not in compared.text
    assert "kinh tế" in compared.text

    response = auth.post(compare_url + "/restore", form_url=compare_url)
    assert response.status_code == 302
    assert response.headers["Location"] == edit_url(article.id)
    restored = load(app, article.id)
    assert restored.title == "Tiêu đề đầu"
    assert restored.body_html == "<p>Đoạn một.</p><p>Đoạn hai cũ.</p>"
    assert "has been restored" in client.get(edit_url(article.id)).text
    assert actions(app)[-1] == "article.restore"

    # The restore is a revision too: restoring that one undoes the restore.
    revisions = revisions_of(app, article.id)
    assert [r.title for r in revisions] == ["Tiêu đề đầu", "Tiêu đề mới"]
    undo = f"/admin/articles/{article.id}/revisions/{revisions[-1].id}"
    auth.post(undo + "/restore", form_url=undo)
    assert load(app, article.id).title == "Tiêu đề mới"
    with app.app_context():
        assert [t.name for t in db.session.get(Article, article.id).tags] == ["kinh tế"]


def test_restore_keeps_the_status_and_needs_csrf(client, auth, app, signed_in, make_article):
    signed_in("editor")
    article = make_article("Đã đăng")
    post_edit(auth, article.id, title="Đã đăng (sửa)", status="draft")
    [revision] = revisions_of(app, article.id)
    url = f"/admin/articles/{article.id}/revisions/{revision.id}/restore"
    assert client.post(url).status_code == 400
    auth.post(url, form_url=f"/admin/articles/{article.id}/revisions/{revision.id}")
    restored = load(app, article.id)
    assert restored.title == "Đã đăng"
    assert restored.status == "draft"  # restoring text never republishes


def test_revisions_of_another_article_are_not_found(client, signed_in, make_article, app, auth):
    signed_in("editor")
    first = make_article("Một")
    second = make_article("Hai")
    post_edit(auth, first.id, title="Một (sửa)")
    [revision] = revisions_of(app, first.id)
    assert client.get(f"/admin/articles/{second.id}/revisions/{revision.id}").status_code == 404
    assert client.get(f"/admin/articles/{first.id}/revisions/999").status_code == 404


# -- in a real browser ----------------------------------------------------------


def sign_in(page, live_server, email):
    page.goto(live_server + "/admin/login")
    page.fill("#email", email)
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/admin/")


@pytest.mark.browser
def test_the_wysiwyg_editor_writes_the_body(app, live_server, page, make_user):
    from pathlib import Path

    if not (Path(app.static_folder) / "vendor/quill/quill.js").is_file():
        pytest.skip("Quill is not vendored: run scripts/vendor-assets.sh")
    make_user(email="author@example.org", role="author")
    problems = []  # script errors, CSP refusals, missing files
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    sign_in(page, live_server, "author@example.org")
    page.goto(live_server + NEW)
    editor = page.locator(".rich-editor .ql-editor")
    editor.wait_for()
    assert page.locator("#body").is_hidden()  # the textarea gives way to the editor
    assert editor.get_attribute("aria-labelledby") == "body-label"
    assert page.locator(".ql-toolbar button.ql-bold").get_attribute("aria-label") == "Bold"
    page.fill("#title", "Bài viết trong trình duyệt")
    editor.click()
    page.keyboard.type("Xin chào thế giới")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+b")
    page.keyboard.type("đậm")
    page.keyboard.press("Tab")  # leaves the editor: no keyboard trap
    assert page.evaluate("document.activeElement.classList.contains('ql-editor')") is False
    page.click("form.article-form button[type=submit]")
    page.wait_for_url("**/edit")
    with app.app_context():
        article = db.session.execute(select(Article)).unique().scalar_one()
        assert article.title == "Bài viết trong trình duyệt"
        assert article.body_html == "<p>Xin chào thế giới</p><p><strong>đậm</strong></p>"
    # The stored body comes back into the editor.
    assert page.locator(".ql-editor strong").text_content() == "đậm"
    assert problems == []


def test_ids_beyond_any_table_are_not_found(client, auth, app, signed_in, make_article):
    signed_in("editor")
    article = make_article()
    huge = 10**20
    assert client.get(f"/admin/articles/{huge}/edit").status_code == 404
    assert client.get(f"/admin/articles/{article.id}/revisions/{huge}").status_code == 404
    assert client.get(f"/admin/articles?category={huge}&author={huge}").status_code == 200
    assert bulk(auth, "delete", [huge]).status_code == 302
    assert count(app) == 1


def test_bulk_actions_leave_articles_already_in_that_state(
    client, auth, app, signed_in, make_article
):
    signed_in("editor")
    article = make_article("Đã đăng")
    bulk(auth, "publish", [article.id])
    assert "The selected articles needed no change." in client.get("/admin/articles").text
    assert revisions_of(app, article.id) == []
    assert "article.publish" not in actions(app)
