"""Atom feeds: well-formed whatever is stored, permanent entry ids, absolute URLs, RFC 4287."""

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import text

from cms.content import save_article, save_category, set_setting
from cms.content.identity import IDENTITY_KEY, record_identity, site_identity, tag_authority
from cms.extensions import db
from cms.models import Article, Category, Setting
from cms.models.types import FORBIDDEN_CHARS
from cms.public.feeds import absolute_html, atom_date, xml_safe

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
#: What XML 1.0 (section 2.2) forbids, as a test of each character of a document.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def parse(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/atom+xml"
    assert not FORBIDDEN.search(response.text)
    return ET.fromstring(response.data)  # raises ParseError unless well-formed


def entry_ids(root):
    return {e.find(f"{ATOM}link").get("href"): e.find(f"{ATOM}id").text for e in entries(root)}


def entries(root):
    return root.findall(f"{ATOM}entry")


@pytest.fixture
def news(app, make_category, make_article):
    """A category with two articles, one with links and an image in its body."""
    category = make_category("Tin tức")
    first = make_article(
        "Khai mạc lễ hội",
        category_id=category.id,
        body_html=(
            '<p><a href="/gioi-thieu">Giới thiệu</a> <a href="lich-trinh">Lịch</a> '
            '<a href="#chi-tiet">Chi tiết</a> <a href="https://example.com/x">Ngoài</a> '
            '<a href="mailto:toa-soan@example.org">Thư</a></p>'
            '<p><img src="/media/anh.jpg" alt="Ảnh"><img src="../media/b.png" alt="B"></p>'
            '<blockquote cite="/nguon">Trích</blockquote>'
        ),
    )
    second = make_article("Bế mạc lễ hội", category_id=category.id)
    return category, first, second


# -- characters XML forbids -------------------------------------------------------------------


def store_raw(app, sql, **params):
    """Write a value as an old row might hold it, past every check of the services."""
    with app.app_context():
        db.session.execute(text(sql), params)
        db.session.commit()


@pytest.mark.parametrize("bad", ["\x10", "\ufffe", "\x00\x01\x1f", "\uffff\x0b\x0c", "\x7f\x80"])
def test_feeds_stay_well_formed_whatever_rows_hold(app, client, news, bad):
    category, first, _ = news
    if "\x00" in bad and db_is_postgres(app):
        bad = bad.replace("\x00", "")  # PostgreSQL cannot store U+0000 in text at all
    store_raw(
        app,
        "UPDATE article SET title = :t, summary = :s, body_html = :b WHERE id = :id",
        t=f"Tiêu{bad}đề",
        s=f"Tóm{bad}tắt",
        b=f"<p>a{bad}b &#16; &#x10; &#xFFFE; &#65535; &#x110000; &#0000000000000000016;</p>",
        id=first.id,
    )
    store_raw(app, "UPDATE category SET name = :n WHERE id = :id", n=f"Tin{bad}tức", id=category.id)
    with app.app_context():
        set_setting("site_name", f"Cổng{bad}thông tin")
        db.session.commit()
    for url in ("/feed.xml", f"/category/{category.slug}/feed.xml"):
        root = parse(client.get(url))
        titles = [e.find(f"{ATOM}title").text for e in entries(root)]
        assert "Tiêuđề" in titles
        assert root.find(f"{ATOM}title").text.startswith("Cổngthông tin")
        content = next(
            e.find(f"{ATOM}content").text
            for e in entries(root)
            if e.find(f"{ATOM}title").text == "Tiêuđề"
        )
        assert "&#16;" not in content
        assert "&#x10;" not in content
        assert not FORBIDDEN.search(content)


def test_an_author_name_with_control_characters_cannot_break_the_feed(app, client, news, make_user):
    user = make_user("tac-gia@example.org", name="Tác giả")
    store_raw(app, 'UPDATE "user" SET name = :n WHERE id = :id', n="Tác\x10giả\ufffe", id=user.id)
    store_raw(app, "UPDATE article SET author_id = :u", u=user.id)
    root = parse(client.get("/feed.xml"))
    names = {e.find(f"{ATOM}author/{ATOM}name").text for e in entries(root)}
    assert names == {"Tácgiả"}


def db_is_postgres(app):
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x10b", "ab"),
        ("a&#16;b&#x10;c&#X1F;d", "abcd"),
        ("&#xFFFE;&#65535;&#xD800;&#x110000;&#99999999999999999999999;", ""),
        ("&#34;&#x41;&#9;&#10;&#x1F600;", "&#34;&#x41;&#9;&#10;&#x1F600;"),
        ("<p>tab\there\nline\r</p>", "<p>tab\there\nline\r</p>"),
        ("&amp;#16;", "&amp;#16;"),
    ],
)
def test_xml_safe(raw, clean):
    assert xml_safe(raw) == clean


