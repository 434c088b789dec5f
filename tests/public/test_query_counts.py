"""The public pages run a small, fixed number of SQL statements, whatever the content.

Each page is rendered once (the per-process caches fill), then its SQL
statements are counted on a second render. The page cache is off here: this
is the path of cache misses, signed-in editors and search. What the
processes hold (settings, category tree, menu) must still follow every
change, whoever makes it, and never keep a change that was rolled back.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, inspect, select, update
from sqlalchemy.orm.exc import DetachedInstanceError

from cms.content import (
    category_tree,
    get_setting,
    menu_pages,
    save_article,
    save_category,
    save_page,
    set_setting,
)
from cms.content.articles import category_blocks, public_articles
from cms.content.taxonomy import categories, public_category
from cms.extensions import db
from cms.models import Article, Category, Page, Setting, Tag
from cms.testing import BROWSER, render_counted, statements_run

#: Most statements each page may run with warm per-process caches.
LIMITS = {"article": 5, "home": 6, "category": 5, "tag": 5, "search": 4}


#: Top-level categories and their sub-categories.
SECTIONS = {
    "Tin tức - Sự kiện": ["Tin trong tỉnh", "Tin trong nước", "Tin quốc tế"],
    "Cải cách hành chính": ["Thủ tục hành chính"],
    "Kinh tế": ["Nông nghiệp", "Công nghiệp"],
    "Văn hóa - Xã hội": [],
    "Giáo dục": ["Tuyển sinh"],
}
TAGS = ["Chuyển đổi số", "Nông thôn mới", "Đầu tư", "Du lịch", "Y tế", "Lễ hội", "Môi trường"]
SITE_NAME = "Cổng thông tin điện tử tỉnh Lâm Sơn"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The page cache off: only the rendering path is counted."""
    return {**app_config, "PAGE_CACHE": False}


def add_sections(sections: dict[str, list[str]], start: int = 0) -> list[Category]:
    """Create top-level categories with their sub-categories (app context; commits)."""
    made = []
    for position, (name, children) in enumerate(sections.items(), start=start):
        top = save_category(None, {"name": name, "position": position})
        db.session.flush()
        made.append(top)
        for index, child in enumerate(children):
            made.append(
                save_category(None, {"name": child, "parent_id": top.id, "position": index})
            )
        db.session.flush()
    db.session.commit()
    return made


def add_articles(sections: list[Category], count: int, start: int = 0) -> None:
    """``count`` tagged public articles spread over ``sections``, newest first (commits)."""
    now = datetime.now(UTC)
    for number in range(start, start + count):
        section = sections[number % len(sections)]
        save_article(
            None,
            {
                "title": f"{section.name}: bản tin số {number + 1}",
                "summary": f"Tóm tắt bản tin số {number + 1} của mục {section.name}.",
                "body_html": f"<p>Nội dung bản tin số {number + 1}.</p>",
                "status": "published",
                "published_at": (now - timedelta(hours=3 * number + 1)).isoformat(),
                "category_id": section.id,
                "tags": [TAGS[number % len(TAGS)], TAGS[(number * 3 + 1) % len(TAGS)]],
            },
        )
    db.session.commit()


@pytest.fixture
def portal(app: Any, place_widget: Any) -> dict[str, str]:
    """A portal like ``cms demo``'s: a category tree, 40 tagged articles, menu pages, a clock."""
    with app.app_context():
        for key, value in (
            ("site_name", SITE_NAME),
            ("site_description", "Thông tin chính thức của tỉnh"),
            ("contact_address", "01 Đường Trần Hưng Đạo"),
            ("contact_phone", "0260 3800 000"),
            ("contact_email", "banbientap@example.org"),
        ):
            set_setting(key, value)
        sections = add_sections(SECTIONS)
        add_articles(sections, 40)
        save_article(None, {"title": "Bài nháp chưa đăng", "status": "draft"})
        about = save_page(None, {"title": "Giới thiệu", "body_html": "<p>Về tỉnh.</p>"})
        db.session.flush()
        save_page(None, {"title": "Cơ cấu tổ chức", "parent_id": about.id, "position": 0})
        save_page(None, {"title": "Liên hệ", "body_html": "<p>Địa chỉ.</p>", "position": 1})
        save_page(None, {"title": "Trang ẩn khỏi menu", "show_in_menu": False, "position": 2})
        db.session.commit()
        sub = sections[1]  # a sub-category: its parent shows in the breadcrumbs
        article = db.session.execute(
            select(Article).where(Article.category_id == sub.id).limit(1)
        ).scalar_one()
        tag = db.session.execute(select(Tag).order_by(Tag.id).limit(1)).scalar_one()
        found = {
            "category": sections[0].slug,
            "subcategory": sub.slug,
            "article": article.slug,
            "tag": tag.slug,
        }
    place_widget("clock.dateline", region="header", title="")
    return found


