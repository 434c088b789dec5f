"""Articles through the API: reading, writing, permissions, filters and pagination."""

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cms.api.serializers import plugin_fields
from cms.extensions import db
from cms.models import Article, ArticleRevision, AuditEntry, Media, Tag
from tests.api.conftest import error_of

ARTICLE_KEYS = {
    "id", "slug", "title", "summary", "body_html", "url", "category", "tags", "status",
    "published_at", "author", "image", "views", "created_at", "updated_at",
}  # fmt: skip


def test_create_answers_201_with_the_whole_object_and_location(app, admin, make_category):
    news = make_category("Tin tức")
    response = admin.post(
        "/articles",
        {
            "title": "Khai mạc lễ hội",
            "summary": "Tóm tắt",
            "body_html": "<p>Nội dung</p>",
            "status": "published",
            "category": news.id,
            "tags": ["Văn hóa", "Du lịch"],
        },
    )
    assert response.status_code == 201
    body = response.get_json()
    with app.app_context():  # and the fields the bundled plugins add (rating)
        added = {api_field.name for api_field in plugin_fields("Article")}
    assert set(body) == ARTICLE_KEYS | added
    assert response.headers["Location"].endswith(f"/api/v1/articles/{body['id']}")
    assert body["slug"] == "khai-mac-le-hoi"
    assert body["url"] == "http://localhost/news/khai-mac-le-hoi"
    assert body["category"] == {
        "id": news.id,
        "name": "Tin tức",
        "slug": "tin-tuc",
        "url": "http://localhost/category/tin-tuc",
    }
    assert body["tags"] == ["Du lịch", "Văn hóa"]
    assert body["status"] == "published"
    assert body["author"]["name"] == "admin-token"
    assert set(body["author"]) == {"id", "name"}
    assert body["image"] is None
    assert body["views"] == 0
    published = datetime.fromisoformat(body["published_at"])
    assert published.utcoffset() == timedelta(0)
    assert datetime.fromisoformat(body["created_at"]).tzinfo is not None
    assert response.headers["Cache-Control"] == "no-store"
    assert admin.get(f"/articles/{body['id']}").get_json() == body


def test_new_article_is_a_draft_by_default_and_hidden_from_readers(admin, anon):
    created = admin.post("/articles", {"title": "Bản nháp"}).get_json()
    assert created["status"] == "draft"
    assert created["published_at"] is None
    assert anon.get(f"/articles/{created['id']}").status_code == 404
    assert anon.get("/articles").get_json()["total"] == 0
    assert admin.get(f"/articles/{created['id']}").status_code == 200


def test_slug_from_a_vietnamese_title_and_distinct_for_duplicates(admin):
    first = admin.post("/articles", {"title": "Cải cách hành chính"}).get_json()
    second = admin.post("/articles", {"title": "Cải cách hành chính"}).get_json()
    assert first["slug"] == "cai-cach-hanh-chinh"
    assert second["slug"] == "cai-cach-hanh-chinh-2"


def test_decomposed_vietnamese_is_stored_composed(admin, app):
    nfd = unicodedata.normalize("NFD", "Điện Biên phát triển du lịch")
    body = admin.post(
        "/articles",
        {"title": nfd, "summary": unicodedata.normalize("NFD", "Tóm tắt"), "tags": [nfd]},
    ).get_json()
    assert body["title"] == "Điện Biên phát triển du lịch"
    assert unicodedata.is_normalized("NFC", body["title"])
    assert body["summary"] == "Tóm tắt"
    assert body["tags"] == ["Điện Biên phát triển du lịch"]
    assert body["slug"] == "dien-bien-phat-trien-du-lich"
    with app.app_context():
        stored = db.session.get(Article, body["id"])
        assert stored.title == "Điện Biên phát triển du lịch"


def test_body_html_is_sanitized(admin):
    body = admin.post(
        "/articles",
        {
            "title": "An toàn",
            "body_html": '<p onclick="x()">Chữ<script>alert(1)</script></p>'
            '<a href="javascript:alert(1)">xấu</a>',
        },
    ).get_json()
    assert "<script" not in body["body_html"]
    assert "alert(1)" not in body["body_html"]
    assert "onclick" not in body["body_html"]
    assert "javascript:" not in body["body_html"]
    assert "<p>Chữ</p>" in body["body_html"]


def test_image_is_an_object(admin, app):
    with app.app_context():
        media = Media(filename="abc.jpg", mime_type="image/jpeg", width=800, height=600, alt="Ảnh")
        db.session.add(media)
        db.session.commit()
        media_id = media.id
    body = admin.post("/articles", {"title": "Có ảnh", "image": media_id}).get_json()
    assert body["image"] == {
        "id": media_id,
        "url": "http://localhost/media/abc.jpg",
        "alt": "Ảnh",
        "width": 800,
        "height": 600,
    }
    cleared = admin.patch(f"/articles/{body['id']}", {"image": None}).get_json()
    assert cleared["image"] is None


