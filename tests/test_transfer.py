"""cms export / cms import: content and media round-trip exactly."""

import json
import zipfile
from pathlib import Path

import pytest

from cms.content import save_article, save_category, save_page, set_setting
from cms.extensions import db
from cms.models import Media


@pytest.fixture
def content(app, make_user):
    author = make_user(email="bientap@example.org", role="editor", name="Biên tập")
    with app.app_context():
        from cms.models import User

        user = db.session.get(User, author.id)
        set_setting("site_name", "Cổng thông tin thử nghiệm")
        media_dir = Path(app.config["MEDIA_DIR"])
        (media_dir / "2026" / "11").mkdir(parents=True)
        (media_dir / "2026" / "11" / "anh.jpg").write_bytes(b"\xff\xd8fake-jpeg-bytes")
        image = Media(
            filename="2026/11/anh.jpg",
            mime_type="image/jpeg",
            width=10,
            height=5,
            size=17,
            alt="Ảnh",
            variants={},
        )
        db.session.add(image)
        news = save_category(None, {"name": "Tin tức"})
        db.session.commit()
        child = save_category(None, {"name": "Tin trong tỉnh", "parent_id": news.id})
        db.session.commit()
        article = save_article(
            None,
            {"title": "Cải cách hành chính", "body_html": "<p>Nội dung</p>", "status": "published",
             "category_id": child.id, "tags": ["CCHC", "Điện Biên"], "image_id": image.id},
            author=user,
        )  # fmt: skip
        db.session.commit()
        save_article(article, {"slug": "cai-cach"})
        save_page(None, {"title": "Giới thiệu", "body_html": "<p>Về chúng tôi</p>"})
        db.session.commit()
    return app


def contents(path):
    """The archive's content.json (without the export time) and its media files."""
    with zipfile.ZipFile(path) as archive:
        data = json.loads(archive.read("content.json"))
        media = {n: archive.read(n) for n in archive.namelist() if n.startswith("media/")}
    data.pop("exported_at")
    return data, media


def test_export_then_import_round_trips_exactly(content, runner, tmp_path):
    first = tmp_path / "site.zip"
    result = runner.invoke(args=["cms", "export", str(first)])
    assert result.exit_code == 0, result.output
    data, media = contents(first)
    assert data["tables"]["article"][0]["slug"] == "cai-cach"
    assert data["tables"]["user"][0]["password_hash"].startswith("scrypt:")
    assert "api_token" not in data["tables"]
    assert media == {"media/2026/11/anh.jpg": b"\xff\xd8fake-jpeg-bytes"}

    # Empty the site (rows and media files), then take the archive back.
    import shutil

    with content.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
    shutil.rmtree(content.config["MEDIA_DIR"])
    other = content
    imported = other.test_cli_runner().invoke(args=["cms", "import", str(first)])
    assert imported.exit_code == 0, imported.output
    second = tmp_path / "again.zip"
    assert other.test_cli_runner().invoke(args=["cms", "export", str(second)]).exit_code == 0
    assert contents(second) == contents(first)
    client = other.test_client()
    assert "Nội dung" in client.get("/news/cai-cach").text
    assert client.get("/news/cai-cach-hanh-chinh").status_code == 301


def test_import_refuses_a_site_with_content(content, runner, tmp_path):
    archive = tmp_path / "site.zip"
    runner.invoke(args=["cms", "export", str(archive)])
    result = runner.invoke(args=["cms", "import", str(archive)])
    assert result.exit_code == 1
    assert "import into an empty site" in result.output


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("not-zip.zip", b"plain text", "is not a Portal CMS export"),
        ("empty.zip", {}, "has no content.json"),
        ("other.zip", {"other.txt": "x"}, "unexpected file in the archive"),
        ("bad.zip", {"content.json": "{not json"}, "content.json is not readable JSON"),
    ],
)
def test_import_refuses_bad_files(runner, tmp_path, name, data, message):
    path = tmp_path / name
    if isinstance(data, dict):
        with zipfile.ZipFile(path, "w") as archive:
            for member, text in data.items():
                archive.writestr(member, text)
    else:
        path.write_bytes(data)
    result = runner.invoke(args=["cms", "import", str(path)])
    assert result.exit_code == 1
    assert message in result.output


def test_import_refuses_paths_outside_the_media_folder(runner, tmp_path, app):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("content.json", json.dumps({"format": 1}))
        archive.writestr("media/../../evil.txt", "x")
    result = runner.invoke(args=["cms", "import", str(path)])
    assert result.exit_code == 1
    assert "unsafe path" in result.output
    assert not (Path(app.config["MEDIA_DIR"]).parent.parent / "evil.txt").exists()


def test_new_content_after_an_import_gets_fresh_ids(content, runner, tmp_path):
    archive = tmp_path / "site.zip"
    runner.invoke(args=["cms", "export", str(archive)])
    with content.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
    assert runner.invoke(args=["cms", "import", str(archive)]).exit_code == 0
    with content.app_context():
        article = save_article(None, {"title": "Bài sau khi nhập"})
        category = save_category(None, {"name": "Chuyên mục mới"})
        db.session.commit()
        assert article.id > 1
        assert category.id > 2