def listing(statements: list[tuple[str, Any]]) -> str:
    return "\n\n".join(" ".join(s.split()) for s, _ in statements)


PAGES = [
    ("home", "/", SITE_NAME),
    ("article", "/news/{article}", "Tin trong tỉnh: bản tin số"),
    ("category", "/category/{category}", '<h1 class="page-title">Tin tức - Sự kiện</h1>'),
    ("category", "/category/{subcategory}", '<h1 class="page-title">Tin trong tỉnh</h1>'),
    ("tag", "/tag/{tag}", "Tag: "),
    ("search", "/search?q=b%E1%BA%A3n+tin", "results for"),
]


@pytest.mark.parametrize(("kind", "url", "shown"), PAGES, ids=[f"{p[0]}:{p[1]}" for p in PAGES])
def test_each_public_page_runs_few_statements(app, client, portal, kind, url, shown):
    html, statements = render_counted(app, client, url.format(**portal))
    assert len(statements) <= LIMITS[kind], listing(statements)
    # The whole page was rendered: navigation, footer, widgets and content.
    assert 'data-widget="clock.dateline"' in html
    assert 'href="/category/cai-cach-hanh-chinh">Cải cách hành chính</a>' in html
    assert 'href="/lien-he">Liên hệ</a>' in html
    assert "banbientap@example.org" in html
    assert shown in html


def test_the_category_page_shows_its_parent_and_children_from_the_tree(app, client, portal):
    html, statements = render_counted(app, client, f"/category/{portal['category']}")
    assert len(statements) <= LIMITS["category"], listing(statements)
    for child in SECTIONS["Tin tức - Sự kiện"]:
        assert f">{child}</a></li>" in html
    html, _ = render_counted(app, client, f"/category/{portal['subcategory']}")
    assert 'href="/category/tin-tuc-su-kien">Tin tức - Sự kiện</a>' in html


def test_the_article_page_has_its_tags_and_category_without_more_queries(app, client, portal):
    html, statements = render_counted(app, client, f"/news/{portal['article']}")
    assert len(statements) <= LIMITS["article"], listing(statements)
    assert 'rel="tag"' in html
    # The tags come with the article, never one query per article.
    assert not [s for s, _ in statements if re.search(r"WHERE\s+\S+\s*=\s*article_tag", s)]


def test_the_home_page_costs_the_same_whatever_the_number_of_categories(app, client, portal):
    _, before = render_counted(app, client, "/")
    with app.app_context():
        more = add_sections(
            {f"Chuyên mục {n}": [f"Chuyên mục con {n}.{m}" for m in range(2)] for n in range(8)},
            start=10,
        )
        add_articles(more, 24, start=100)
    html, after = render_counted(app, client, "/")
    assert len(after) == len(before), listing(after)
    assert 'href="/category/chuyen-muc-7">Chuyên mục 7</a></h2>' in html


def test_the_home_blocks_hold_each_sections_newest_articles(app, portal):
    with app.test_request_context("/"):
        tops = [c for c in category_tree() if c.show_on_home]
        blocks = category_blocks(tops, per_block=5)
        assert [c.name for c, _ in blocks] == list(SECTIONS)
        for top, items in blocks:
            ids = categories().ids_under(top.id)
            expected = db.session.execute(
                public_articles().where(Article.category_id.in_(ids)).limit(5)
            ).scalars()
            assert [a.id for a in items] == [a.id for a in expected]


