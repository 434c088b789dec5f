"""The widget's three displays and the redirects: ``/links/go/<id>`` and ``/links/go?id=``."""

from __future__ import annotations

import re

import pytest

from cms.content import set_setting
from cms.extensions import db
from plugins.links.tests.conftest import clicks


def widget_html(html: str, widget_id: int) -> str:
    """The HTML of one placed widget in a page."""
    found = re.search(
        rf'<section[^>]*data-widget-id="{widget_id}"[^>]*>(.*?)</section>', html, re.S
    )
    assert found, f"widget {widget_id} is not in the page"
    return found.group(1)


# -- the list ---------------------------------------------------------------------------------


def test_the_list_shows_active_links_in_order_through_the_redirect(client, place_widget, sample):
    widget = place_widget("links.links", title="Liên kết website", display="list")
    box = widget_html(client.get("/").text, widget.id)
    first, hidden, last = sample.links
    assert re.findall(r'href="/links/go/(\d+)"', box) == [
        str(first),
        str(last),
        str(sample.other_link),
    ]
    assert "Vân Sơn" not in box  # hidden link
    assert box.count('rel="noopener noreferrer"') == 3
    assert "https://binhnguyen.example.vn" not in box  # never the raw URL: clicks are counted
    # several groups: each under its own heading
    assert re.findall(r'<h3 class="links-group">([^<]*)</h3>', box) == [
        "Liên kết website",
        "Bộ, ngành",
    ]


def test_one_group_setting_shows_that_group_only_without_a_heading(client, place_widget, sample):
    widget = place_widget("links.links", display="list", group=str(sample.other_group))
    box = widget_html(client.get("/").text, widget.id)
    assert re.findall(r'href="/links/go/(\d+)"', box) == [str(sample.other_link)]
    assert "<h3" not in box


def test_the_group_setting_may_be_an_integer_or_a_title(client, place_widget, sample):
    by_id = place_widget("links.links", group=sample.group)
    by_title = place_widget("links.links", group="Bộ, ngành")
    html = client.get("/").text
    assert "Bình Nguyên" in widget_html(html, by_id.id)
    assert "Bình Nguyên" not in widget_html(html, by_title.id)
    assert "Hành chính công" in widget_html(html, by_title.id)


def test_an_unknown_or_hidden_group_shows_a_note(client, place_widget, make_group, make_link):
    hidden = make_group("Ẩn", active=False)
    make_link(hidden, "Không thấy", "https://khongthay.example.vn")
    unknown = place_widget("links.links", group="999")
    off = place_widget("links.links", group=str(hidden))
    html = client.get("/").text
    for widget in (unknown, off):
        box = widget_html(html, widget.id)
        assert "No website links yet." in box
        assert "Không thấy" not in box


def test_an_unknown_display_falls_back_to_the_list(client, place_widget, sample):
    widget = place_widget("links.links", display="<script>")
    box = widget_html(client.get("/").text, widget.id)
    assert 'class="links-list"' in box


def test_hostile_titles_are_escaped_everywhere(client, place_widget, make_group, make_link):
    group = make_group('<img src=x onerror="alert(1)">')
    make_link(group, '<script>alert("x")</script> & "Sở"', "https://soxx.example.vn")
    make_group("Hai")  # two groups: headings and optgroups show the group title
    ids = [place_widget("links.links", display=d).id for d in ("list", "logos", "jump")]
    html = client.get("/").text
    for widget_id in ids:
        box = widget_html(html, widget_id)
        assert "<script>alert" not in box
        assert "<img src=x" not in box
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;Sở&#34;" in html


# -- the logos --------------------------------------------------------------------------------


def test_the_logo_grid_shows_logos_with_the_title_as_alt_text(
    app, client, place_widget, make_group, make_link
):
    from PIL import Image

    from cms.content.media import store_image

    with app.test_request_context("/"):
        media = store_image(Image.new("RGB", (640, 200), "navy"), original_name="logo.png")
        db.session.commit()
        media_id, filename = media.id, media.filename
    group = make_group()
    make_link(group, "Tỉnh Bình Nguyên", "https://binhnguyen.example.vn", logo_id=media_id)
    make_link(group, "Không có logo", "https://khonglogo.example.vn")
    widget = place_widget("links.links", display="logos")
    box = widget_html(client.get("/").text, widget.id)
    image = re.search(r"<img [^>]*>", box).group(0)
    assert f'src="/media/{filename}"' in image
    assert 'alt="Tỉnh Bình Nguyên"' in image
    assert 'width="320" height="100"' in image
    assert '<span class="links-logos__text">Không có logo</span>' in box
    assert box.count('rel="noopener noreferrer"') == 2


