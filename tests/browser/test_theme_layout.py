"""Both public themes in Chromium, on a desktop (1366 px) and a phone (390 px).

The demo article page with widgets in every side region: the columns sit beside the
article on a desktop and under it on a phone, nothing overflows sideways, the phone
menu opens and closes by keyboard, focus rings keep 3:1 against what is behind them,
and axe-core finds nothing serious. ``CMS_SAVE_THEME_PREVIEWS=1`` also writes each
theme's 1366 px view as its back-office preview (``static/screenshot.png``).
"""

import io
import json
import os

import pytest
from PIL import Image

from cms.content import latest_articles, set_setting
from cms.extensions import db
from cms.plugins import placement
from cms.testing import PROJECT_ROOT, axe_check
from cms.themes.engine import manager

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 854}
PHONE = {"width": 390, "height": 844}

#: Side regions of each theme, as (region, CSS selector of its column).
COLUMNS = {
    "default": [("sidebar", "aside.sidebar")],
    "portal": [
        ("sidebar_left", "aside.portal-side--left"),
        ("sidebar", "aside.portal-side--right"),
    ],
}
#: What the test places in a side region the demo left empty: (type, title, settings).
FILLERS = {
    "sidebar_left": ("links.links", "Liên kết website", {"display": "jump"}),
    "sidebar": ("rating.top_rated", "Bài viết được đánh giá cao", {}),
}

#: Contrast of the focus ring against the nearest opaque background, for every element
#: the Tab key reaches (WCAG 2.1 1.4.11 asks 3:1).
FOCUS_CONTRAST_JS = """
() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) < 2) {
    return {el: el.outerHTML.slice(0, 80), ratio: 0};
  }
  // With a negative offset the ring sits on the element itself, else on its parents
  // (a gradient counts by its background colour, which the themes set beside it).
  let node = parseFloat(style.outlineOffset) < 0 ? el : el.parentElement;
  let bg = null;
  while (node) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] === 1)) { bg = c.slice(0, 3); break; }
    node = node.parentElement;
  }
  if (!bg) bg = [255, 255, 255];
  const a = lum(rgb(style.outlineColor)), b = lum(bg);
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  return {el: el.outerHTML.slice(0, 80), ratio: Math.round(ratio * 100) / 100};
}
"""


@pytest.fixture
def demo(app):
    """The demo portal, with a widget in every side region of both themes; the article URL."""
    from cms.demo import build_demo

    with app.app_context():
        build_demo()
        for theme, columns in COLUMNS.items():
            for region, _selector in columns:
                if region == "sidebar_left" and placement.instances(theme, region):
                    continue
                kind, title, settings = FILLERS[region]
                placement.add_instance(theme, region, kind, title=title, settings=settings or None)
        set_setting("locale", "vi")
        db.session.commit()
        article = latest_articles(1)[0]
        return f"/news/{article.slug}"


def use_theme(app, theme):
    with app.app_context():
        assert theme in manager().themes
        set_setting("theme", theme)
        db.session.commit()


def box(page, selector):
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not shown"
    return found


def overflow(page):
    return page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth, "
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth).slice(0, 5)"
        ".map(e => e.getBoundingClientRect().right + ' ' + e.outerHTML.slice(0, 80))]"
    )


