"""Image names and alt texts are shown as they are: no control or bidi-override characters."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from cms.content import save_article, set_setting
from cms.content.media import media_name, visible_text
from cms.extensions import db
from cms.models import Media

#: Bidi embeddings, overrides, isolates and marks (UAX #9), the Arabic letter mark, C0 and C1,
HIDDEN = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
    "\x01",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9b",
    # zero-width space, joiners, word joiner, BOM, a tag letter, Mongolian vowel separator,
    # soft hyphen, deprecated format characters, and the Hangul fillers that draw nothing
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\U000e0041",
    "\u180e",
    "\u00ad",
    "\u206a",
    "\u206f",
    "\u3164",
    "\u115f",
]
GENERATED = re.compile(r"^\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|png|gif|webp)$")


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 90, 30)).save(out, "JPEG")
    return out.getvalue()


def upload(auth, name, alt):
    data = {"alt": alt, "files": [(io.BytesIO(jpeg()), name)]}
    return auth.post(
        "/admin/media", data, form_url="/admin/media", content_type="multipart/form-data"
    )


def assert_clean(text: str) -> None:
    for char in HIDDEN:
        assert char not in text, repr(char)


@pytest.mark.parametrize("char", HIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_visible_text_removes_the_character(char):
    assert visible_text(f"ảnh{char}gpj.exe") == "ảnhgpj.exe"


def test_visible_text_keeps_ordinary_names():
    assert visible_text("  Lễ hội  hoa ban.jpg ") == "Lễ hội hoa ban.jpg"
    assert visible_text("صورة.jpg") == "صورة.jpg"  # right-to-left letters are fine
    assert visible_text(None) == ""


def test_an_uploaded_name_with_a_right_to_left_override_is_shown_as_it_is(
    signed_in, auth, app, client
):
    signed_in("editor")
    # Shown raw, "photo\u202egpj.exe" reads as "photoexe.jpg".
    response = upload(auth, "photo\u202egpj.exe", "Hoa\u202eban\u2066 nở\x85")
    assert response.status_code == 302
    with app.app_context():
        [item] = db.session.execute(select(Media)).scalars().all()
        assert item.original_name == "photogpj.exe"
        assert item.alt == "Hoaban nở"
        assert GENERATED.match(item.filename)
        assert "gpj" not in item.filename
        media_id = item.id
    grid = client.get("/admin/media").text
    assert "photogpj.exe" in grid
    assert_clean(grid)
    detail = client.get(f"/admin/media/{media_id}").text
    assert "<h1>photogpj.exe</h1>" in detail
    assert_clean(detail)


@pytest.mark.parametrize("char", HIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_names_already_stored_are_shown_without_hidden_characters(
    signed_in, auth, app, client, api_token, char
):
    signed_in("admin")
    with app.app_context():
        media = Media(
            filename="2024/01/" + "a" * 32 + ".jpg",
            original_name=f"cv{char}fdp.exe",
            alt=f"Ảnh{char} minh họa",
            mime_type="image/jpeg",
            width=40,
            height=30,
            size=100,
            variants={},
        )
        db.session.add(media)
        db.session.flush()
        article = save_article(
            None, {"title": "Có ảnh", "image_id": media.id, "status": "published"}
        )
        set_setting("logo_id", media.id)
        db.session.commit()
        assert media_name(media) == "cvfdp.exe"
        media_id, article_id = media.id, article.id
    Path(app.config["MEDIA_DIR"], "2024/01").mkdir(parents=True)
    pages = {
        "grid": client.get("/admin/media").text,
        "detail": client.get(f"/admin/media/{media_id}").text,
        "article images": client.get(f"/admin/articles/{article_id}/edit").text,
        "new article images": client.get("/admin/articles/new").text,
        "logo choices": client.get("/admin/settings").text,
        "search": client.get("/admin/media?q=fdp").text,
    }
    for where, text in pages.items():
        assert "cvfdp.exe" in text, where
        assert char not in text, where
    token = api_token("editor")
    image = client.get(
        f"/api/v1/articles/{article_id}", headers={"Authorization": f"Bearer {token}"}
    ).json["image"]
    assert image["alt"] == "Ảnh minh họa"
    assert_clean(repr(image))


def test_alt_text_edits_drop_hidden_characters(signed_in, auth, app):
    signed_in("editor")
    upload(auth, "a.jpg", "x")
    with app.app_context():
        [item] = db.session.execute(select(Media)).scalars().all()
        media_id = item.id
    response = auth.post(f"/admin/media/{media_id}", {"alt": "Cầu\u202e Suối\x9b Ngọc"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Media, media_id).alt == "Cầu Suối Ngọc"
