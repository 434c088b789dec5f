"""The widgets screen speaks the webmaster's words: a page map, region and widget names."""

import json
import re

import pytest
from sqlalchemy import select

from cms.extensions import db
from cms.models import WidgetInstance
from cms.plugins import placement
from cms.testing import csrf_token_from


def place(app, theme, region, kind="clock.dateline", title=""):
    with app.app_context():
        instance = placement.add_instance(theme, region, kind, title=title)
        db.session.commit()
        return instance.id


def main_labels(html):
    """The bold main label of every listed widget."""
    return re.findall(r'class="widget-item__name"><strong>([^<]*)</strong>', html)


@pytest.mark.parametrize(
    ("locale", "theme_title", "regions"),
    [
        ("en", "Portal", ["Date line bar", "Left column", "Right column", "Under the article"]),
        ("vi", "Cổng thông tin", ["Thanh ngày tháng", "Cột trái", "Cột phải", "Dưới bài viết"]),
    ],
)
def test_the_screen_names_theme_and_regions_in_the_site_language(
    signed_in, client, app, locale, theme_title, regions
):
    app.config["LOCALE"] = locale
    signed_in("admin")
    html = client.get("/admin/widgets?theme=portal").text
    assert f'<option value="portal" selected>{theme_title}</option>' in html
    headings = re.findall(r'<h2 id="region-[a-z_]+-title">([^<]*) <small', html)
    assert headings[: len(regions) - 1] == regions[:-1]
    assert regions[-1] in headings
    for region in ("sidebar_left", "sidebar", "header", "footer", "article_footer"):
        assert f'<a class="page-map__region" href="#region-{region}">' in html
        assert f'id="region-{region}"' in html
    assert "sidebar_left</h2>" not in html  # the identifier is never the heading alone


def test_the_map_puts_each_region_where_it_shows(signed_in, client):
    signed_in("admin")
    html = client.get("/admin/widgets?theme=portal").text
    grid = html.split('class="page-map__grid"')[1].split("</nav>")[0]
    areas = dict(re.findall(r'page-map__area--(\w+)">(.*?)</div>', grid, re.S))
    assert "#region-sidebar_left" in areas["left"]
    assert '#region-sidebar"' in areas["right"]
    assert "#region-header" in areas["top"]
    assert "#region-footer" in areas["bottom"]
    assert "#region-article_footer" in areas["main"]


def test_widgets_are_listed_by_their_names_not_identifiers(signed_in, client, app):
    app.config["LOCALE"] = "vi"
    place(app, "default", "header")
    place(app, "default", "header", title="Giờ hôm nay")
    signed_in("admin")
    html = client.get("/admin/widgets?theme=default").text
    with app.test_request_context():
        type_name = placement.type_title("clock.dateline")
    assert type_name != "clock.dateline"
    assert main_labels(html) == [type_name, "Giờ hôm nay"]
    options = re.findall(r"<option value=\"clock\.dateline\">([^<]*)</option>", html)
    assert options
    assert all("clock.dateline" not in o for o in options)


def test_the_edit_page_labels_place_and_settings_apart(signed_in, client, app):
    wid = place(app, "default", "header")
    signed_in("admin")
    html = client.get(f"/admin/widgets/{wid}").text
    assert '<label for="visibility">Where it shows</label>' in html
    assert "<legend>Settings of “" in html
    assert '<option selected value="header">Top of the page</option>' in html
    app.config["LOCALE"] = "vi"
    html = client.get(f"/admin/widgets/{wid}").text
    assert '<label for="visibility">Hiển thị ở đâu</label>' in html
    assert "<legend>Thiết lập của “" in html


def test_after_a_save_the_screen_offers_the_page(signed_in, client, auth, app, make_article):
    wid = place(app, "default", "header")
    signed_in("admin")
    response = auth.post(
        f"/admin/widgets/{wid}",
        {"title": "Giờ", "region": "header", "visibility": "all", "settings-format": "time"},
    )
    assert response.status_code == 302
    assert "changed=header" in response.location
    html = client.get(response.location).text
    assert "Widget “Giờ” saved." in html
    assert '<a href="/">See the page</a>' in html

    article = make_article("Tin thử")
    second = place(app, "default", "article_footer")
    token = csrf_token_from(client.get("/admin/widgets").text)
    saved = client.post(
        "/admin/widgets/reorder",
        data=json.dumps({"theme": "default", "region": "article_footer", "ids": [second]}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert article.slug in saved.json["preview_url"]


def test_moves_and_audit_name_the_widget_and_region(signed_in, client, auth, app):
    first = place(app, "default", "sidebar", title="Một")
    place(app, "default", "sidebar", title="Hai")
    signed_in("admin")
    html = client.get("/admin/widgets?theme=default").text
    assert 'aria-live="polite"' in html
    assert 'id="widgets-status"' in html
    response = auth.post(
        f"/admin/widgets/{first}/move", {"direction": "down"}, form_url="/admin/widgets"
    )
    html = client.get(response.location).text
    assert "“Một” is now 2 of 2 in “Sidebar”." in html
    auth.post(f"/admin/widgets/{first}/delete", form_url="/admin/widgets")
    with app.app_context():
        assert db.session.execute(select(WidgetInstance.title)).scalars().all() == ["Hai"]
    assert "Widget “Một” removed." in client.get("/admin/widgets").text


def test_the_themes_screen_names_themes_and_regions_in_vietnamese(signed_in, client, app):
    app.config["LOCALE"] = "vi"
    signed_in("admin")
    html = client.get("/admin/themes").text
    assert "Cổng thông tin" in html
    assert "Mặc định" in html
    assert "Cổng thông tin điện tử cấp tỉnh" in html
    assert "Cột trái" in html
    assert "sidebar_left" not in html
    assert "kế thừa Mặc định" in html
