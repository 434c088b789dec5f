"""``cms demo``: a Vietnamese portal on an empty site, and nothing more the second time."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from cms.content import public_articles
from cms.demo import build_demo
from cms.demo.images import HEIGHT, SCENES, WIDTH, render
from cms.extensions import db
from cms.models import Article, Category, Media, Page, Setting, Tag, User, utcnow

SUMMARY = re.compile(r"^(\d+) categories, (\d+) articles, (\d+) pages, (\d+) images$")


def count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def snapshot(app):
    """How many rows of each kind the site has, and which media files."""
    with app.app_context():
        rows = {m.__name__: count(m) for m in (Article, Category, Page, Media, Tag, User, Setting)}
    files = {
        p.relative_to(app.config["MEDIA_DIR"]) for p in Path(app.config["MEDIA_DIR"]).rglob("*")
    }
    return rows, files


def test_build_demo_fills_an_empty_site(app):
    with app.app_context():
        summary = build_demo()
        numbers = SUMMARY.match(summary)
        assert numbers, summary
        categories, articles, pages, images = map(int, numbers.groups())
        assert (count(Category), count(Article), count(Page), count(Media)) == (
            categories,
            articles,
            pages,
            images,
        )

        public = db.session.execute(public_articles()).unique().scalars().all()
        assert len(public) >= 30
        now = utcnow()
        for article in public:
            assert article.body_html.count("<p>") >= 3, article.title
            assert article.summary
            assert 2 <= len(article.tags) <= 4
            assert article.category is not None
            assert article.author.display_name == "Ban Biên tập"
            assert now - timedelta(days=62) <= article.published_at <= now
        spread = public[0].published_at - public[-1].published_at
        assert spread >= timedelta(days=45)
        assert len({a.category_id for a in public}) >= 7
        assert sum(a.image is not None for a in public) >= len(public) * 3 // 4
        assert any("<table>" in a.body_html for a in public)
        assert any("<blockquote>" in a.body_html for a in public)
        assert any("<ul>" in a.body_html for a in public)
        assert any("<h2>" in a.body_html for a in public)

        others = db.session.execute(
            select(Article).where(Article.id.not_in([a.id for a in public]))
        )
        statuses = {a.status: a for a in others.unique().scalars()}
        assert set(statuses) == {"draft", "scheduled"}
        ahead = statuses["scheduled"].published_at - now
        assert timedelta(days=1) < ahead < timedelta(days=3)
        assert statuses["draft"].published_at is None

        children = db.session.execute(select(Category).where(Category.parent_id.is_not(None)))
        child = children.scalars().first()
        assert child is not None
        assert child in child.parent.children

        about = db.session.execute(select(Page).where(Page.title == "Giới thiệu")).scalar_one()
        assert len(about.children) == 2
        assert all(
            p.body_html.count("<p>") >= 1 for p in db.session.execute(select(Page)).scalars()
        )

        settings = dict(db.session.execute(select(Setting.key, Setting.value)).all())
        assert "Lâm Sơn" in settings["site_name"]
        for key in ("site_description", "contact_address", "contact_phone", "contact_email"):
            assert settings[key]

        [editor] = db.session.execute(select(User)).scalars().all()
        assert editor.role == "editor"
        assert editor.email.endswith(".example")

        media_dir = Path(app.config["MEDIA_DIR"])
        for media in db.session.execute(select(Media)).scalars():
            assert media.alt.startswith("Ảnh minh họa")
            path = media_dir / media.filename
            assert path.stat().st_size == media.size
            with Image.open(path) as picture:
                picture.verify()
                assert (picture.format, picture.size) == ("JPEG", (media.width, media.height))


def test_the_demo_site_answers_in_vietnamese(app, client):
    with app.app_context():
        build_demo()
        child = db.session.execute(
            select(Category).where(Category.parent_id.is_not(None)).order_by(Category.position)
        ).scalar()
        in_child = db.session.execute(
            public_articles().where(Article.category_id == child.id)
        ).scalar()
        article = db.session.execute(
            public_articles().where(Article.body_html.contains("<table>"))
        ).scalar()
        page_path = (
            db.session.execute(select(Page).where(Page.parent_id.is_not(None)).order_by(Page.id))
            .scalar()
            .path
        )
        hidden = db.session.execute(select(Article.slug).where(Article.status != "published"))
        hidden = hidden.scalars().all()

    home = client.get("/")
    assert home.status_code == 200
    assert "Cổng thông tin điện tử tỉnh Lâm Sơn" in home.text

    listing = client.get(f"/category/{child.slug}")
    assert listing.status_code == 200
    assert child.name in listing.text
    assert in_child.title in listing.text

    shown = client.get(f"/news/{article.slug}")
    assert shown.status_code == 200
    assert article.title in shown.text
    assert "<table>" in shown.text
    image = client.get(re.search(r'src="(/media/[^"]+\.jpg)"', shown.text).group(1))
    assert image.status_code == 200
    assert image.mimetype == "image/jpeg"
    image.close()

    page = client.get(f"/{page_path}")
    assert page.status_code == 200
    assert "Ủy ban nhân dân tỉnh" in page.text

    found = client.get("/search?q=cai cach")
    assert found.status_code == 200
    assert "Kiểm tra công tác cải cách hành chính" in found.text

    for slug in hidden:  # the draft and the scheduled article stay out of sight
        assert client.get(f"/news/{slug}").status_code == 404


def test_cms_demo_runs_once(app, runner):
    first = runner.invoke(args=["cms", "demo"])
    assert first.exit_code == 0, first.output
    assert SUMMARY.match(first.output.strip().removeprefix("Demo portal created: ").rstrip("."))
    before = snapshot(app)
    assert before[0]["Article"] >= 32
    assert before[1]

    second = runner.invoke(args=["cms", "demo"])
    assert second.exit_code == 0, second.output
    assert "not added again" in second.output
    with app.app_context():
        assert build_demo() == ""
    assert snapshot(app) == before


def test_a_site_with_content_gets_no_demo(app, make_article):
    make_article("Bài viết có sẵn")
    with app.app_context():
        assert build_demo() == ""
        assert (count(Category), count(Media), count(Setting)) == (0, 0, 0)


def test_a_failed_build_leaves_nothing_behind(app, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("cms.demo.save_page", broken)
    with app.app_context(), pytest.raises(RuntimeError, match="disk full"):
        build_demo()
    rows, files = snapshot(app)
    assert set(rows.values()) == {0}
    assert not [f for f in files if f.suffix]


@pytest.mark.parametrize("scene", sorted(SCENES))
def test_pictures_are_deterministic_per_seed(scene):
    first, alt = render(scene, 7, caption="Kinh tế · Lâm Sơn")
    again, alt_again = render(scene, 7, caption="Kinh tế · Lâm Sơn")
    other, _ = render(scene, 8, caption="Kinh tế · Lâm Sơn")
    assert first.size == (WIDTH, HEIGHT)
    assert first.tobytes() == again.tobytes()
    assert alt == alt_again
    assert alt.startswith("Ảnh minh họa: ")
    assert first.tobytes() != other.tobytes()


def test_the_demo_places_the_bundled_widgets_in_both_themes(app, client):
    from cms.models import WidgetInstance

    with app.app_context():
        build_demo()
        placed = {
            (w.theme, w.region, w.full_type)
            for w in db.session.execute(select(WidgetInstance)).scalars()
        }
    assert ("default", "header", "clock.dateline") in placed
    assert ("portal", "header", "clock.dateline") in placed
    # The reference page's columns: links on the portal's left, the best rated on the right.
    assert ("portal", "sidebar_left", "links.links") in placed
    assert ("default", "sidebar", "links.links") in placed
    assert {
        ("portal", "sidebar", "rating.top_rated"),
        ("default", "sidebar", "rating.top_rated"),
    } <= placed
    html = client.get("/").text
    assert 'data-widget="clock.dateline"' in html
    assert 'data-widget="rating.top_rated"' in html
