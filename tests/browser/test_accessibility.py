"""axe-core in Chromium: both themes and the back office have no serious or critical violations."""

import json

import pytest

from cms.config import PROJECT_ROOT
from cms.content import set_setting
from cms.extensions import db

pytestmark = pytest.mark.browser

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def page(browser):
    """A page that lets axe-core's script in despite the site's Content Security Policy."""
    context = browser.new_context(locale="vi-VN", bypass_csp=True)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def axe(page):
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (make install runs npm ci)")

    def run(url):
        page.goto(url)
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']})"
        )
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

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


def test_back_office_passes_axe(portal, live_server, axe, page, make_user):
    make_user(email="admin@example.org", role="admin")
    problems = {"/admin/login": axe(live_server + "/admin/login")}
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
