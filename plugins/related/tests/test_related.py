"""Every rule of the related lists, as readers see them under articles and clients in the API."""

import html
import re

import pytest
from PIL import Image
from sqlalchemy import delete, func, select

from cms.content import delete_article, save_article
from cms.content.media import store_image
from cms.extensions import db
from cms.models import Article, PluginState
from cms.plugins import registry
from cms.testing import BROWSER, csrf_token_from
from plugins.related.models import RelatedDocument, RelatedFrequency, RelatedLink, RelatedPosting
from plugins.related.tests.conftest import hours_ago
from plugins.related.tests.helpers import (
    api_titles,
    brute_force_lists,
    page_titles,
    stored_lists,
    widget_html,
    wrong_lists,
)

# -- ranking -----------------------------------------------------------------------------------


@pytest.fixture
def ranked_site(related, make_category, make_article):
    """An article with, around it, one related article for each reason, and one unrelated."""
    reform = make_category("Cải cách hành chính")
    sport = make_category("Thể thao")
    culture = make_category("Văn hóa")
    made = {
        "tags": make_article(
            "Giải bóng đá thiếu niên toàn tỉnh",
            category_id=sport.id,
            tags=["Sở Nội vụ", "Chỉ số hài lòng"],
            published_at=hours_ago(30),
        ),
        "category": make_article(
            "Hội thi văn nghệ quần chúng",
            category_id=reform.id,
            published_at=hours_ago(20),
        ),
        "text": make_article(
            "Đẩy mạnh cải cách hành chính trong năm 2024",
            summary="Nâng chỉ số cải cách hành chính của tỉnh.",
            category_id=culture.id,
            published_at=hours_ago(10),
        ),
        "unrelated": make_article(
            "Lễ hội hoa ban vùng cao", category_id=culture.id, published_at=hours_ago(5)
        ),
    }
    made["main"] = make_article(
        "Kết quả cải cách hành chính năm 2023",
        summary="Chỉ số cải cách hành chính của tỉnh tăng 5 bậc.",
        category_id=reform.id,
        tags=["Sở Nội vụ", "Chỉ số hài lòng"],
        published_at=hours_ago(1),
    )
    return made


def test_shared_tags_and_category_weigh_most_then_the_text(client, ranked_site):
    site = ranked_site
    expected = [site["tags"].title, site["category"].title, site["text"].title]
    assert page_titles(client, site["main"].slug) == expected
    assert api_titles(client, site["main"].id) == expected


def test_the_list_never_holds_the_article_itself(client, ranked_site):
    for ref in ranked_site.values():
        assert ref.title not in page_titles(client, ref.slug)


def test_equal_relations_list_the_newest_first(client, related, make_category, make_article):
    section = make_category("Tin trong tỉnh")
    titles = ["Đường tỉnh thông xe", "Tiêm chủng mở rộng", "Khai giảng năm học", "Lễ hội hoa ban"]
    made = [
        make_article(t, category_id=section.id, published_at=hours_ago(40 - 10 * n))
        for n, t in enumerate(titles)
    ]
    main = make_article("Bão số 3 đổ bộ", category_id=section.id, published_at=hours_ago(50))
    assert page_titles(client, main.slug) == [r.title for r in reversed(made)]
    assert api_titles(client, main.id) == [r.title for r in reversed(made)]


def test_only_public_articles_are_listed(app, client, related, make_category, make_article):
    section = make_category("Tin trong tỉnh")  # titles share no word: only the time orders them
    shown = make_article(
        "Đường tỉnh 12 thông xe", category_id=section.id, published_at=hours_ago(3)
    )
    make_article("Nháp báo cáo quý", category_id=section.id, status="draft")
    make_article(
        "Hẹn giờ lễ hội hoa ban",
        category_id=section.id,
        status="scheduled",
        published_at=hours_ago(-24),
    )
    hidden = make_article("Hội nghị tổng kết", category_id=section.id, published_at=hours_ago(2))
    gone = make_article("Tiêm chủng mở rộng", category_id=section.id, published_at=hours_ago(1))
    main = make_article("Khánh thành cầu mới", category_id=section.id, published_at=hours_ago(4))
    assert page_titles(client, main.slug) == [gone.title, hidden.title, shown.title]
    with app.app_context():
        save_article(db.session.get(Article, hidden.id), {"status": "draft"})
        db.session.commit()
        delete_article(db.session.get(Article, gone.id))
        db.session.commit()
    assert page_titles(client, main.slug) == [shown.title]
    assert api_titles(client, main.id) == [shown.title]


def test_an_article_related_to_nothing_shows_an_empty_list(client, related, make_article):
    lonely = make_article("Một bài không liên quan đến bài nào")
    page = client.get(f"/news/{lonely.slug}", headers=BROWSER).text
    assert "related-list" not in (widget_html(page) or "")
    assert client.get(f"/api/v1/articles/{lonely.id}/related").get_json() == {"items": []}


