"""What is stored: no character XML forbids, lengths as stored, images from allowed hosts."""

import unicodedata

import pytest
from flask import Flask
from sqlalchemy import insert, select, text, update

from cms import security
from cms.content import ContentError, save_article, save_category, save_page
from cms.content.sanitize import (
    foreign_images,
    image_source_allowed,
    parse_image_hosts,
    sanitize_html,
)
from cms.content.text import FORBIDDEN_CHARS, clean_text, stored_length
from cms.extensions import db
from cms.models import Article, Category, Page, Setting, Tag, User
from cms.models.content import BODY_MAX, TITLE_MAX

#: One of each kind of character that must never be stored.
FORBIDDEN = [
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x10",
    "\x1f",
    "\x7f",
    "\x85",
    "\ud800",
    "\udfff",
    "\ufdd0",
    "\ufffe",
    "\uffff",
    "\U0001fffe",
    "\U0010ffff",
]
#: The same kinds, written as HTML character references (the sanitizer decodes them).
ENTITIES = [
    "&#16;",
    "&#x10;",
    "&#0;",
    "&#x0;",
    "&#1;",
    "&#x1F;",
    "&#xFFFE;",
    "&#xFFFF;",
    "&#xD800;",
]

#: A title of exactly 120 letters, most with two diacritics, as typed on a keyboard that
#: sends NFD (three code points for each of those letters).
TITLE_120 = ("Tiếng Việt: " + "ệộừẫởếềểễậắằẳẵặứựửữờớ " * 6)[:120]
TITLE_120_NFD = unicodedata.normalize("NFD", TITLE_120)


def without_forbidden(value):
    return FORBIDDEN_CHARS.search(value) is None


@pytest.mark.parametrize("char", FORBIDDEN)
def test_clean_text_removes_every_kind_of_forbidden_character(char):
    assert clean_text(f"a{char}b") == "ab"
    assert clean_text(f"a{char}b", single_line=True) == "ab"


def test_clean_text_keeps_what_xml_allows():
    kept = "tab\there\nline\r\nend \ue000 \U0001f600 \u0301x đ"
    assert clean_text(kept) == unicodedata.normalize("NFC", kept)


def test_stored_length_counts_letters_after_nfc():
    assert len(TITLE_120_NFD) > TITLE_MAX  # what the old check counted
    assert stored_length(TITLE_120_NFD) == 120


@pytest.mark.parametrize("entity", ENTITIES)
def test_sanitize_html_removes_forbidden_characters_written_as_entities(entity):
    html = f'<p title="x{entity}y">a{entity}b</p>'
    cleaned = sanitize_html(html)
    assert without_forbidden(cleaned)
    assert "ab" in cleaned.replace("\ufffd", "")


@pytest.mark.parametrize("char", FORBIDDEN)
def test_sanitize_html_removes_raw_forbidden_characters(char):
    assert without_forbidden(sanitize_html(f"<p>a{char}b</p>"))


def test_sanitize_html_output_is_nfc():
    nfd = unicodedata.normalize("NFD", "<p>Cải cách</p>")
    assert sanitize_html(nfd) == "<p>Cải cách</p>"


# -- every field, whatever way it arrives -------------------------------------------------


def test_article_fields_are_stored_without_forbidden_characters(app, make_category):
    category = make_category("Tin")
    with app.app_context():
        article = save_article(
            None,
            {
                "title": "Tin\x10 mới\x00",
                "summary": "Tóm\x1f tắt\ufffe",
                "body_html": "<p>a&#16;b&#0;c\x01d</p><p title='&#x1F;t'>x</p>",
                "slug": "tin\x0b-moi",
                "tags": ["Thẻ\x07", "Khác&#16;"],
                "category_id": category.id,
                "status": "published",
            },
        )
        db.session.commit()
        article_id = article.id
        db.session.expire_all()
        stored = db.session.get(Article, article_id)
        for value in (
            stored.title,
            stored.summary,
            stored.body_html,
            stored.slug,
            stored.search_text,
        ):
            assert without_forbidden(value), value
        assert stored.title == "Tin mới"
        assert "<p>abcd</p>" in stored.body_html
        assert all(without_forbidden(t.name) for t in stored.tags)


def test_page_and_category_fields_are_stored_without_forbidden_characters(app):
    with app.app_context():
        page = save_page(None, {"title": "Giới\x10 thiệu", "body_html": "<p>x&#x10;y</p>"})
        category = save_category(None, {"name": "Tin\x00 tức", "description": "Mô\x1f tả"})
        db.session.commit()
        db.session.expire_all()
        page = db.session.get(Page, page.id)
        category = db.session.get(Category, category.id)
        assert (page.title, page.body_html) == ("Giới thiệu", "<p>xy</p>")
        assert (category.name, category.description) == ("Tin tức", "Mô tả")


