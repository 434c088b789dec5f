"""In a real browser: the clock ticks, and webmasters order widgets by dragging them."""

import pytest
from sqlalchemy import select

from cms.extensions import db
from cms.models import WidgetInstance
from cms.plugins import placement

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
    with page.expect_navigation():
        page.keyboard.press("Enter")
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
