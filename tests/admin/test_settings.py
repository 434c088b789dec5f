"""Back office: the site settings screen, its rules, and their effect on the public site."""

import pytest
from sqlalchemy import select

from cms.content import get_setting
from cms.extensions import db
from cms.models import AuditEntry, Media, Setting

URL = "/admin/settings"


def stored(app):
    with app.app_context():
        return dict(db.session.execute(select(Setting.key, Setting.value)).all())


def audit_entries(app):
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "settings.update").order_by(AuditEntry.id)
        ).all()
        return [(e.summary, e.details) for e in rows]


def full_form(app, **overrides):
    """Every field with its current value, as the browser would send the form."""
    with app.test_request_context():
        from cms.admin.settings import current_settings

        data = {k: "" if v is None else str(v) for k, v in current_settings().items()}
    data.update(overrides)
    return data


@pytest.fixture
def admin(signed_in):
    return signed_in("admin")


# -- permissions ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login?next=%2Fadmin%2Fsettings"


@pytest.mark.parametrize("role", ["author", "editor"])
def test_non_admins_get_403(app, client, auth, signed_in, role):
    signed_in(role)
    assert client.get(URL).status_code == 403
    response = auth.post(URL, {"site_name": "Hacked"}, form_url="/admin/")
    assert response.status_code == 403
    assert stored(app) == {}


def test_missing_csrf_token_is_refused(app, client, admin):
    assert client.post(URL, data=full_form(app, site_name="No token")).status_code == 400
    assert stored(app) == {}


# -- the form ---------------------------------------------------------------------------------


def test_the_form_shows_the_current_values(app, client, admin):
    html = client.get(URL).text
    assert f'value="{app.config["SITE_NAME"]}"' in html
    assert 'value="news"' in html
    assert 'value="category"' in html
    assert '<option selected value="Asia/Ho_Chi_Minh">' in html
    assert '<option selected value="en">English</option>' in html
    assert '<option value="vi">Tiếng Việt</option>' in html
    assert '<label for="article_prefix">' in html


def test_time_zones_are_sorted_and_usable(app):
    import pytz

    from cms.admin.settings_forms import timezone_names

    names = timezone_names()
    assert list(names) == sorted(names)
    assert "Asia/Ho_Chi_Minh" in names
    assert "UTC" in names
    assert "localtime" not in names
    assert "Factory" not in names
    for name in names:
        pytz.timezone(name)  # what Flask-Babel formats dates with


def test_saving_stores_only_the_changed_keys(app, client, auth, admin):
    data = full_form(app, site_name="Cổng thông tin tỉnh Quảng Nam", contact_phone="0235 3810 000")
    response = auth.post(URL, data)
    assert response.status_code == 302
    assert response.headers["Location"] == URL
    assert "Settings saved." in client.get(URL).text
    assert stored(app) == {
        "site_name": "Cổng thông tin tỉnh Quảng Nam",
        "contact_phone": "0235 3810 000",
    }
    [(summary, details)] = audit_entries(app)
    assert details["keys"] == ["contact_phone", "site_name"]
    assert "contact_phone, site_name" in summary
    assert details["changes"]["site_name"][1] == "Cổng thông tin tỉnh Quảng Nam"


def test_saving_unchanged_values_stores_nothing(app, client, auth, admin):
    response = auth.post(URL, full_form(app), follow_redirects=True)
    assert "Nothing changed." in response.text
    assert stored(app) == {}
    assert audit_entries(app) == []