def test_orm_writes_of_any_model_are_cleaned_before_the_database_sees_them(app):
    """The last line of defence: a model written directly, JSON values included."""
    with app.app_context():
        user = User(email="x@example.org", role="editor", name="Nguyễn\x00 Văn\x10 A")
        user.set_password("correct horse battery")
        db.session.add(user)
        db.session.add(Setting(key="site_name", value="Cổng\x00 thông tin\ufffe"))
        db.session.add(Setting(key="probe", value={"a\x10": ["b\x00", {"c": "d\x1f"}], "n": 3}))
        db.session.add(Tag(name="Thẻ\x00", slug="the"))
        db.session.commit()
        user_id = user.id
        db.session.expire_all()
        assert db.session.get(User, user_id).name == "Nguyễn Văn A"
        assert db.session.get(Setting, "site_name").value == "Cổng thông tin"
        assert db.session.get(Setting, "probe").value == {"a": ["b", {"c": "d"}], "n": 3}
        assert db.session.execute(select(Tag.name)).scalar_one() == "Thẻ"

        # A change to a loaded row is cleaned too.
        tag = db.session.execute(select(Tag)).scalar_one()
        tag.name = "Đổi\x00 tên"
        db.session.commit()
        db.session.expire_all()
        assert db.session.execute(select(Tag.name)).scalar_one() == "Đổi tên"


def test_core_inserts_and_updates_are_cleaned_too(app):
    with app.app_context():
        db.session.execute(insert(Tag).values(name="Lõi\x00\x10", slug="loi"))
        db.session.execute(
            insert(Tag), [{"name": "Một\x00", "slug": "mot"}, {"name": "Hai\x1f", "slug": "hai"}]
        )
        db.session.execute(update(Tag).where(Tag.slug == "loi").values(name="Lõi\x00 mới\ufffe"))
        db.session.commit()
        names = set(db.session.execute(select(Tag.name)).scalars())
        assert names == {"Lõi mới", "Một", "Hai"}
        # Raw SQL reads are left alone: a NUL in a lookup is only a miss.
        assert db.session.execute(text("SELECT 1")).scalar_one() == 1


def test_lookups_with_forbidden_characters_are_not_changed(app, make_article):
    """Cleaning applies to writes only: reading 'a<NUL>b' does not find 'ab'."""
    make_article("ab", slug="ab")
    with app.app_context():
        found = db.session.execute(select(Article).where(Article.slug == "a\x01b")).scalar()
        assert found is None


# -- lengths are those of what is stored -------------------------------------------------


def test_a_120_letter_title_typed_in_nfd_is_accepted_and_stored_in_nfc(app):
    with app.app_context():
        article = save_article(None, {"title": TITLE_120_NFD})
        db.session.commit()
        assert article.title == TITLE_120
        assert len(article.title) == 120


def test_a_title_over_the_limit_in_nfc_is_refused(app):
    with app.app_context(), pytest.raises(ContentError) as caught:
        save_article(None, {"title": "a" * (TITLE_MAX + 1)})
    assert "title" in caught.value.errors


@pytest.mark.parametrize("body", ["<" * 999_990, "&" * 300_000, "<p>" + "<>" * 300_000 + "</p>"])
def test_a_body_longer_than_the_limit_once_sanitized_is_refused(app, make_article, body):
    ref = make_article("Bài gốc", body_html="<p>Nội dung gốc</p>")
    assert len(body) <= BODY_MAX
    with app.app_context():
        article = db.session.get(Article, ref.id)
        with pytest.raises(ContentError) as caught:
            save_article(article, {"body_html": body})
        message = caught.value.errors["body_html"]
        assert "1,000,000" in message
        assert "cleaned" in message
        db.session.rollback()
        with pytest.raises(ContentError):
            save_article(None, {"title": "Mới", "body_html": body})
        db.session.rollback()

        # Nothing was stored, and the article can still be saved.
        db.session.expire_all()
        article = db.session.get(Article, ref.id)
        assert article.body_html == "<p>Nội dung gốc</p>"
        save_article(article, {"body_html": "<p>Sửa lại</p>"})
        db.session.commit()
        assert db.session.execute(select(Article.title)).scalars().all() == ["Bài gốc"]


def test_a_page_body_longer_than_the_limit_once_sanitized_is_refused(app):
    with app.app_context():
        with pytest.raises(ContentError) as caught:
            save_page(None, {"title": "Trang", "body_html": "<" * 999_990})
        assert "body_html" in caught.value.errors
        assert "title" not in caught.value.errors


def test_a_page_title_over_the_limit_says_so_rather_than_required(app):
    with app.app_context(), pytest.raises(ContentError) as caught:
        save_page(None, {"title": "a" * (TITLE_MAX + 1)})
    assert "too long" in caught.value.errors["title"]