# -- the jump menu ----------------------------------------------------------------------------


def test_the_jump_menu_is_a_labelled_select_with_a_go_button(client, place_widget, sample):
    widget = place_widget("links.links", display="jump")
    box = widget_html(client.get("/").text, widget.id)
    form = re.search(r"<form [^>]*>", box).group(0)
    assert 'method="get"' in form
    assert 'action="/links/go"' in form
    assert 'rel="noopener noreferrer"' in form
    select_id = f"links-{widget.id}-site"
    assert f'<label class="links-jump__label" for="{select_id}">Choose a website</label>' in box
    assert f'id="{select_id}" name="id"' in box
    assert '<button class="links-jump__go" type="submit">Go</button>' in box
    assert "onchange" not in box  # choosing never navigates
    options = re.findall(r'<option value="(\d*)"', box)
    first, _hidden, last = sample.links
    assert options == ["", str(first), str(last), str(sample.other_link)]
    assert re.findall(r'<optgroup label="([^"]*)"', box) == ["Liên kết website", "Bộ, ngành"]
    assert "/plugins/links/static/links.js?v=" in box


def test_the_jump_menu_speaks_vietnamese(client, vietnamese, place_widget, sample):
    widget = place_widget("links.links", display="jump", group=str(sample.group))
    box = widget_html(client.get("/").text, widget.id)
    assert "Chọn website" in box
    assert '<button class="links-jump__go" type="submit">Đi</button>' in box
    assert "<optgroup" not in box  # one group: plain options


def test_new_window_setting_adds_target_and_says_so(app, client, place_widget, sample):
    from cms.plugins import registry

    widget = place_widget("links.links", display="list")
    jump = place_widget("links.links", display="jump")
    with app.app_context():
        registry().save_settings("links", {"new_window": True})
        db.session.commit()
    html = client.get("/").text
    box = widget_html(html, widget.id)
    assert box.count('target="_blank"') == 3
    assert box.count("(opens in a new tab)") == 3
    assert 'target="_blank"' in widget_html(html, jump.id)


def test_the_widget_is_cached_and_dropped_when_links_change(
    app, client, place_widget, sample, make_link
):
    widget = place_widget("links.links", display="list")
    assert "Tỉnh Ngọc Khê" not in widget_html(client.get("/").text, widget.id)
    assert client.get("/").headers.get("X-Page-Cache") == "hit"
    make_link(sample.group, "Tỉnh Ngọc Khê", "https://ngockhe.example.vn")
    assert "Tỉnh Ngọc Khê" in widget_html(client.get("/").text, widget.id)
    from plugins.links import services

    with app.test_request_context("/"):
        link = services.get_link(sample.links[0])
        services.save_link(link, group_id=link.group_id, title="Đổi tên", url=link.url, active=True)
    box = widget_html(client.get("/").text, widget.id)
    assert "Đổi tên" in box
    assert "Bình Nguyên" not in box


# -- the redirects ----------------------------------------------------------------------------


def test_go_redirects_to_the_stored_url_and_counts(app, client, sample):
    link = sample.links[2]
    answer = client.get(f"/links/go/{link}")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "https://chuyendoiso.example.vn/gioi-thieu?a=1"
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    client.get(f"/links/go/{link}")
    assert clicks(app, link) == 2
    assert clicks(app, sample.links[0]) == 0


def test_the_no_script_form_answers_a_page_that_opens_the_website(app, client, sample):
    """A redirect after a form would be blocked by ``form-action 'self'``: a page instead."""
    link = sample.links[0]
    assert "form-action 'self'" in client.get("/").headers["Content-Security-Policy"]
    answer = client.get(f"/links/go?id={link}")
    assert answer.status_code == 200
    assert '<meta http-equiv="refresh" content="0; url=https://binhnguyen.example.vn">' in (
        answer.text
    )
    assert 'href="https://binhnguyen.example.vn"' in answer.text
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert answer.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert clicks(app, link) == 1
    assert client.head(f"/links/go?id={link}").status_code == 200
    assert clicks(app, link) == 1  # HEAD counts nothing