def test_every_setting_is_stored_with_its_type(app, client, auth, admin):
    with app.app_context():
        logo = Media(filename="logo.png", original_name="logo.png", mime_type="image/png")
        db.session.add(logo)
        db.session.commit()
        logo_id = logo.id
    data = {
        "site_name": "  Sở Nội vụ  ",
        "site_description": "Trang thông tin điện tử",
        "logo_id": str(logo_id),
        "locale": "vi",
        "timezone": "Asia/Bangkok",
        "article_prefix": "tin-tuc",
        "category_prefix": "chuyen-muc",
        "per_page": "25",
        "contact_address": "62 Hùng Vương, Tam Kỳ",
        "contact_phone": "(0235) 3.810.000",
        "contact_email": " Contact@Example.VN ",
    }
    assert auth.post(URL, full_form(app, **data)).status_code == 302
    assert stored(app) == {
        "site_name": "Sở Nội vụ",
        "site_description": "Trang thông tin điện tử",
        "logo_id": logo_id,
        "locale": "vi",
        "timezone": "Asia/Bangkok",
        "article_prefix": "tin-tuc",
        "category_prefix": "chuyen-muc",
        "per_page": 25,
        "contact_address": "62 Hùng Vương, Tam Kỳ",
        "contact_phone": "(0235) 3.810.000",
        "contact_email": "contact@example.vn",
    }
    html = client.get(URL).text
    assert f'<option selected value="{logo_id}">logo.png (#{logo_id})</option>' in html
    # Back to no logo.
    assert auth.post(URL, full_form(app, logo_id="")).status_code == 302
    assert stored(app)["logo_id"] is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("site_name", "   ", "Enter the name of the site."),
        ("site_name", "x" * 201, "Use at most 200 characters."),
        ("site_description", "x" * 501, "Use at most 500 characters."),
        ("locale", "fr", "Choose a language from the list."),
        ("timezone", "Mars/Olympus_Mons", "Choose a time zone from the list."),
        ("timezone", "localtime", "Choose a time zone from the list."),
        ("timezone", "", "Choose a time zone from the list."),
        ("article_prefix", "", "Enter a URL prefix."),
        ("article_prefix", "Tin-Tuc", "lowercase letters (a-z), digits and single hyphens"),
        ("article_prefix", "tin tuc", "lowercase letters (a-z), digits and single hyphens"),
        ("article_prefix", "tin_tuc", "lowercase letters (a-z), digits and single hyphens"),
        ("article_prefix", "tin/tuc", "lowercase letters (a-z), digits and single hyphens"),
        ("article_prefix", "tin--tuc", "lowercase letters (a-z), digits and single hyphens"),
        ("article_prefix", "-tin", "lowercase letters (a-z), digits and single hyphens"),
        ("article_prefix", "tin-tức", "lowercase letters (a-z), digits and single hyphens"),
        ("article_prefix", "a" * 41, "lowercase letters (a-z), digits and single hyphens"),
        ("category_prefix", "news", "The article and category prefixes must differ."),
        ("category_prefix", "x" * 41, "lowercase letters (a-z), digits and single hyphens"),
        ("per_page", "0", "Use a number from 1 to 100."),
        ("per_page", "101", "Use a number from 1 to 100."),
        ("per_page", "-5", "Use a number from 1 to 100."),
        ("per_page", "ten", "Enter a whole number, e.g. 10."),
        ("per_page", "2.5", "Enter a whole number, e.g. 10."),
        ("per_page", "", "Enter a whole number, e.g. 10."),
        ("per_page", "١", "Enter a whole number, e.g. 10."),
        ("per_page", "٣", "Enter a whole number, e.g. 10."),
        ("per_page", "²", "Enter a whole number, e.g. 10."),
        ("per_page", "①", "Enter a whole number, e.g. 10."),
        ("per_page", "１", "Enter a whole number, e.g. 10."),
        ("contact_email", "not an email", "Enter a valid email address"),
        ("contact_phone", "call us", "Use digits, spaces and + ( ) . - / only."),
        ("contact_phone", "1" * 41, "Use at most 40 characters."),
        ("contact_address", "x" * 301, "Use at most 300 characters."),
        ("logo_id", "9999", "Choose an image from the list, or no logo."),
        ("logo_id", "abc", "Choose an image from the list, or no logo."),
    ],
)
def test_bad_values_are_refused_and_nothing_is_stored(
    app, client, auth, admin, field, value, message
):
    data = full_form(app, **{"site_name": "A new name that must not be stored", field: value})
    response = auth.post(URL, data)
    assert response.status_code == 422
    assert message in response.text
    assert "nothing was saved" in response.text
    assert f'id="{field}-error"' in response.text  # the message sits on the field
    assert 'aria-invalid="true"' in response.text
    assert stored(app) == {}
    assert audit_entries(app) == []


@pytest.mark.parametrize(
    "word",
    [
        "admin",
        "api",
        "static",
        "media",
        "themes",
        "plugins",
        "search",
        "tag",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "healthz",
    ],
)
@pytest.mark.parametrize("field", ["article_prefix", "category_prefix"])
def test_reserved_words_are_refused_as_prefixes(app, client, auth, admin, field, word):
    response = auth.post(URL, full_form(app, **{field: word}))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert stored(app) == {}


def test_reserved_prefixes_include_every_fixed_route(app):
    from cms.admin.settings_forms import RESERVED_PREFIXES, reserved_prefixes

    app.add_url_rule("/extra-route/<int:n>", "extra_route", lambda n: str(n))
    with app.test_request_context():
        found = reserved_prefixes()
    assert found >= RESERVED_PREFIXES
    assert "extra-route" in found
    assert not any("<" in segment for segment in found)