@pytest.mark.parametrize("theme", ["default", "portal"])
def test_desktop_puts_the_side_columns_beside_the_article(app, demo, live_server, axe_page, theme):
    use_theme(app, theme)
    page = axe_page
    page.set_viewport_size(DESKTOP)
    page.goto(live_server + demo)
    width, inner, wide = overflow(page)
    assert width <= inner, wide
    main = box(page, "main#main")
    assert main["width"] >= 500
    for region, selector in COLUMNS[theme]:
        column = box(page, selector)
        widgets = page.locator(f'[data-region="{region}"] [data-widget]')
        assert widgets.count() >= 1
        widget = widgets.first.bounding_box()
        assert column["x"] <= widget["x"]
        assert widget["x"] + widget["width"] <= column["x"] + column["width"] + 1
        if selector.endswith("--left"):
            assert column["x"] + column["width"] <= main["x"]
        else:
            assert column["x"] >= main["x"] + main["width"]
        assert column["y"] < main["y"] + 200  # side by side, not under the article
    # The date line sits inside the page's width, beside or above the search form.
    clock = box(page, '[data-region="header"] [data-widget]')
    article = box(page, "main#main")
    assert clock["x"] >= article["x"] - 300
    assert page.locator("[data-nav-toggle]").is_hidden()
    assert page.locator("#site-nav-list").is_visible()
    page.wait_for_timeout(300)
    shot = page.screenshot()
    if os.environ.get("CMS_SAVE_THEME_PREVIEWS") == "1":
        preview = Image.open(io.BytesIO(shot)).convert("RGB").resize((640, 400), Image.LANCZOS)
        preview.save(PROJECT_ROOT / "themes" / theme / "static" / "screenshot.png", optimize=True)
    problems = axe_check(page)[0]
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("theme", ["default", "portal"])
def test_phone_stacks_the_columns_under_the_article(app, demo, live_server, axe_page, theme):
    use_theme(app, theme)
    page = axe_page
    page.set_viewport_size(PHONE)
    page.goto(live_server + demo)
    width, inner, wide = overflow(page)
    assert width <= inner, wide
    main = box(page, "main#main")
    bottom = main["y"] + main["height"]
    for _region, selector in COLUMNS[theme]:
        column = box(page, selector)
        assert column["y"] >= bottom - 1
        assert abs(column["x"] - main["x"]) <= 1
        assert abs(column["width"] - main["width"]) <= 1
        bottom = column["y"] + column["height"]
    problems = axe_check(page)[0]
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("theme", ["default", "portal"])
def test_phone_menu_opens_and_closes_by_keyboard(app, demo, live_server, page, theme):
    use_theme(app, theme)
    page.set_viewport_size(PHONE)
    page.goto(live_server + demo)
    button = page.locator("[data-nav-toggle]")
    menu = page.locator("#site-nav-list")
    assert button.is_visible()
    assert button.get_attribute("aria-expanded") == "false"
    assert menu.is_hidden()
    for _ in range(20):  # reach the button with the Tab key, as a keyboard user would
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.hasAttribute('data-nav-toggle')"):
            break
    else:
        pytest.fail("the menu button is not reached by Tab")
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert menu.is_visible()
    width, inner, wide = overflow(page)
    assert width <= inner, wide
    page.keyboard.press("Tab")  # into the menu: its first link
    assert page.evaluate("() => document.activeElement.closest('#site-nav-list') !== null")
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert menu.is_hidden()
    assert page.evaluate("() => document.activeElement.hasAttribute('data-nav-toggle')")
    page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "false"
    assert menu.is_hidden()


@pytest.mark.parametrize("theme", ["default", "portal"])
def test_phone_menu_shows_without_javascript(app, demo, live_server, browser, theme):
    use_theme(app, theme)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_server + demo)
        assert page.locator("[data-nav-toggle]").is_hidden()
        assert page.locator("#site-nav-list").is_visible()
        width, inner, _wide = overflow(page)
        assert width <= inner
    finally:
        context.close()


@pytest.mark.parametrize("theme", ["default", "portal"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_focus_rings_keep_three_to_one(app, demo, live_server, page, theme, viewport):
    use_theme(app, theme)
    page.set_viewport_size(viewport)
    page.goto(live_server + demo)
    if viewport is PHONE:
        page.locator("[data-nav-toggle]").click()  # its links are reached too
    weak, seen, last = [], 0, {}
    for _ in range(200):  # the whole page: header, article, widgets, both columns, footer
        page.keyboard.press("Tab")
        found = page.evaluate(FOCUS_CONTRAST_JS)
        if found is None:
            if seen:
                break  # past the last link: focus left the document
            continue
        seen += 1
        last = found
        if found["ratio"] < 3:
            weak.append(found)
    assert seen >= 40
    assert "/sitemap.xml" in last["el"]  # the footer's last link: the whole page was reached
    assert weak == [], json.dumps(weak, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("theme", ["default", "portal"])
def test_other_public_pages_fit_a_desktop_and_a_phone(app, demo, live_server, page, theme):
    use_theme(app, theme)
    with app.app_context():
        category = latest_articles(1)[0].category.slug
    urls = ["/", f"/category/{category}", "/search?q=cai+cach", "/gioi-thieu", "/khong-co"]
    wide = {}
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        for url in urls:
            page.goto(live_server + url)
            width, inner, culprits = overflow(page)
            if width > inner:
                wide[f"{viewport['width']} {url}"] = culprits
    assert wide == {}, json.dumps(wide, ensure_ascii=False, indent=1)