def test_a_body_at_the_limit_once_sanitized_is_accepted(app):
    body = "<p>" + "x" * (BODY_MAX - 7) + "</p>"
    with app.app_context():
        article = save_article(None, {"title": "Dài", "body_html": body})
        db.session.commit()
        assert len(article.body_html) == BODY_MAX


# -- images come from this site or an allowed host ----------------------------------------


@pytest.mark.parametrize(
    "src",
    [
        "https://other.example/track.gif",
        "http://other.example/a.png",
        "//other.example/a.png",
        "/\\other.example/a.png",
        " //other.example/a.png",
        "/\t/other.example/a.png",
        "https:other.example/a.png",
        "HTTPS://OTHER.EXAMPLE/a.png",
        "https://cdn.example.org.other.example/a.png",
    ],
)
def test_images_from_other_hosts_are_refused_with_a_message(app, src):
    html = f'<p>x</p><img src="{src}" alt="Bản đồ">'
    with app.test_request_context("/", base_url="http://portal.example"):
        assert not image_source_allowed(src)
        assert foreign_images(html)
        assert "other.example" not in sanitize_html(html).lower()
        with pytest.raises(ContentError) as caught:
            save_article(None, {"title": "Ảnh", "body_html": html})
        assert "allowed host" in caught.value.errors["body_html"]
        with pytest.raises(ContentError):
            save_page(None, {"title": "Ảnh", "body_html": html})
        db.session.rollback()
        assert db.session.execute(select(Article)).first() is None


@pytest.mark.parametrize(
    ("src", "kept"),
    [
        ("/media/2024/anh.jpg", "/media/2024/anh.jpg"),
        ("anh.jpg", "anh.jpg"),
        ("../media/anh.jpg", "../media/anh.jpg"),
        ("http://portal.example/media/a.png", "/media/a.png"),
        ("//portal.example/media/a.png?v=2", "/media/a.png?v=2"),
    ],
)
def test_images_from_this_site_are_kept_as_paths(app, src, kept):
    html = f'<img src="{src}" alt="Ảnh">'
    with app.test_request_context("/", base_url="http://portal.example"):
        article = save_article(None, {"title": "Ảnh", "body_html": html})
        assert f'src="{kept}"' in article.body_html


def test_a_host_named_by_a_request_never_gets_into_stored_images(app):
    """Without CMS_SITE_URL the site's host is the request's, which a client chooses."""
    html = '<img src="https://other.example/track.gif" alt="Ảnh">'
    with app.test_request_context("/", base_url="http://other.example"):
        article = save_article(None, {"title": "Ảnh", "body_html": html})
        assert 'src="/track.gif"' in article.body_html
        assert "other.example" not in article.body_html


def test_the_site_url_setting_names_the_sites_own_host(make_app):
    app = make_app(SITE_URL="https://tin.example.vn")
    with app.test_request_context("/", base_url="https://tin.example.vn"):
        assert image_source_allowed("https://tin.example.vn/media/a.png")
        assert not image_source_allowed("https://other.example/a.png")
    with app.app_context():  # no request: the setting alone decides
        assert image_source_allowed("https://tin.example.vn/media/a.png")
        assert not image_source_allowed("https://evil.example/media/a.png")


def test_hosts_listed_in_image_hosts_are_allowed(make_app):
    app = make_app(IMAGE_HOSTS="cdn.example.org, *.img.example.net")
    with app.app_context():
        for src in ("https://cdn.example.org/a.png", "https://x.img.example.net/a.png"):
            article = save_article(None, {"title": src, "body_html": f'<img src="{src}">'})
            assert src in article.body_html
        for src in ("https://img.example.net/a.png", "https://cdn.example.org.evil.example/a"):
            with pytest.raises(ContentError):
                save_article(None, {"title": "x", "body_html": f'<img src="{src}">'})


def test_parse_image_hosts_reads_lists_and_urls_and_refuses_junk():
    assert parse_image_hosts("cdn.example.org, https://Img.Example.net/path *.x.vn") == (
        "cdn.example.org",
        "img.example.net",
        "*.x.vn",
    )
    assert parse_image_hosts(["a.example"]) == ("a.example",)
    assert parse_image_hosts(None) == ()
    for junk in ("bad host;", "'unsafe-inline'", "a b;c", "*"):
        with pytest.raises(ValueError, match="IMAGE_HOSTS"):
            parse_image_hosts(junk)


def test_a_bad_image_hosts_setting_stops_the_app_at_start():
    app = Flask(__name__)
    app.config["IMAGE_HOSTS"] = "cdn.example.org; script-src *"
    with pytest.raises(ValueError, match="IMAGE_HOSTS"):
        security.init_app(app)
