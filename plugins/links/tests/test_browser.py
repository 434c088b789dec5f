"""In Chromium: the jump menu with and without JavaScript, by keyboard; axe-core on every display.

The links point back to the test server (``<live server>/robots.txt?site=...``),
so that following a redirect lands on a page the browser can load.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from cms.content import set_setting
from cms.extensions import db
from cms.testing import axe_check
from plugins.links.models import Link
from plugins.links.tests.conftest import clicks

pytestmark = pytest.mark.browser


@pytest.fixture
def sites(app, live_server, make_group, make_link):
    """Three links to pages of the test server, named by another origin (``localhost``
    for ``127.0.0.1``: another site to the browser, whose CSP then applies as to a
    real portal's links); returns ``{name: (id, url)}``.

    The links are made with a dotted host, then pointed at ``localhost`` in the
    database: the back office accepts only dotted host names.
    """
    group = make_group("Liên kết website")
    found = {}
    other_origin = live_server.replace("://127.0.0.1:", "://localhost:")
    assert other_origin != live_server
    for name in ("binh-nguyen", "van-son", "ngoc-khe"):
        link_id = make_link(group, f"Cổng TTĐT {name}", f"https://{name}.example.vn")
        url = f"{other_origin}/robots.txt?site={name}"
        with app.app_context():
            db.session.execute(update(Link).where(Link.id == link_id).values(url=url))
            db.session.commit()
        found[name] = (link_id, url)
    return found


@pytest.fixture
def jump(app, place_widget, sites):
    """A jump menu in the sidebar, the site in Vietnamese; returns the select's CSS selector."""
    with app.app_context():
        set_setting("locale", "vi")
        db.session.commit()
    widget = place_widget("links.links", title="Liên kết website", display="jump")
    return f"#links-{widget.id}-site"


@pytest.fixture
def no_script_page(browser):
    """A page of a browser context with JavaScript turned off."""
    context = browser.new_context(locale="vi-VN", java_script_enabled=False)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def settle(page):
    """Let anything a change event could have started begin (a navigation would show here)."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)


# -- with JavaScript --------------------------------------------------------------------------


def test_choosing_by_keyboard_never_navigates_and_go_does(app, live_server, page, jump, sites):
    page.goto(live_server + "/")
    home = page.url
    page.focus(jump)
    page.keyboard.press("ArrowDown")  # the first website
    page.keyboard.press("ArrowDown")  # the second: two change events
    assert page.eval_on_selector(jump, "s => s.value") == str(sites["van-son"][0])
    settle(page)
    assert page.url == home
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Đi"
    page.keyboard.press("Enter")
    page.wait_for_url(sites["van-son"][1])
    assert clicks(app, sites["van-son"][0]) == 1


def test_selecting_with_the_mouse_never_navigates_and_clicking_go_does(
    app, live_server, page, jump, sites
):
    page.goto(live_server + "/")
    home = page.url
    page.select_option(jump, str(sites["ngoc-khe"][0]))
    settle(page)
    assert page.url == home
    page.get_by_role("button", name="Đi").click()
    page.wait_for_url(sites["ngoc-khe"][1])
    assert clicks(app, sites["ngoc-khe"][0]) == 1


def test_go_without_a_choice_explains_and_stays(app, live_server, page, jump, sites):
    page.goto(live_server + "/")
    home = page.url
    page.get_by_role("button", name="Đi").click()
    status = page.locator("[data-links-status]")
    status.wait_for(state="visible")
    assert status.text_content() == "Hãy chọn một website trong danh sách, rồi bấm Đi."
    assert page.evaluate("() => document.activeElement.id") == jump[1:]
    assert page.url == home


def test_the_select_has_an_accessible_name(live_server, page, jump):
    page.goto(live_server + "/")
    assert page.get_by_role("combobox", name="Chọn website").count() == 1


# -- without JavaScript -----------------------------------------------------------------------


def test_without_javascript_the_form_goes_through_the_query_url(
    app, live_server, no_script_page, jump, sites
):
    page = no_script_page
    page.goto(live_server + "/")
    home = page.url
    page.focus(jump)
    page.keyboard.press("ArrowDown")
    settle(page)
    assert page.url == home
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(sites["binh-nguyen"][1])
    assert clicks(app, sites["binh-nguyen"][0]) == 1


def test_without_javascript_an_empty_choice_gets_a_page_that_says_why(
    live_server, no_script_page, jump
):
    page = no_script_page
    page.goto(live_server + "/")
    with page.expect_navigation():
        page.get_by_role("button", name="Đi").click()
    assert page.url == live_server + "/links/go?id="
    assert "Hãy chọn một website trong danh sách, rồi bấm Đi." in page.content()


# -- the back office --------------------------------------------------------------------------


def test_webmaster_drags_links_into_a_new_order(app, live_server, page, make_user, sites):
    make_user(email="admin@example.org", role="admin")
    page.goto(live_server + "/admin/login")
    page.fill("#email", "admin@example.org")
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/admin/")
    page.goto(live_server + "/admin/plugins/links/")
    first, last = sites["binh-nguyen"][0], sites["ngoc-khe"][0]
    page.locator(f"#link-{last}").drag_to(
        page.locator(f"#link-{first}"), target_position={"x": 20, "y": 3}
    )
    page.wait_for_selector('[data-links-reorder][data-saved="yes"]', timeout=5000)
    with app.app_context():
        order = db.session.execute(select(Link.id).order_by(Link.position)).scalars().all()
    assert order == [last, first, sites["van-son"][0]]


# -- axe-core ---------------------------------------------------------------------------------


def serious_violations(page, url):
    """axe-core's serious and critical violations on ``url`` (:func:`cms.testing.axe_check`)."""
    page.goto(url)
    return axe_check(page)[0]


@pytest.mark.parametrize("theme", ["default", "portal"])
@pytest.mark.parametrize("new_window", [False, True])
def test_the_three_displays_pass_axe(
    app, live_server, axe_page, place_widget, make_group, make_link, theme, new_window
):
    from PIL import Image

    from cms.content.media import store_image
    from cms.plugins import registry

    with app.test_request_context("/"):
        set_setting("locale", "vi")
        set_setting("theme", theme)
        registry().save_settings("links", {"new_window": new_window})
        media = store_image(Image.new("RGB", (240, 96), "darkred"), original_name="bn.png")
        db.session.commit()
        logo = media.id
    group = make_group("Liên kết website")
    make_link(group, "Cổng TTĐT tỉnh Bình Nguyên", "https://binhnguyen.example.vn", logo_id=logo)
    make_link(group, "Bộ Chuyển đổi số", "https://chuyendoiso.example.vn")
    other = make_group("Bộ, ngành")
    make_link(other, "Bộ Hành chính công", "https://hanhchinhcong.example.vn")
    for display, title in (("list", "Danh sách"), ("logos", "Logo"), ("jump", "Chọn nhanh")):
        place_widget("links.links", theme=theme, title=title, display=display)
    place_widget("links.links", theme=theme, title="Một nhóm", display="jump", group=str(group))
    problems = serious_violations(axe_page, live_server + "/")
    assert axe_page.locator("[data-widget='links.links']").count() == 4
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)


def test_the_back_office_screens_pass_axe(app, live_server, axe_page, make_user, sites):
    make_user(email="admin@example.org", role="admin")
    page = axe_page
    page.goto(live_server + "/admin/login")
    page.fill("#email", "admin@example.org")
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/admin/")
    base = live_server + "/admin/plugins/links"
    urls = [
        "/",
        "/new",
        f"/{sites['binh-nguyen'][0]}",
        "/groups/new",
        "/groups/1",
        "/settings",
    ]
    problems = {url: serious_violations(page, base + url) for url in urls}
    assert {u: p for u, p in problems.items() if p} == {}, json.dumps(
        problems, ensure_ascii=False, indent=1
    )