@pytest.mark.parametrize(
    "query",
    [
        "next=https://evil.example.com",
        "url=https://evil.example.com&to=//evil.example.com",
        "id2=5&redirect=javascript:alert(1)",
    ],
)
def test_every_other_query_parameter_is_ignored(app, client, sample, query):
    link = sample.links[0]
    answer = client.get(f"/links/go/{link}?{query}")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "https://binhnguyen.example.vn"
    page = client.get(f"/links/go?id={link}&{query}").text
    site_urls = set(re.findall(r'href="(https?://[^"]+)"', client.get("/").text))
    opened = set(re.findall(r'(?:url=|href=")(https?://[^"]+)', page))
    assert opened <= {"https://binhnguyen.example.vn"} | site_urls
    assert "evil.example.com" not in page
    assert "javascript:" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/links/go/999",
        "/links/go/0",
        "/links/go/2147483648",
        "/links/go?id=999",
        "/links/go?id=abc",
        "/links/go?id=-1",
        "/links/go?id=99999999999999999999",
        "/links/go?id=https://evil.example.com",
    ],
)
def test_unknown_ids_are_a_404_page(app, client, sample, url):
    answer = client.get(url)
    assert answer.status_code == 404
    assert "Location" not in answer.headers


def test_unknown_id_page_says_why_in_vietnamese(client, vietnamese, sample):
    answer = client.get("/links/go/999")
    assert answer.status_code == 404
    assert "Liên kết này không tồn tại hoặc không còn được hiển thị." in answer.text


def test_an_inactive_link_or_group_is_a_404_and_not_counted(app, client, sample, make_link):
    assert client.get(f"/links/go/{sample.hidden}").status_code == 404
    assert client.get(f"/links/go?id={sample.hidden}").status_code == 404
    assert clicks(app, sample.hidden) == 0
    from plugins.links import services

    with app.test_request_context("/"):
        group = services.get_group(sample.other_group)
        services.save_group(group, title=group.title, active=False)
    assert client.get(f"/links/go/{sample.other_link}").status_code == 404
    assert clicks(app, sample.other_link) == 0


def test_no_choice_is_a_400_page_that_says_what_to_do(client, vietnamese, sample):
    for url in ("/links/go", "/links/go?id=", "/links/go?id=%20"):
        answer = client.get(url)
        assert answer.status_code == 400
        assert "Hãy chọn một website trong danh sách, rồi bấm Đi." in answer.text


def test_head_redirects_without_counting(app, client, sample):
    answer = client.head(f"/links/go/{sample.links[0]}")
    assert answer.status_code == 302
    assert clicks(app, sample.links[0]) == 0


def test_post_is_not_allowed(client, sample):
    assert client.post(f"/links/go/{sample.links[0]}").status_code in (400, 405)


def test_disabled_plugin_hides_widget_and_routes(app, client, place_widget, sample):
    from cms.plugins import registry

    widget = place_widget("links.links")
    with app.app_context():
        registry().set_enabled("links", False)
        db.session.commit()
    assert f'data-widget-id="{widget.id}"' not in client.get("/").text
    assert client.get(f"/links/go/{sample.links[0]}").status_code == 404
    assert client.get("/api/v1/links").status_code == 404


def test_a_page_with_the_widget_stays_cacheable(app, client, place_widget, sample):
    with app.app_context():
        set_setting("locale", "en")
        db.session.commit()
    place_widget("links.links", display="jump")
    client.get("/")
    assert client.get("/").headers.get("X-Page-Cache") == "hit"


def test_crawlers_are_asked_to_leave_the_counted_redirects_alone(client, sample):
    assert "Disallow: /links/go\n" in client.get("/robots.txt").text


def test_a_link_id_in_another_script_is_no_link(client, sample):
    assert client.get(f"/links/go/{sample.links[0]}").status_code == 302
    assert client.get("/links/go/%EF%BC%91").status_code == 404  # "１", not "1"
