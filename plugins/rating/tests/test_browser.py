"""In Chromium: voting by mouse and by keyboard, with and without JavaScript; axe-core.

Headless Chromium calls itself "HeadlessChrome", which the site rightly takes for a
robot (robots' votes are refused): the contexts here send a desktop Chrome's agent.
"""

from __future__ import annotations

import json

import pytest

from cms.content import set_setting
from cms.extensions import db
from cms.testing import axe_check
from plugins.rating.tests.helpers import totals_in_db

pytestmark = pytest.mark.browser

CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


@pytest.fixture
def vietnamese(app):
    with app.app_context():
        set_setting("locale", "vi")
        db.session.commit()


@pytest.fixture
def open_page(browser):
    """``open_page(javascript=True, bypass_csp=False)``: a fresh tab of its own (own cookies)."""
    contexts = []

    def factory(javascript=True, bypass_csp=False):
        context = browser.new_context(
            locale="vi-VN",
            user_agent=CHROME,
            java_script_enabled=javascript,
            bypass_csp=bypass_csp,
        )
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


def widget(page, stars):
    return page.locator(f'[data-widget-id="{stars.id}"]')


def tab_to_first_star(page, stars, limit=80):
    """Press Tab from the top of the page until a star of the widget has the focus."""
    prefix = f"rating-{stars.id}-"
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.id")
        if focused and focused.startswith(prefix):
            return focused
    raise AssertionError("Tab never reached the rating's radio group")


def focus_ring(page, stars, n):
    """The outline the label of star ``n`` shows while its radio has the keyboard focus."""
    return page.evaluate(
        "(id) => { const s = getComputedStyle(document.querySelector(`label[for=${id}]`));"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }",
        f"rating-{stars.id}-{n}",
    )


def test_with_javascript_a_mouse_vote_updates_the_numbers_without_a_reload(
    app, live_server, open_page, vietnamese, stars, article
):
    page = open_page()
    page.goto(f"{live_server}/news/{article.slug}")
    block = widget(page, stars)
    assert "lượt đánh giá: 0, trung bình: 0" in block.inner_text()
    page.evaluate("window.stillTheSamePage = true")
    block.locator(f"label[for=rating-{stars.id}-4]").click()
    block.get_by_role("button", name="Gửi đánh giá").click()
    status = block.locator("[data-rating-status]")
    status.filter(has_text="Cảm ơn bạn đã đánh giá bài viết!").wait_for(timeout=5000)
    assert "lượt đánh giá: 1, trung bình: 4" in block.inner_text()
    assert page.evaluate("window.stillTheSamePage") is True  # no reload
    assert block.locator("form").count() == 0
    assert page.evaluate("document.activeElement.hasAttribute('data-rating-status')")
    assert totals_in_db(app, article.id) == (1, 1, 4)
    assert block.locator(".rating__star--full").count() == 4


def test_with_javascript_a_keyboard_vote_uses_the_radio_group(
    app, live_server, open_page, vietnamese, stars, article
):
    page = open_page()
    page.goto(f"{live_server}/news/{article.slug}")
    assert tab_to_first_star(page, stars) == f"rating-{stars.id}-1"
    outline, width, shadow = focus_ring(page, stars, 1)
    assert outline != "none"  # visible focus
    assert width != "0px"
    assert shadow != "none"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    checked = page.evaluate("document.querySelector('input[name=stars]:checked').value")
    assert checked == "3"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Gửi đánh giá"
    page.keyboard.press("Enter")
    block = widget(page, stars)
    block.locator("[data-rating-status]").filter(has_text="Cảm ơn").wait_for(timeout=5000)
    assert "lượt đánh giá: 1, trung bình: 3" in block.inner_text()
    assert totals_in_db(app, article.id) == (1, 1, 3)