def test_a_plugin_route_cannot_become_a_prefix(app, client, auth, signed_in):
    app.add_url_rule("/tin-tuc/latest", "plugin_like_route", lambda: "x")
    signed_in("admin")
    response = auth.post(URL, full_form(app, article_prefix="tin-tuc"))
    assert "is used by the site itself" in response.text
    assert stored(app) == {}


def test_several_errors_are_shown_together(app, client, auth, admin):
    response = auth.post(URL, full_form(app, site_name="", per_page="500", locale="xx"))
    assert "Enter the name of the site." in response.text
    assert "Use a number from 1 to 100." in response.text
    assert "Choose a language from the list." in response.text
    assert stored(app) == {}


# -- effect on the public site ----------------------------------------------------------------


def test_the_site_name_shows_on_the_home_page(app, client, auth, admin):
    auth.post(URL, full_form(app, site_name="Cổng thông tin Sở Nội vụ"))
    html = client.get("/").text
    assert "<title>" in html
    assert "Cổng thông tin Sở Nội vụ" in html


def test_contact_details_and_description_show_on_the_public_site(app, client, auth, admin):
    auth.post(
        URL,
        full_form(
            app,
            site_description="Thông tin chính thống của tỉnh",
            contact_phone="0235 3810 000",
            contact_email="lienhe@example.vn",
        ),
    )
    html = client.get("/").text
    assert "Thông tin chính thống của tỉnh" in html
    assert "0235 3810 000" in html
    assert "mailto:lienhe@example.vn" in html


def test_the_article_prefix_changes_article_urls(app, client, auth, admin, make_article):
    article = make_article("Cải cách hành chính")
    assert client.get(f"/news/{article.slug}").status_code == 200
    auth.post(URL, full_form(app, article_prefix="tin-tuc"))
    assert client.get(f"/tin-tuc/{article.slug}").status_code == 200
    assert client.get(f"/news/{article.slug}").status_code == 404
    assert f'href="/tin-tuc/{article.slug}"' in client.get("/").text


def test_the_category_prefix_changes_category_urls(app, client, auth, admin, make_category):
    category = make_category("Tin trong tỉnh")
    assert client.get(f"/category/{category.slug}").status_code == 200
    auth.post(URL, full_form(app, category_prefix="chuyen-muc"))
    assert client.get(f"/chuyen-muc/{category.slug}").status_code == 200
    assert client.get(f"/category/{category.slug}").status_code == 404


def test_the_prefixes_may_be_swapped_at_once(app, client, auth, admin):
    response = auth.post(URL, full_form(app, article_prefix="category", category_prefix="news"))
    assert response.status_code == 302
    assert stored(app) == {"article_prefix": "category", "category_prefix": "news"}


def test_items_per_page_applies_to_listings(app, client, auth, admin, make_category):
    category = make_category("Thời sự")
    from cms.content import save_article

    with app.app_context():
        for i in range(3):
            save_article(
                None,
                {"title": f"Bản tin {i}", "status": "published", "category_id": category.id},
            )
        db.session.commit()
    auth.post(URL, full_form(app, per_page="2"))
    first = client.get(f"/category/{category.slug}").text
    assert sum(f"Bản tin {i}" in first for i in range(3)) == 2
    second = client.get(f"/category/{category.slug}?page=2").text
    assert sum(f"Bản tin {i}" in second for i in range(3)) == 1


def test_the_vietnamese_locale_translates_the_site(app, client, auth, admin):
    assert "No articles have been published yet." in client.get("/").text
    auth.post(URL, full_form(app, locale="vi"))
    html = client.get("/").text
    assert '<html lang="vi">' in html
    assert "Chưa có bài viết nào được đăng." in html
    assert '<html lang="vi">' in client.get(URL).text  # the back office follows


def test_the_time_zone_is_used_for_dates(app, client, auth, admin):
    auth.post(URL, full_form(app, timezone="UTC"))
    with app.test_request_context("/"):
        assert get_setting("timezone") == "UTC"
        from datetime import UTC, datetime

        from cms.i18n import datetime_

        assert datetime_(datetime(2020, 5, 14, 3, 13, tzinfo=UTC)) == "14 May 2020, 03:13"


def test_widget_caches_are_invalidated_by_a_change(app, client, auth, admin):
    from cms import generations

    with app.app_context():
        before = generations.value(generations.WIDGETS)
    auth.post(URL, full_form(app, site_name="Tên mới"))
    with app.app_context():
        assert generations.value(generations.WIDGETS) == before + 1
