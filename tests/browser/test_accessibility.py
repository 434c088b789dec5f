"""axe-core in Chromium: both themes and the back office have no serious or critical violations."""

import json

import pytest

from cms.content import set_setting
from cms.extensions import db
from cms.testing import axe_check

pytestmark = pytest.mark.browser


@pytest.fixture
def axe(axe_page):
    """``axe(url)``: the serious and critical violations axe-core finds on ``url``."""

    def run(url):
        axe_page.goto(url)
        return axe_check(axe_page)[0]

    return run


@pytest.fixture
def portal(app):
    from cms.demo import build_demo

    with app.app_context():
        build_demo()
    return app


@pytest.mark.parametrize("theme", ["default", "portal"])
def test_public_pages_pass_axe(portal, live_server, axe, theme):
    with portal.app_context():
        set_setting("theme", theme)
        set_setting("locale", "vi")
        db.session.commit()
        from cms.content import latest_articles

        article = latest_articles(1)[0]
        category = article.category
        urls = [
            "/",
            f"/news/{article.slug}",
            f"/category/{category.slug}",
            "/search?q=cai+cach",
            "/khong-co",
            "/gioi-thieu",
        ]
    problems = {url: axe(live_server + url) for url in urls}
    assert {u: p for u, p in problems.items() if p} == {}, json.dumps(
        problems, ensure_ascii=False, indent=1
    )


def test_back_office_passes_axe(portal, live_server, axe, axe_page, make_user):
    make_user(email="admin@example.org", role="admin")
    problems = {"/admin/login": axe(live_server + "/admin/login")}
    page = axe_page  # the page axe() checks: signed in, it checks the back office
    page.fill("#email", "admin@example.org")
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/admin/")
    for url in [
        "/admin/",
        "/admin/articles",
        "/admin/articles/new",
        "/admin/pages",
        "/admin/media",
        "/admin/widgets",
        "/admin/plugins",
        "/admin/users",
        "/admin/settings",
    ]:
        problems[url] = axe(live_server + url)
    assert {u: p for u, p in problems.items() if p} == {}, json.dumps(
        problems, ensure_ascii=False, indent=1
    )
