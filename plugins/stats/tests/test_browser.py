"""In Chromium: the report and its chart; the beacon counting a page through the site's CSP."""

from __future__ import annotations

import time

import pytest

from cms import store
from cms.extensions import db
from cms.plugins import registry
from cms.testing import axe_check
from plugins.stats import counting
from plugins.stats.settings import current_settings
from plugins.stats.tests.conftest import browser as reader

pytestmark = pytest.mark.browser


def sign_in(page, live_server, make_user):
    make_user(email="editor@example.org", role="editor")
    page.goto(live_server + "/admin/login")
    page.fill("#email", "editor@example.org")
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/admin/")


def test_the_report_draws_its_chart_and_lists(app, live_server, page, make_user, make_article):
    article = make_article("Hội nghị chuyển đổi số tỉnh")
    for number in range(4):
        app.test_client().get(f"/news/{article.slug}", headers=reader(number))
    store.flush_all()
    sign_in(page, live_server, make_user)
    page.goto(live_server + "/admin/")
    page.get_by_role("link", name="Access statistics").first.click()
    page.wait_for_url(live_server + "/admin/plugins/stats/")
    chart = page.locator("svg[data-chart]")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 300
    visits = page.locator('polyline[data-series="page_views"]')
    assert len(visits.get_attribute("points").split()) == 30  # one point per day
    assert page.locator('[data-table="articles"]').inner_text().count("Hội nghị chuyển đổi số") == 1
    page.get_by_role("link", name="90 days").click()
    page.wait_for_url("**/admin/plugins/stats/?days=90")
    assert len(page.locator('polyline[data-series="visits"]').get_attribute("points").split()) == 90


def test_the_report_has_no_serious_accessibility_violation(
    app, live_server, axe_page, make_user, make_article
):
    sign_in(axe_page, live_server, make_user)
    axe_page.goto(live_server + "/admin/plugins/stats/")
    violations, passed = axe_check(axe_page, "main")
    assert passed > 0
    assert violations == []


#: Headless Chromium says "HeadlessChrome", a robot's name to the crawler detector.
DESKTOP = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36"
)


@pytest.fixture
def reader_page(browser):
    """A page of a browser context that introduces itself as a desktop Chrome."""
    context = browser.new_context(locale="vi-VN", user_agent=DESKTOP)
    yield context.new_page()
    context.close()


def test_the_beacon_counts_a_page_in_the_browser(
    app, live_server, reader_page, make_article, place_widget
):
    page = reader_page
    article = make_article("Tin đếm bằng mã trong trang")
    place_widget("stats.beacon", region="footer", title="")
    with app.app_context():
        registry().save_settings("stats", {"mode": "beacon"})
        db.session.commit()
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(live_server + f"/news/{article.slug}")
    deadline = time.monotonic() + 10
    views = 0
    while views != 1 and time.monotonic() < deadline:
        time.sleep(0.1)
        store.flush_all()
        with app.app_context():
            views = counting.views_of([article.id])[article.id]
    assert views == 1
    assert not [e for e in errors if "Content Security Policy" in e]
    with app.app_context():
        assert counting.totals(current_settings()).total == 1
    assert any(c["name"] == "stats_vid" for c in page.context.cookies())
