"""In a real browser: the clock ticks, and webmasters order widgets by dragging them."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from cms.extensions import db
from cms.models import WidgetInstance
from cms.plugins import placement, registry

pytestmark = pytest.mark.browser


def place(app, region, kind="clock.dateline", title=""):
    with app.app_context():
        instance = placement.add_instance("default", region, kind, title=title)
        db.session.commit()
        return instance.id


def test_the_clock_ticks_in_the_browser(app, live_server, page):
    wid = place(app, "header")
    page.goto(live_server + "/")
    clock = page.locator(f'[data-widget-id="{wid}"] time')
    first = clock.text_content()
    assert "Ngày" in first or "," in first
    page.wait_for_function(
        "([sel, before]) => document.querySelector(sel).textContent !== before",
        arg=[f'[data-widget-id="{wid}"] time', first],
        timeout=5000,
    )
    assert clock.text_content() != first
    assert clock.get_attribute("data-clock-started") is not None


def sign_in(page, live_server, email):
    page.goto(live_server + "/admin/login")
    page.fill("#email", email)
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/admin/")


def test_webmaster_drags_widgets_into_a_new_order(app, live_server, page, make_user):
    make_user(email="admin@example.org", role="admin")
    first = place(app, "sidebar", title="Một")
    second = place(app, "sidebar", title="Hai")
    sign_in(page, live_server, "admin@example.org")
    page.goto(live_server + "/admin/widgets?theme=default")
    source = page.locator(f"#widget-{second}")
    target = page.locator(f"#widget-{first}")
    source.drag_to(target, target_position={"x": 20, "y": 5})
    page.wait_for_selector('.widget-list[data-region="sidebar"][data-saved="yes"]', timeout=5000)
    with app.app_context():
        order = (
            db.session.execute(
                select(WidgetInstance.id)
                .where(WidgetInstance.region == "sidebar")
                .order_by(WidgetInstance.position)
            )
            .scalars()
            .all()
        )
    assert order == [second, first]
    page.goto(live_server + "/")
    html = page.content()
    assert html.index(f'data-widget-id="{second}"') < html.index(f'data-widget-id="{first}"')


def test_widgets_can_be_ordered_by_keyboard(app, live_server, page, make_user):
    make_user(email="admin@example.org", role="admin")
    first = place(app, "sidebar", title="Một")
    second = place(app, "sidebar", title="Hai")
    sign_in(page, live_server, "admin@example.org")
    page.goto(live_server + "/admin/widgets?theme=default")
    button = page.get_by_role("button", name="Move Hai up")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#widgets-status")).to_have_text(
        "“Hai” is now 1 of 2 in “Sidebar”.", timeout=5000
    )
    # The focus stays on the moved widget, on the button that can still move it.
    expect(page.get_by_role("button", name="Move Hai down")).to_be_focused()
    with app.app_context():
        order = (
            db.session.execute(
                select(WidgetInstance.id)
                .where(WidgetInstance.region == "sidebar")
                .order_by(WidgetInstance.position)
            )
            .scalars()
            .all()
        )
    assert order == [second, first]


def test_a_drag_is_announced_and_offers_the_page(app, live_server, page, make_user):
    make_user(email="admin@example.org", role="admin")
    first = place(app, "sidebar", title="Một")
    second = place(app, "sidebar", title="Hai")
    sign_in(page, live_server, "admin@example.org")
    page.goto(live_server + "/admin/widgets?theme=default")
    status = page.locator("#widgets-status")
    assert status.get_attribute("aria-live") == "polite"
    assert page.locator(f"#widget-{first} button[value=up]").is_disabled()
    link = page.locator("#widgets-preview a")
    assert not link.is_visible()
    page.locator(f"#widget-{second}").drag_to(
        page.locator(f"#widget-{first}"), target_position={"x": 20, "y": 5}
    )
    expect(status).to_have_text("“Hai” is now 1 of 2 in “Sidebar”.", timeout=5000)
    # The buttons follow the new order: the top one cannot go further up.
    assert page.locator(f"#widget-{second} button[value=up]").is_disabled()
    assert not page.locator(f"#widget-{first} button[value=up]").is_disabled()
    assert link.is_visible()
    assert link.get_attribute("href") == "/"
    assert link.get_attribute("target") is None


def luminance(rgb):
    """WCAG relative luminance of ``rgb(r, g, b)``."""
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(fore, back):
    """WCAG contrast ratio of two computed colours."""
    high, low = sorted((luminance(fore), luminance(back)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_disabled_buttons_and_disabled_plugins_widgets_read_well(app, live_server, page, make_user):
    make_user(email="admin@example.org", role="admin")
    wid = place(app, "sidebar", title="Một")
    with app.app_context():
        registry().set_enabled("clock", False)
        db.session.commit()
    sign_in(page, live_server, "admin@example.org")
    page.goto(live_server + "/admin/widgets?theme=default")
    item = page.locator(f"#widget-{wid}")
    assert "widget-item--off" in item.get_attribute("class")
    background = item.evaluate("e => getComputedStyle(e).backgroundColor")
    for part in (".widget-item__name strong", ".widget-item__id", ".widget-item__off"):
        colour = item.locator(part).evaluate("e => getComputedStyle(e).color")
        opacity = item.evaluate("e => getComputedStyle(e).opacity")
        assert opacity == "1"
        assert contrast(colour, background) >= 4.5, part
    up = item.locator("button[value=up]")
    assert up.is_disabled()
    enabled = page.locator(f"#widget-{wid} a.button")
    style = "e => getComputedStyle(e).backgroundColor + getComputedStyle(e).color"
    assert up.evaluate(style) != enabled.evaluate(style)
