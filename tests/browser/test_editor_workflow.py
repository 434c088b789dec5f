"""An editor, in Chromium: sign in, upload an image, write a draft, preview it, publish it."""

from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from cms.extensions import db
from cms.models import Article, Media

pytestmark = pytest.mark.browser


def test_editor_writes_previews_and_publishes_an_article_with_an_image(
    app, live_server, page, make_user, tmp_path
):
    if not (Path(app.static_folder) / "vendor/quill/quill.js").is_file():
        pytest.skip("Quill is not vendored: run scripts/vendor-assets.sh")
    make_user(email="editor@example.org", role="editor")
    picture = tmp_path / "hoa-ban.jpg"
    Image.new("RGB", (1200, 800), (40, 120, 60)).save(picture, "JPEG")

    page.goto(live_server + "/admin/login?next=/admin/media")
    page.fill("#email", "editor@example.org")
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/admin/media")

    page.set_input_files("input[type=file]", str(picture))
    page.fill("#alt", "Hoa ban nở trắng núi rừng")
    page.click("form.upload button[type=submit]")
    page.wait_for_url(live_server + "/admin/media")
    with app.app_context():
        media = db.session.execute(select(Media)).scalar_one()
        media_id = media.id

    page.goto(live_server + "/admin/articles/new")
    page.fill("#title", "Lễ hội Hoa Ban năm nay")
    page.locator(".rich-editor .ql-editor").click()
    page.keyboard.type("Lễ hội khai mạc tại quảng trường trung tâm.")
    page.select_option("#image", str(media_id))
    page.select_option("#status", "draft")
    page.click("form.article-form button[type=submit]")
    page.wait_for_url("**/edit")
    with app.app_context():
        article = db.session.execute(select(Article)).unique().scalar_one()
        article_id, slug = article.id, article.slug
        assert article.status == "draft"
        assert article.image_id == media_id

    assert page.context.request.get(f"{live_server}/news/{slug}").status == 404  # not public yet
    page.goto(f"{live_server}/admin/articles/{article_id}/preview")
    assert page.locator(".cms-preview-banner").is_visible()
    assert page.locator("h1").first.text_content().strip() == "Lễ hội Hoa Ban năm nay"

    page.goto(f"{live_server}/admin/articles/{article_id}/edit")
    page.select_option("#status", "published")
    page.click("form.article-form button[type=submit]")
    page.wait_for_url("**/edit")

    page.goto(f"{live_server}/news/{slug}")
    assert page.locator("h1").first.text_content().strip() == "Lễ hội Hoa Ban năm nay"
    assert (
        "Lễ hội khai mạc tại quảng trường trung tâm."
        in page.locator(".article__body").text_content()
    )
    image = page.locator(".article__image img")
    assert image.get_attribute("alt") == "Hoa ban nở trắng núi rừng"
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", image.element_handle())