def test_the_widget_shows_nothing_on_pages_that_are_not_articles(
    client, related, place_widget, ranked_site
):
    place_widget("related.articles", region="sidebar", title="Tin liên quan")
    home = client.get("/", headers=BROWSER).text
    assert 'data-widget="related.articles"' not in home  # left out whole: no empty heading
    assert "Tin liên quan" not in home


# -- settings ----------------------------------------------------------------------------------


def test_at_most_count_articles_five_by_default(
    app, client, related, make_category, make_article, signed_in, auth
):
    section = make_category("Tin trong tỉnh")
    for n in range(8):
        make_article(f"Bản tin {n}", category_id=section.id, published_at=hours_ago(20 - n))
    main = make_article("Khánh thành cầu", category_id=section.id, published_at=hours_ago(30))
    assert len(page_titles(client, main.slug)) == 5
    assert len(api_titles(client, main.id)) == 5
    signed_in("admin")
    answer = auth.post("/admin/plugins/related/settings", {"count": "3"})
    assert answer.status_code == 302
    auth.logout()
    assert page_titles(client, main.slug) == ["Bản tin 7", "Bản tin 6", "Bản tin 5"]
    assert len(api_titles(client, main.id)) == 3


@pytest.mark.parametrize("value", ["0", "21", "ba", "", "-4", "2.5", "٣", "²", "①", "１"])
@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("en", "Enter how many related articles to list, from 1 to 20."),
        ("vi", "Hãy nhập số tin liên quan cần hiển thị, từ 1 đến 20."),
    ],
)
def test_a_bad_count_is_refused_in_the_readers_language(
    app, client, related, signed_in, auth, value, locale, message
):
    app.config["LOCALE"] = locale
    signed_in("admin")
    auth.post("/admin/plugins/related/settings", {"count": "7"})
    answer = auth.post("/admin/plugins/related/settings", {"count": value})
    assert answer.status_code == 422
    assert message in html.unescape(answer.get_data(as_text=True))
    with app.app_context():
        assert registry().settings("related")["count"] == 7  # nothing stored


def test_dates_follow_the_instance_setting(app, client, related, place_widget, ranked_site):
    app.config["LOCALE"] = "vi"
    page = widget_html(client.get(f"/news/{ranked_site['main'].slug}", headers=BROWSER).text)
    assert re.search(r'<time class="related-list__date" datetime="[^"]+">\(\d+/\d+/\d{4}\)', page)
    with app.app_context():
        from cms.models import WidgetInstance
        from cms.plugins.placement import update_instance

        instance = db.session.get(WidgetInstance, related.id)
        update_instance(instance, settings={"show_dates": False, "show_thumbnails": False})
        db.session.commit()
    page = widget_html(client.get(f"/news/{ranked_site['main'].slug}", headers=BROWSER).text)
    assert "related-list__link" in page
    assert "<time" not in page


def test_thumbnails_follow_the_instance_setting(app, client, related, make_category, make_article):
    section = make_category("Tin ảnh")
    with app.app_context():
        media = store_image(Image.new("RGB", (800, 400), "navy"), alt="Cầu mới")
        db.session.flush()
        media.variants = {"thumbnail": "thumbnail-cau-moi.jpg"}
        db.session.commit()
        media_id = media.id
    make_article("Ảnh cầu mới", category_id=section.id, image_id=media_id)
    main = make_article("Thông xe cầu", category_id=section.id)
    page = widget_html(client.get(f"/news/{main.slug}", headers=BROWSER).text)
    assert "<img" not in page
    with app.app_context():
        from cms.models import WidgetInstance
        from cms.plugins.placement import update_instance

        instance = db.session.get(WidgetInstance, related.id)
        update_instance(instance, settings={"show_dates": True, "show_thumbnails": True})
        db.session.commit()
    page = widget_html(client.get(f"/news/{main.slug}", headers=BROWSER).text)
    assert re.search(
        r'<img class="related-list__thumbnail" src="/media/thumbnail-cau-moi.jpg" alt="" '
        r'width="320" height="160"',
        page,
    )
    assert "/plugins/related/static/related.css?v=" in page


def test_the_back_office_edits_the_instance_settings(app, client, related, signed_in, auth):
    signed_in("admin")
    form = client.get(f"/admin/widgets/{related.id}").text
    assert 'name="settings-show_thumbnails"' in form
    assert 'name="settings-show_dates"' in form
    data = {
        "title": "Tin liên quan",
        "region": "article_footer",
        "visibility": "articles",
        "settings-show_thumbnails": "y",
        "csrf_token": csrf_token_from(form),
    }
    assert client.post(f"/admin/widgets/{related.id}", data=data).status_code == 302
    with app.app_context():
        from cms.models import WidgetInstance

        stored = db.session.get(WidgetInstance, related.id).settings
    assert stored == {"show_dates": False, "show_thumbnails": True}