def test_with_javascript_a_refusal_is_said_in_the_widget(
    app, live_server, open_page, vietnamese, stars, article
):
    first = open_page()
    first.goto(f"{live_server}/news/{article.slug}")
    second = open_page()  # another browser at the same address: the default rule refuses it
    second.goto(f"{live_server}/news/{article.slug}")
    widget(first, stars).locator(f"label[for=rating-{stars.id}-5]").click()
    widget(first, stars).get_by_role("button", name="Gửi đánh giá").click()
    widget(first, stars).locator("[data-rating-status]").filter(has_text="Cảm ơn").wait_for()
    block = widget(second, stars)
    block.locator(f"label[for=rating-{stars.id}-1]").click()
    block.get_by_role("button", name="Gửi đánh giá").click()
    status = block.locator("[data-rating-status]")
    status.filter(has_text="vừa được đánh giá từ mạng của bạn").wait_for(timeout=5000)
    assert totals_in_db(app, article.id) == (1, 1, 5)


def test_without_javascript_a_mouse_vote_returns_to_the_article_with_a_message(
    app, live_server, open_page, vietnamese, stars, article
):
    page = open_page(javascript=False)
    page.goto(f"{live_server}/news/{article.slug}")
    block = widget(page, stars)
    block.locator(f"label[for=rating-{stars.id}-5]").click()
    assert block.locator(f"#rating-{stars.id}-5").is_checked()
    with page.expect_navigation():
        block.get_by_role("button", name="Gửi đánh giá").click()
    assert page.url == f"{live_server}/news/{article.slug}#rating-{article.id}"
    text = widget(page, stars).inner_text()
    assert "Cảm ơn bạn đã đánh giá bài viết!" in text
    assert "lượt đánh giá: 1, trung bình: 5" in text
    page.reload()
    assert "Bạn đã đánh giá bài viết này." in widget(page, stars).inner_text()
    assert totals_in_db(app, article.id) == (1, 1, 5)


def test_without_javascript_a_keyboard_vote_works(
    app, live_server, open_page, vietnamese, stars, article
):
    page = open_page(javascript=False)
    page.goto(f"{live_server}/news/{article.slug}")
    tab_to_first_star(page, stars)
    page.keyboard.press("ArrowRight")  # 2 stars
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "lượt đánh giá: 1, trung bình: 2" in widget(page, stars).inner_text()
    assert totals_in_db(app, article.id) == (1, 1, 2)


def test_without_javascript_sending_no_star_is_stopped_by_the_browser(
    app, live_server, open_page, stars, article
):
    page = open_page(javascript=False)
    page.goto(f"{live_server}/news/{article.slug}")
    widget(page, stars).get_by_role("button", name="Send rating").click()
    assert page.url == f"{live_server}/news/{article.slug}"  # "required": nothing sent
    assert totals_in_db(app, article.id) == (0, 0, 0)


@pytest.fixture
def axe(open_page):
    """``axe(url, selector)``: axe-core's violations inside ``selector``, rules passed."""
    page = open_page(bypass_csp=True)

    def run(url, selector):
        page.goto(url)
        return axe_check(page, selector)

    run.page = page
    return run


@pytest.mark.parametrize("theme", ["default", "portal"])
def test_the_widgets_pass_axe_in_both_themes(
    app, live_server, axe, vietnamese, make_article, place_widget, theme
):
    with app.app_context():
        set_setting("theme", theme)
        db.session.commit()
    stars = place_widget("rating.stars", region="article_footer", title="", visibility="articles")
    place_widget("rating.top_rated", region="sidebar", title="Được đánh giá cao")
    article = make_article("Bài để kiểm tra trợ năng")
    url = f"{live_server}/news/{article.slug}"
    problems, passes = axe(url, f'[data-widget-id="{stars.id}"]')
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)
    assert passes > 0
    page = axe.page
    page.locator(f"label[for=rating-{stars.id}-4]").click()
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.locator("[data-rating-status]").filter(has_text="Cảm ơn").wait_for(timeout=5000)
    problems, _ = axe(url, '[data-widget="rating.top_rated"]')
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)
    problems, _ = axe(url, f'[data-widget-id="{stars.id}"]')  # voted: the note instead
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)
