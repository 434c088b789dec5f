"""In Chromium: the list under a demo article passes axe-core and works by keyboard."""

import json

import pytest
from sqlalchemy import select

from cms.content import set_setting
from cms.extensions import db
from cms.models import Article, WidgetInstance
from cms.plugins.placement import update_instance
from cms.testing import axe_check

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app):
    """The demo portal, its lists shown with thumbnails and dates; an article's path."""
    from cms.demo import build_demo

    with app.app_context(), app.test_request_context("/"):
        build_demo()
        set_setting("locale", "vi")
        for instance in db.session.execute(
            select(WidgetInstance).where(WidgetInstance.plugin == "related")
        ).scalars():
            update_instance(instance, settings={"show_dates": True, "show_thumbnails": True})
        db.session.commit()
        article = db.session.execute(
            select(Article).where(Article.title.like("Kiểm tra công tác cải cách hành chính%"))
        ).scalar_one()
        return f"/news/{article.slug}"


@pytest.mark.parametrize("theme", ["default", "portal"])
def test_the_list_passes_axe_and_works_by_keyboard(app, demo, live_server, axe_page, theme):
    with app.app_context():
        set_setting("theme", theme)
        db.session.commit()
    axe_page.goto(live_server + demo)
    widget = axe_page.locator('[data-widget="related.articles"]')
    assert widget.locator("h2").inner_text() == "Tin liên quan"
    links = widget.locator("a.related-list__link")
    assert links.count() == 5
    assert widget.locator("img.related-list__thumbnail").count() >= 1
    serious, passes = axe_check(axe_page, '[data-widget="related.articles"]')
    assert passes > 0
    assert serious == [], json.dumps(serious, ensure_ascii=False)
    first = links.first
    first.focus()
    assert axe_page.evaluate("document.activeElement.className") == "related-list__link"
    href = first.get_attribute("href")
    axe_page.keyboard.press("Enter")
    axe_page.wait_for_url(f"**{href}")
    assert axe_page.locator("h1.article__title").inner_text() == first_title(app, href)


def first_title(app, href):
    slug = href.rsplit("/", 1)[-1]
    with app.app_context():
        return db.session.execute(select(Article.title).where(Article.slug == slug)).scalar_one()
