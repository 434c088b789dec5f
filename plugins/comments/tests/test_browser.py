"""In Chromium: commenting by keyboard, a wrong then a right captcha; a new image; axe-core."""

from __future__ import annotations

import json

import pytest

from cms.content import set_setting
from cms.extensions import db
from cms.testing import axe_check
from plugins.comments.tests.helpers import answer_of, rows, settings

pytestmark = pytest.mark.browser

CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


@pytest.fixture
def open_page(browser):
    """``open_page(javascript=True, bypass_csp=False)``: a fresh tab of its own (own cookies)."""
    contexts = []

    def factory(javascript=True, bypass_csp=False):
        context = browser.new_context(
            locale="vi-VN", user_agent=CHROME, java_script_enabled=javascript, bypass_csp=bypass_csp
        )
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


def tab_to(page, name, limit=120):
    """Press Tab until the field named ``name`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == name:
            return
    raise AssertionError(f"Tab never reached the field {name}")


def captcha_id(page):
    return page.locator("input[name=captcha_id]").input_value()


@pytest.mark.parametrize("javascript", [True, False])
def test_commenting_by_keyboard_with_a_wrong_then_a_right_captcha(
    app, live_server, open_page, vietnamese, thread, article, quick, javascript
):
    page = open_page(javascript=javascript)
    page.goto(f"{live_server}/news/{article.slug}")
    tab_to(page, "name")
    page.keyboard.type("Hoàng Thị Thu")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "email"
    page.keyboard.type("thu@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("Dòng đầu")
    page.keyboard.press("Enter")  # a new line in the text, not a submission
    page.keyboard.type("Dòng sau")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "captcha_answer"  # honeypot skipped
    page.keyboard.type("SAI99")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the default button: Send
    error = page.locator("[data-error-for=captcha_answer]")
    assert error.inner_text() == "Mã xác thực không đúng."
    assert page.locator("input[name=name]").input_value() == "Hoàng Thị Thu"
    assert page.locator("input[name=email]").input_value() == "thu@example.org"
    assert page.locator("textarea[name=body]").input_value() == "Dòng đầu\nDòng sau"
    assert rows(app) == []
    # The focus is on the refused field already: no hunting for it by keyboard.
    assert page.evaluate("document.activeElement.name") == "captcha_answer"
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    described = page.evaluate("document.activeElement.getAttribute('aria-describedby')")
    assert page.locator(f"#{described.split()[-1]}").inner_text() == "Mã xác thực không đúng."
    page.keyboard.type(answer_of(app, captcha_id(page)))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_server}/news/{article.slug}#comments"
    status = page.locator("[data-comments-sent]")
    assert status.inner_text() == "Cảm ơn bạn! Bình luận của bạn đang chờ duyệt."
    [row] = rows(app)
    assert (row.name, row.body, row.status) == ("Hoàng Thị Thu", "Dòng đầu\nDòng sau", "pending")


@pytest.mark.parametrize("javascript", [True, False])
def test_after_a_refusal_the_focus_is_on_the_first_invalid_field_or_the_summary(
    app, live_server, open_page, vietnamese, thread, article, quick, javascript
):
    page = open_page(javascript=javascript)
    page.goto(f"{live_server}/news/{article.slug}")
    tab_to(page, "email")  # no name
    page.keyboard.type("khong-ten@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("Thiếu tên")
    tab_to(page, "captcha_answer")
    page.keyboard.type("SAI99")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "name"  # the first of two
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    summary = page.locator("#comment-form-errors")
    assert summary.get_attribute("role") == "alert"
    assert summary.locator("a").count() == 2  # the name and the captcha, each a link to it
    assert page.locator("textarea[name=body]").input_value() == "Thiếu tên"
    settings(app, min_fill_seconds=60)  # a refusal that concerns no field
    page.keyboard.type("Có tên")
    tab_to(page, "captcha_answer")
    page.keyboard.type(answer_of(app, captcha_id(page)))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "comment-form-errors"
    assert "Vui lòng" in page.evaluate("document.activeElement.innerText")
    page.keyboard.press("Tab")  # from the summary, on into the form
    assert page.evaluate("document.activeElement.name") == "name"
    assert rows(app) == []


def test_new_image_with_javascript_changes_the_challenge_without_a_reload(
    app, live_server, open_page, thread, article, quick
):
    page = open_page()
    page.goto(f"{live_server}/news/{article.slug}")
    page.evaluate("window.stillTheSamePage = true")
    page.locator("textarea[name=body]").fill("Đang viết")
    before = captcha_id(page)
    image = page.locator("[data-captcha-image]")
    old_src = image.get_attribute("src")
    page.get_by_role("button", name="New image").click()
    page.wait_for_function(
        "(old) => document.querySelector('[data-captcha-image]').src.indexOf(old) < 0", arg=old_src
    )
    assert captcha_id(page) != before
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.locator("textarea[name=body]").input_value() == "Đang viết"
    assert page.evaluate("document.activeElement.name") == "captcha_answer"
    page.wait_for_function(  # the new src is set at once; the image arrives a moment later
        "() => { const img = document.querySelector('[data-captcha-image]');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    assert page.evaluate("document.querySelector('[data-captcha-image]').naturalWidth") == 200
    page.locator("input[name=name]").fill("Người thử")
    page.locator("input[name=captcha_answer]").fill(answer_of(app, captcha_id(page)))
    with page.expect_navigation():
        page.get_by_role("button", name="Send comment").click()
    assert "awaiting moderation" in page.locator("[data-comments-sent]").inner_text()


@pytest.mark.parametrize("theme", ["default", "portal"])
def test_the_comment_form_passes_axe_in_both_themes(
    app, live_server, open_page, vietnamese, place_widget, article, quick, theme
):
    with app.app_context():
        set_setting("theme", theme)
        db.session.commit()
    settings(app, moderation="approved")
    place_widget("comments.thread", region="article_footer", title="", visibility="articles")
    page = open_page(bypass_csp=True)
    page.goto(f"{live_server}/news/{article.slug}")
    problems, passes = axe_check(page, '[data-widget="comments.thread"]')
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)
    assert passes > 0
    page.locator("input[name=captcha_answer]").fill("SAI")
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi bình luận").click()  # refused: messages shown
    assert page.locator("[data-error-for]").count() == 3  # name, text, captcha
    problems, _ = axe_check(page, "[data-comments]")
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)
    page.locator("input[name=name]").fill("Bạn đọc")
    page.locator("textarea[name=body]").fill("Có trả lời")
    page.locator("input[name=captcha_answer]").fill(answer_of(app, captcha_id(page)))
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi bình luận").click()
    problems, _ = axe_check(page, '[data-widget="comments.thread"]')  # with a comment listed
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)