# -- permanent ids ----------------------------------------------------------------------------


def test_entry_ids_survive_slugs_prefixes_and_hosts(app, client, news):
    category, first, second = news
    before = parse(client.get("/feed.xml"))
    ids = {e.find(f"{ATOM}title").text: e.find(f"{ATOM}id").text for e in entries(before)}
    feed_id = before.find(f"{ATOM}id").text
    category_feed_id = parse(client.get(f"/category/{category.slug}/feed.xml")).find(f"{ATOM}id")
    assert len(set(ids.values())) == 2
    assert feed_id not in ids.values()
    assert category_feed_id.text not in {feed_id, *ids.values()}

    with app.app_context():
        save_article(db.session.get(Article, first.id), {"slug": "khai-mac-le-hoi-2025"})
        save_category(db.session.get(Category, category.id), {"slug": "thoi-su"})
        set_setting("article_prefix", "tin-tuc")
        set_setting("category_prefix", "chuyen-muc")
        db.session.commit()
    for host in ("localhost", "other.example", "127.0.0.1:8080"):
        after = parse(client.get("/feed.xml", headers={"Host": host}))
        assert after.find(f"{ATOM}id").text == feed_id
        now = {e.find(f"{ATOM}title").text: e.find(f"{ATOM}id").text for e in entries(after)}
        assert now == ids
        links = [e.find(f"{ATOM}link").get("href") for e in entries(after)]
        assert any(link.endswith("/tin-tuc/khai-mac-le-hoi-2025") for link in links)
    moved = parse(client.get("/chuyen-muc/thoi-su/feed.xml"))
    assert moved.find(f"{ATOM}id").text == category_feed_id.text


def test_without_a_site_url_ids_are_uuid_urns(client, news):
    root = parse(client.get("/feed.xml"))
    for value in [root.find(f"{ATOM}id").text, *entry_ids(root).values()]:
        assert value.startswith("urn:uuid:")
        assert uuid.UUID(value.removeprefix("urn:uuid:")).version == 5


def test_a_site_url_set_later_changes_no_id(client, news, make_app):
    before = parse(client.get("/feed.xml"))
    later = make_app(SITE_URL="https://news.example.org")
    after = parse(later.test_client().get("/feed.xml", base_url="https://news.example.org"))
    assert after.find(f"{ATOM}id").text == before.find(f"{ATOM}id").text
    assert sorted(entry_ids(after).values()) == sorted(entry_ids(before).values())
    assert all(link.startswith("https://news.example.org/") for link in entry_ids(after))


def test_init_with_a_site_url_records_tag_uris(news, make_app):
    category, first, _ = news
    site = make_app(SITE_URL="https://Tin.Example.ORG")
    result = site.test_cli_runner().invoke(args=["cms", "init"])
    assert result.exit_code == 0, result.output
    day = datetime.now(UTC).date().isoformat()
    root = parse(site.test_client().get("/feed.xml", base_url="https://tin.example.org"))
    assert root.find(f"{ATOM}id").text == f"tag:tin.example.org,{day}:feed"
    assert f"tag:tin.example.org,{day}:article/{first.id}" in entry_ids(root).values()
    category_root = parse(
        site.test_client().get(
            f"/category/{category.slug}/feed.xml", base_url="https://tin.example.org"
        )
    )
    assert category_root.find(f"{ATOM}id").text == (
        f"tag:tin.example.org,{day}:category/{category.id}/feed"
    )
    again = site.test_cli_runner().invoke(args=["cms", "init"])  # idempotent: same identity
    assert again.exit_code == 0
    moved = make_app(SITE_URL="https://portal.example.net")
    later = parse(moved.test_client().get("/feed.xml", base_url="https://portal.example.net"))
    assert later.find(f"{ATOM}id").text == f"tag:tin.example.org,{day}:feed"


def test_the_identity_is_recorded_once(app):
    with app.app_context():
        first = record_identity("https://a.example")
        second = record_identity("https://b.example")
        assert first == second == site_identity()
        assert first["tag_authority"].startswith("a.example,")
        rows = db.session.execute(
            text("SELECT COUNT(*) FROM setting WHERE key = :k"), {"k": IDENTITY_KEY}
        )
        assert rows.scalar_one() == 1