def test_a_hidden_or_empty_category_has_no_home_block(app, client, portal):
    with app.app_context():
        save_category(None, {"name": "Chuyên mục trống"})
        hidden = db.session.execute(
            select(Category).where(Category.name == "Giáo dục")
        ).scalar_one()
        save_category(hidden, {"show_on_home": False})
        db.session.commit()
    html = client.get("/", headers=BROWSER).text
    assert "Chuyên mục trống</a></h2>" not in html
    assert "Giáo dục</a></h2>" not in html
    assert "Kinh tế</a></h2>" in html


def test_another_workers_changes_show_on_the_next_request(app, client, portal, make_app):
    render_counted(app, client, "/")  # this worker holds settings, tree and menu
    other = make_app()
    with other.app_context():
        set_setting("site_name", "Cổng thông tin mới")
        section = db.session.execute(
            select(Category).where(Category.name == "Kinh tế")
        ).scalar_one()
        save_category(section, {"name": "Kinh tế - Tài chính"})
        save_page(None, {"title": "Hỏi đáp", "position": 5})
        db.session.commit()
    html = client.get("/", headers=BROWSER).text
    assert "Cổng thông tin mới" in html
    assert ">Kinh tế - Tài chính</a></li>" in html
    assert 'href="/hoi-dap">Hỏi đáp</a>' in html
    _, statements = render_counted(app, client, "/")  # held again: back to few statements
    assert len(statements) <= LIMITS["home"], listing(statements)


def test_rows_written_around_the_services_are_seen_too(app, client, portal):
    render_counted(app, client, "/")
    with app.app_context():
        db.session.add(Category(name="Quốc phòng", slug="quoc-phong", description=""))
        db.session.execute(
            insert(Page).values(title="Sơ đồ", slug="so-do", status="published", position=9)
        )
        db.session.execute(
            update(Setting).where(Setting.key == "contact_phone").values(value="0260 1234 567")
        )
        db.session.commit()
    html = client.get("/", headers=BROWSER).text
    assert 'href="/category/quoc-phong">Quốc phòng</a>' in html
    assert 'href="/so-do">Sơ đồ</a>' in html
    assert "0260 1234 567" in html
    assert "0260 3800 000" not in html


def test_a_change_rolled_back_is_never_held(app, client, portal):
    render_counted(app, client, "/")
    with app.test_request_context("/"):
        set_setting("site_name", "Tên chưa lưu")
        section = db.session.execute(
            select(Category).where(Category.name == "Kinh tế")
        ).scalar_one()
        save_category(section, {"name": "Tên mục chưa lưu"})
        assert get_setting("site_name") == "Tên chưa lưu"  # the request sees its own change
        assert "Tên mục chưa lưu" in [c.name for c in category_tree()]
        db.session.rollback()
    html = client.get("/", headers=BROWSER).text
    assert "Tên chưa lưu" not in html
    assert "Tên mục chưa lưu" not in html
    assert SITE_NAME in html


def test_held_rows_belong_to_no_session_and_never_query(app, portal):
    with app.test_request_context("/"):
        tree, menu = category_tree(), menu_pages()
        sub = public_category(portal["subcategory"])
        assert sub is not None
        with statements_run(app) as statements:
            rows = [*tree, *menu, sub]
            assert all(inspect(row).detached for row in rows)
            db.session.commit()  # a commit expires the session's rows, never these
            names = [c.name for top in tree for c in (top, *top.children)]
            assert sub.parent is not None
            assert sub.parent.name == "Tin tức - Sự kiện"
            assert [p.path for p in menu] == ["gioi-thieu", "lien-he"]
            with pytest.raises(DetachedInstanceError):  # not held: never loaded behind our back
                _ = menu[0].body_html
        assert statements == []
        assert names[:4] == ["Tin tức - Sự kiện", *SECTIONS["Tin tức - Sự kiện"]]
