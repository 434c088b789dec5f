"""Widget regions: wrapping, visibility rules, caching and invalidation."""

from cms import generations
from cms.content import save_article, save_category
from cms.extensions import db
from cms.models import WidgetInstance
from cms.plugins import widget_cache
from tests.plugins.helpers import module, place


def test_widgets_render_in_their_region_with_data_attributes(app, client):
    wid = place(app, "hello", "box", title="Xin chào", settings={"greeting": "Chào bạn"})
    html = client.get("/").text
    assert (
        f'<section class="widget widget--hello-box" data-widget="hello.box" data-widget-id="{wid}"'
        in html
    )
    assert f'<h2 class="widget__title" id="widget-{wid}-title">Xin chào</h2>' in html
    assert "Chào bạn (home)" in html
    assert 'class="sidebar"' in html


def test_widgets_are_ordered_by_position(app, client):
    second = place(app, "hello", "box", position=2, title="B")
    first = place(app, "hello", "box", position=1, title="A")
    html = client.get("/").text
    assert html.index(f'data-widget-id="{first}"') < html.index(f'data-widget-id="{second}"')


def test_widget_titles_are_escaped(app, client):
    place(app, "hello", "box", title="<script>x</script>")
    html = client.get("/").text
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def _article(app, category=None):
    with app.app_context():
        cat = save_category(None, {"name": category}) if category else None
        db.session.commit()
        article = save_article(
            None,
            {
                "title": "Bài " + (category or "x"),
                "status": "published",
                "category_id": cat.id if cat else None,
            },
        )
        db.session.commit()
        return article.slug, (cat.id if cat else None), (cat.slug if cat else None)


def test_visibility_rules(app, client):
    slug, cat_id, cat_slug = _article(app, "Kinh tế")
    other_slug, _, _ = _article(app, "Văn hóa")
    only_articles = place(app, "hello", "box", visibility="articles")
    only_pages = place(app, "hello", "box", visibility="pages")
    only_cat = place(app, "hello", "box", visibility="categories", category_ids=[cat_id])
    home = client.get("/").text
    assert f'data-widget-id="{only_articles}"' not in home
    assert f'data-widget-id="{only_cat}"' not in home
    article = client.get(f"/news/{slug}").text
    assert f'data-widget-id="{only_articles}"' in article
    assert f'data-widget-id="{only_pages}"' not in article
    assert f'data-widget-id="{only_cat}"' in article
    assert f'data-widget-id="{only_cat}"' not in client.get(f"/news/{other_slug}").text
    assert f'data-widget-id="{only_cat}"' in client.get(f"/category/{cat_slug}").text


def test_widget_html_is_cached_and_invalidated(app, client):
    place(app, "hello", "box")
    seen = module("hello").SEEN
    seen.clear()
    client.get("/")
    client.get("/")
    assert seen.count("home") == 1  # the second page view used the cache
    with app.app_context():
        widget_cache.invalidate(widget_type="hello.box")
        db.session.commit()
    client.get("/")
    assert seen.count("home") == 2


def test_a_widget_with_nothing_to_show_is_left_out_with_its_title(app, client):
    empty = place(app, "hello", "box", title="Không có gì", settings={"greeting": ""})
    shown = place(app, "hello", "box", title="Có lời chào", settings={"greeting": "Chào"})
    html = client.get("/").text
    assert f'data-widget-id="{shown}"' in html
    assert f'data-widget-id="{empty}"' not in html
    assert "Không có gì" not in html


def test_editing_an_instance_invalidates_its_html(app, client):
    wid = place(app, "hello", "box", settings={"greeting": "Một"})
    assert "Một (home)" in client.get("/").text
    with app.app_context():
        db.session.get(WidgetInstance, wid).settings = {"greeting": "Hai"}
        generations.bump(generations.WIDGETS)
        db.session.commit()
    assert "Hai (home)" in client.get("/").text


def test_per_page_widgets_are_cached_per_page(app, client):
    place(app, "hello", "perpage", visibility="articles")
    first, _, _ = _article(app, "Một")
    second, _, _ = _article(app, "Hai")
    assert "Bài Một" in client.get(f"/news/{first}").text
    assert "Bài Hai" in client.get(f"/news/{second}").text


def test_a_widget_of_a_disabled_plugin_vanishes(app, client):
    from cms.plugins import registry

    wid = place(app, "hello", "box")
    assert f'data-widget-id="{wid}"' in client.get("/").text
    with app.app_context():
        registry().set_enabled("hello", False)
        db.session.commit()
    assert f'data-widget-id="{wid}"' not in client.get("/").text


def test_widgets_of_another_theme_are_not_shown(app, client):
    wid = place(app, "hello", "box", theme="portal")
    assert f'data-widget-id="{wid}"' not in client.get("/").text


def test_a_theme_overrides_a_plugin_template(app, client, tmp_path):
    import shutil

    from cms.config import PROJECT_ROOT

    themes = tmp_path / "themes"
    shutil.copytree(PROJECT_ROOT / "themes", themes)
    override = themes / "default" / "templates" / "hello" / "box.html"
    override.parent.mkdir(parents=True)
    override.write_text("<p class='overridden'>{{ settings.greeting }}</p>")
    app.extensions["cms_themes"].themes["default"] = type(
        app.extensions["cms_themes"].themes["default"]
    )(name="default", path=themes / "default")
    app.extensions["cms_themes"]._envs.clear()
    place(app, "hello", "box")
    html = client.get("/").text
    assert "class='overridden'>Xin chào" in html