def test_an_unreadable_identity_is_replaced(app):
    with app.app_context():
        db.session.add(Setting(key=IDENTITY_KEY, value={"uuid": "not a uuid"}))
        db.session.commit()
        identity = site_identity()
        assert uuid.UUID(identity["uuid"])
        assert db.session.get(Setting, IDENTITY_KEY).value["uuid"] == identity["uuid"]


@pytest.mark.parametrize(
    ("site_url", "expected"),
    [
        ("https://news.example.org", "news.example.org,2024-05-14"),
        ("http://localhost:8080", "localhost,2024-05-14"),
        ("https://xn--tintc-5va.vn", "xn--tintc-5va.vn,2024-05-14"),
        ("https://[2001:db8::1]", None),
        (None, None),
        ("", None),
    ],
)
def test_tag_authority(site_url, expected):
    assert tag_authority(site_url, "2024-05-14") == expected


# -- content and structure --------------------------------------------------------------------


class Urls(HTMLParser):
    """Every URL attribute of an HTML fragment."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found += [
            (tag, name, value) for name, value in attrs if name in ("href", "src", "cite")
        ]


def test_entry_content_uses_absolute_urls(client, news):
    root = parse(client.get("/feed.xml"))
    entry = next(e for e in entries(root) if e.find(f"{ATOM}title").text == "Khai mạc lễ hội")
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    parser = Urls()
    parser.feed(content.text)
    urls = {value for _, _, value in parser.found}
    link = entry.find(f"{ATOM}link").get("href")
    assert link.startswith("http://localhost/news/khai-mac-le-hoi")
    assert urls == {
        "http://localhost/gioi-thieu",
        urljoin(link, "lich-trinh"),
        f"{link}#chi-tiet",
        "https://example.com/x",
        "mailto:toa-soan@example.org",
        "http://localhost/media/anh.jpg",
        "http://localhost/media/b.png",
        "http://localhost/nguon",
    }


def test_absolute_html_keeps_the_allow_list():
    html = (
        '<p onclick="x()"><a href="javascript:alert(1)">a</a>'
        '<script>b()</script><img src="/m.png"></p>'
    )
    out = absolute_html(html, "https://example.org/news/a")
    assert "onclick" not in out
    assert "javascript" not in out
    assert "<script" not in out
    assert 'src="https://example.org/m.png"' in out


def test_feed_structure_follows_rfc_4287(client, news):
    category, _, _ = news
    for url in ("/feed.xml", f"/category/{category.slug}/feed.xml"):
        root = parse(client.get(url))
        assert root.tag == f"{ATOM}feed"
        for required in ("id", "title", "updated"):
            assert len(root.findall(f"{ATOM}{required}")) == 1, required
        assert RFC3339.match(root.find(f"{ATOM}updated").text)
        assert root.find(f"{ATOM}author/{ATOM}name").text
        rels = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
        assert urlsplit(rels["alternate"]).scheme == "http"
        assert rels["self"].endswith(url)
        found = entries(root)
        assert len(found) == 2
        assert len({e.find(f"{ATOM}id").text for e in found}) == 2
        for entry in found:
            for required in ("id", "title", "updated", "published"):
                assert len(entry.findall(f"{ATOM}{required}")) == 1, required
            assert RFC3339.match(entry.find(f"{ATOM}updated").text)
            assert RFC3339.match(entry.find(f"{ATOM}published").text)
            link = entry.find(f"{ATOM}link")
            assert link.get("rel") == "alternate"
            assert link.get("href").startswith("http://localhost/news/")
            assert entry.find(f"{ATOM}author/{ATOM}name").text


def test_an_empty_feed_is_valid(client):
    root = parse(client.get("/feed.xml"))
    assert entries(root) == []
    assert root.find(f"{ATOM}updated").text == "1970-01-01T00:00:00Z"
    assert root.find(f"{ATOM}id").text.startswith("urn:uuid:")


def test_atom_date():
    moment = datetime(2024, 5, 14, 10, 13, 21, 500, tzinfo=UTC)
    assert atom_date(moment) == "2024-05-14T10:13:21Z"
    assert atom_date(moment.replace(tzinfo=None)) == "2024-05-14T10:13:21Z"
    assert atom_date(None) == "1970-01-01T00:00:00Z"


def test_xml_safe_removes_exactly_what_no_stored_text_may_hold():
    planes = [range(p * 0x10000, p * 0x10000 + 0x20) for p in range(1, 17)]
    edges = [range(p * 0x10000 + 0xFFF0, p * 0x10000 + 0x10000) for p in range(1, 17)]
    codes = [*range(0x10000), *(c for r in planes + edges for c in r)]
    every = "".join(chr(c) for c in codes)
    assert xml_safe(every) == FORBIDDEN_CHARS.sub("", every)