# -- hostile text and bad input ----------------------------------------------------------------


def test_hostile_titles_are_shown_escaped(client, related, make_category, make_article):
    section = make_category("Tin trong tỉnh")
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    make_article(hostile, category_id=section.id)
    main = make_article("Bài chính", category_id=section.id)
    page = widget_html(client.get(f"/news/{main.slug}", headers=BROWSER).text)
    assert "<script>" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert api_titles(client, main.id) == [hostile]  # JSON carries the text as it is


@pytest.mark.parametrize("kind", ["unknown", "draft", "scheduled", "too large", "not a number"])
def test_the_api_answers_404_json_for_articles_readers_cannot_see(
    client, related, make_article, kind
):
    ids = {
        "unknown": 999_999,
        "draft": make_article("Nháp", status="draft").id,
        "scheduled": make_article("Hẹn giờ", status="scheduled", published_at=hours_ago(-48)).id,
        "too large": 2**31,
        "not a number": "abc",
    }
    response = client.get(f"/api/v1/articles/{ids[kind]}/related")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"]["code"] == "not_found"


def test_the_api_refuses_writes_with_json(client, related, make_article):
    article = make_article("Tin")
    response = client.post(f"/api/v1/articles/{article.id}/related", json={})
    assert response.status_code == 405
    assert response.get_json()["error"]["code"]
    assert "GET" in response.headers["Allow"]


def test_the_api_lists_article_objects_as_the_core_api_does(client, ranked_site):
    items = client.get(f"/api/v1/articles/{ranked_site['main'].id}/related").get_json()["items"]
    first = client.get(f"/api/v1/articles/{items[0]['id']}").get_json()
    assert items[0] == first
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/articles/{article_id}/related"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["properties"]["items"]["items"] == {"$ref": "#/components/schemas/Article"}


# -- the plugin switched off, the command, the demo --------------------------------------------


def test_a_disabled_plugin_shows_and_answers_nothing(app, client, runner, ranked_site):
    main = ranked_site["main"]
    assert page_titles(client, main.slug)
    with app.app_context():
        registry().set_enabled("related", False)
        db.session.commit()
    page = client.get(f"/news/{main.slug}", headers=BROWSER).text
    assert widget_html(page) is None
    response = client.get(f"/api/v1/articles/{main.id}/related")
    assert response.status_code == 404
    assert response.is_json
    result = runner.invoke(args=["related", "rebuild"])
    assert result.exit_code == 1
    assert "plugin related is not active" in result.output


def test_rebuild_computes_every_list_again(app, client, runner, ranked_site):
    before = stored_lists(app)
    assert before
    with app.app_context():
        for model in (RelatedLink, RelatedPosting, RelatedFrequency, RelatedDocument):
            db.session.execute(delete(model))  # as after an import of content alone
        db.session.commit()
    assert page_titles(client, ranked_site["main"].slug) == []
    result = runner.invoke(args=["related", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Computed the related articles of 5 articles." in result.output
    assert wrong_lists(app) == {}
    assert page_titles(client, ranked_site["main"].slug) == [
        ranked_site[k].title for k in ("tags", "category", "text")
    ]
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(RelatedDocument)).scalar() == 5


def test_rebuild_drops_what_is_no_longer_public(app, runner, ranked_site):
    with app.app_context():
        hidden = ranked_site["category"].id  # unpublished by a bulk statement: no event
        db.session.execute(
            Article.__table__.update().where(Article.id == hidden).values(status="draft")
        )
        db.session.commit()
    assert any(hidden in ids for ids in stored_lists(app).values())
    assert runner.invoke(args=["related", "rebuild"]).exit_code == 0
    lists = stored_lists(app)
    assert hidden not in lists
    assert not any(hidden in ids for ids in lists.values())
    assert lists == brute_force_lists(app)  # computed from scratch: whole


def test_the_demo_relates_articles_a_reader_would_relate(app, client, runner):
    app.config["LOCALE"] = "vi"
    result = runner.invoke(args=["cms", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        state = db.session.get(PluginState, "related")
        assert state is None or state.enabled
        reform = db.session.execute(
            select(Article).where(Article.title.like("Kiểm tra công tác cải cách hành chính%"))
        ).scalar_one()
        slug, reform_id = reform.slug, reform.id
    page = client.get(f"/news/{slug}", headers=BROWSER).text
    assert "Tin liên quan" in widget_html(page)
    titles = page_titles(client, slug)
    assert len(titles) == 5
    # Administrative reform news first: every one of the first four is about it.
    assert all("hành chính" in t for t in titles[:4]), titles
    assert api_titles(client, reform_id) == titles
    assert wrong_lists(app) == {}
