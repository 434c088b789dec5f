"""The site icon: a default one at ``/favicon.ico``, or an image the admin chose in the settings."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from cms.extensions import db
from cms.models import Media, Setting
from tests.admin.test_media import image_bytes, stored, upload
from tests.admin.test_settings import full_form

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"}
URL = "/admin/settings"


@pytest.fixture
def admin(signed_in):
    return signed_in("admin")


@pytest.fixture
def icon(app):
    with app.app_context():
        media = Media(filename="2026/12/icon.png", original_name="icon.png", mime_type="image/png")
        db.session.add(media)
        db.session.commit()
        return media.id


def test_without_a_choice_the_default_icon_is_served_and_linked(client):
    with client.get("/favicon.ico") as answer:
        assert answer.status_code == 200
        assert answer.mimetype == "image/x-icon"
        assert "max-age=86400" in answer.headers["Cache-Control"]
        data = answer.get_data()
    image = Image.open(io.BytesIO(data))
    assert image.format == "ICO"
    assert (32, 32) in image.info["sizes"]
    home = client.get("/", headers=BROWSER).text
    assert '<link rel="icon" href="/static/favicon.ico' in home


def test_the_chosen_image_is_linked_at_once_and_favicon_ico_leads_to_it(
    app, client, auth, icon, admin
):
    reader = app.test_client()  # anonymous: served from the page cache
    assert '<link rel="icon" href="/static/favicon.ico' in reader.get("/", headers=BROWSER).text
    assert auth.post(URL, full_form(app, favicon_id=str(icon))).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Setting.value).where(Setting.key == "favicon_id")) == icon
    home = reader.get("/", headers=BROWSER).text  # the page cache held the old link
    assert '<link rel="icon" href="/media/2026/12/icon.png">' in home
    answer = reader.get("/favicon.ico")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/media/2026/12/icon.png")
    back_office = client.get(URL).text
    assert '<link rel="icon" href="/media/2026/12/icon.png">' in back_office
    assert f'<option selected value="{icon}">icon.png (#{icon})</option>' in back_office


def test_an_image_that_is_not_in_the_library_is_refused_and_nothing_changes(app, auth, icon, admin):
    answer = auth.post(URL, full_form(app, favicon_id=str(icon + 1000), site_name="Đổi tên"))
    assert answer.status_code == 422
    assert "Choose an image from the list, or the default icon." in answer.text
    with app.app_context():
        assert db.session.scalar(select(Setting.value).where(Setting.key == "site_name")) is None
        assert db.session.scalar(select(Setting.value).where(Setting.key == "favicon_id")) is None


def test_the_icon_in_use_is_not_deleted(app, auth, admin):
    assert upload(auth, [("icon.png", image_bytes("PNG", (64, 64)))]).status_code == 302
    [item] = stored(app)
    assert auth.post(URL, full_form(app, favicon_id=str(item.id))).status_code == 302
    url = f"/admin/media/{item.id}"
    answer = auth.post(f"{url}/delete", {}, form_url=url, follow_redirects=True)
    assert "still used by the site icon" in answer.text
    assert [m.id for m in stored(app)] == [item.id]