def test_patch_changes_only_the_given_fields_and_keeps_the_slug(admin, make_category):
    created = admin.post(
        "/articles", {"title": "Tiêu đề cũ", "summary": "Giữ nguyên", "tags": ["A"]}
    ).get_json()
    response = admin.patch(f"/articles/{created['id']}", {"title": "Tiêu đề mới"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["title"] == "Tiêu đề mới"
    assert body["summary"] == "Giữ nguyên"
    assert body["tags"] == ["A"]
    assert body["slug"] == "tieu-de-cu"
    category = make_category("Thời sự")
    body = admin.put(f"/articles/{created['id']}", {"category": category.id, "tags": []})
    assert body.status_code == 200
    assert body.get_json()["category"]["id"] == category.id
    assert body.get_json()["tags"] == []
    assert body.get_json()["title"] == "Tiêu đề mới"


def test_update_keeps_a_revision_and_writes_the_audit_log(admin, app):
    created = admin.post("/articles", {"title": "Bản một"}).get_json()
    admin.patch(f"/articles/{created['id']}", {"title": "Bản hai"})
    with app.app_context():
        revisions = db.session.execute(select(ArticleRevision)).scalars().all()
        assert [r.title for r in revisions] == ["Bản một"]
        actions = db.session.execute(select(AuditEntry.action)).scalars().all()
        assert actions == ["article.create", "article.update"]


def test_publishing_in_the_future_schedules(admin, anon):
    later = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    body = admin.post(
        "/articles",
        {"title": "Sắp đăng", "status": "published", "published_at": later.isoformat()},
    ).get_json()
    assert body["status"] == "scheduled"
    assert datetime.fromisoformat(body["published_at"]) == later
    assert anon.get(f"/articles/{body['id']}").status_code == 404


def test_published_at_with_an_offset_is_stored_in_utc(admin):
    body = admin.post(
        "/articles",
        {"title": "Giờ Hà Nội", "status": "published", "published_at": "2020-05-14T10:13:21+07:00"},
    ).get_json()
    assert body["published_at"] == "2020-05-14T03:13:21+00:00"


def test_delete(admin, anon, count):
    created = admin.post("/articles", {"title": "Xóa tôi", "status": "published"}).get_json()
    response = admin.delete(f"/articles/{created['id']}")
    assert response.status_code == 204
    assert response.data == b""
    assert count(Article) == 0
    assert anon.get(f"/articles/{created['id']}").status_code == 404
    assert admin.delete(f"/articles/{created['id']}").status_code == 404


# -- permissions ----------------------------------------------------------------


def test_anonymous_writes_are_refused_with_401(anon, make_article, count):
    ref = make_article("Công khai")
    for response in (
        anon.post("/articles", {"title": "Không"}),
        anon.patch(f"/articles/{ref.id}", {"title": "Không"}),
        anon.put(f"/articles/{ref.id}", {"title": "Không"}),
        anon.delete(f"/articles/{ref.id}"),
    ):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert error_of(response)["code"] == "unauthorized"
    assert count(Article) == 1


def test_author_creates_and_manages_own_articles(author, anon):
    created = author.post("/articles", {"title": "Bài của tôi", "status": "draft"}).get_json()
    assert created["author"]["name"] == "author"
    assert author.get(f"/articles/{created['id']}").status_code == 200
    published = author.patch(f"/articles/{created['id']}", {"status": "published"})
    assert published.status_code == 200
    assert published.get_json()["status"] == "published"
    assert anon.get(f"/articles/{created['id']}").status_code == 200
    assert author.delete(f"/articles/{created['id']}").status_code == 204


def test_author_cannot_touch_another_authors_articles(author, other_author, count):
    public = other_author.post("/articles", {"title": "Công khai", "status": "published"})
    draft = other_author.post("/articles", {"title": "Nháp của người khác"})
    public_id, draft_id = public.get_json()["id"], draft.get_json()["id"]

    assert author.get(f"/articles/{public_id}").status_code == 200
    for response in (
        author.patch(f"/articles/{public_id}", {"title": "Sửa trộm"}),
        author.put(f"/articles/{public_id}", {"title": "Sửa trộm"}),
        author.delete(f"/articles/{public_id}"),
    ):
        assert response.status_code == 403
        assert error_of(response)["code"] == "forbidden"
    # A draft of someone else does not exist as far as the author can tell.
    assert author.get(f"/articles/{draft_id}").status_code == 404
    assert author.patch(f"/articles/{draft_id}", {"title": "x"}).status_code == 404
    assert author.delete(f"/articles/{draft_id}").status_code == 404
    assert count(Article) == 2
    assert other_author.get(f"/articles/{public_id}").get_json()["title"] == "Công khai"


def test_author_cannot_list_drafts(author, anon):
    assert author.get("/articles?status=draft").status_code == 403
    assert anon.get("/articles?status=draft").status_code == 401
    assert author.get("/articles?status=published").status_code == 200


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_admins_manage_every_article(role, request, author):
    user = request.getfixturevalue(role)
    created = author.post("/articles", {"title": "Của tác giả"}).get_json()
    assert user.get(f"/articles/{created['id']}").status_code == 200
    changed = user.patch(f"/articles/{created['id']}", {"status": "published"})
    assert changed.status_code == 200
    assert changed.get_json()["author"]["name"] == "author"
    assert user.get("/articles?status=draft").status_code == 200
    assert user.delete(f"/articles/{created['id']}").status_code == 204


def test_authors_create_tags_through_articles(author, count):
    body = author.post("/articles", {"title": "Có thẻ", "tags": ["Mới"]}).get_json()
    assert body["tags"] == ["Mới"]
    assert count(Tag) == 1


# -- lists ----------------------------------------------------------------------


def test_list_shape_and_pagination(anon, make_article):
    for n in range(5):
        make_article(f"Tin số {n}", published_at=datetime(2024, 1, 1 + n, tzinfo=UTC).isoformat())
    body = anon.get("/articles").get_json()
    assert set(body) == {"items", "page", "per_page", "total"}
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 5)
    assert [a["title"] for a in body["items"]] == [f"Tin số {n}" for n in range(4, -1, -1)]
    second = anon.get("/articles?page=2&per_page=2").get_json()
    assert (second["page"], second["per_page"], second["total"]) == (2, 2, 5)
    assert [a["title"] for a in second["items"]] == ["Tin số 2", "Tin số 1"]
    beyond = anon.get("/articles?page=9&per_page=2").get_json()
    assert beyond["items"] == []
    assert beyond["total"] == 5
    assert len(anon.get("/articles?per_page=100").get_json()["items"]) == 5


def test_anonymous_lists_show_published_articles_only(anon, editor, make_article):
    make_article("Đã đăng")
    make_article("Bản nháp", status="draft")
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    make_article("Hẹn giờ", published_at=later)
    assert [a["title"] for a in anon.get("/articles").get_json()["items"]] == ["Đã đăng"]
    assert [a["title"] for a in editor.get("/articles").get_json()["items"]] == ["Đã đăng"]
    drafts = editor.get("/articles?status=draft").get_json()["items"]
    assert [a["title"] for a in drafts] == ["Bản nháp"]
    scheduled = editor.get("/articles?status=scheduled").get_json()["items"]
    assert [a["title"] for a in scheduled] == ["Hẹn giờ"]
    published = editor.get("/articles?status=published").get_json()["items"]
    assert [a["title"] for a in published] == ["Đã đăng"]


def test_filter_by_category_id_or_slug_with_sub_categories(anon, make_category, make_article):
    news = make_category("Tin tức")
    local = make_category("Tin trong tỉnh", parent_id=news.id)
    other = make_category("Thể thao")
    make_article("Tin chung", category_id=news.id)
    make_article("Tin tỉnh", category_id=local.id)
    make_article("Bóng đá", category_id=other.id)

    def titles(query):
        return sorted(a["title"] for a in anon.get(f"/articles?{query}").get_json()["items"])

    assert titles(f"category={news.id}") == ["Tin chung", "Tin tỉnh"]
    assert titles("category=tin-tuc") == ["Tin chung", "Tin tỉnh"]
    assert titles("category=tin-trong-tinh") == ["Tin tỉnh"]
    assert titles(f"category={other.id}") == ["Bóng đá"]
    missing = anon.get("/articles?category=khong-co")
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "not_found"
    assert anon.get("/articles?category=99999999999999").status_code == 404


def test_filter_by_tag_slug_or_name(anon, make_article):
    make_article("Một", tags=["Kinh tế"])
    make_article("Hai", tags=["Du lịch"])
    for value in ("kinh-te", "Kinh tế", unicodedata.normalize("NFD", "Kinh tế"), "kinh tế"):
        items = anon.get("/articles", query_string={"tag": value}).get_json()["items"]
        assert [a["title"] for a in items] == ["Một"], value
    assert anon.get("/articles?tag=khong-co").status_code == 404


def test_search(anon, make_article):
    make_article("Cải cách hành chính năm 2024")
    make_article("Lễ hội hoa ban")
    items = anon.get("/articles", query_string={"q": "cai cach"}).get_json()["items"]
    assert [a["title"] for a in items] == ["Cải cách hành chính năm 2024"]
    items = anon.get("/articles", query_string={"q": "hành chính"}).get_json()["items"]
    assert len(items) == 1
    assert anon.get("/articles", query_string={"q": "!!!"}).get_json()["total"] == 0
    assert anon.get("/articles", query_string={"q": ""}).get_json()["total"] == 2


def test_search_combines_with_filters_and_pagination(anon, make_article, make_category):
    news = make_category("Tin tức")
    for n in range(3):
        make_article(f"Hội nghị số {n}", category_id=news.id)
    make_article("Hội nghị ngoài chuyên mục")
    body = anon.get(
        "/articles", query_string={"q": "hoi nghi", "category": "tin-tuc", "per_page": 2}
    ).get_json()
    assert body["total"] == 3
    assert len(body["items"]) == 2


def test_reading_a_list_needs_no_token_and_is_cacheable(anon, make_article):
    make_article("Tin")
    response = anon.get("/articles")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "Authorization" in response.headers["Vary"]
