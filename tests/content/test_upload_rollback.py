"""An upload whose transaction does not commit leaves no file in the media folder."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from cms.content.uploads import save_upload
from cms.extensions import db
from cms.models import Media, User
from cms.store import flush_all
from tests.database_locks import write_lock

#: A short busy timeout keeps the lock tests quick.
BUSY = 0.5


@pytest.fixture
def app_config(app_config):
    return {**app_config, "DATABASE_BUSY_TIMEOUT": BUSY}


@pytest.fixture(autouse=True)
def _buffers_written(app):
    yield
    flush_all()


def jpeg(side=900):
    out = io.BytesIO()
    Image.linear_gradient("L").resize((side, side)).convert("RGB").save(out, "JPEG")
    return out.getvalue()


def files_on_disk(app):
    return sorted(p for p in Path(app.config["MEDIA_DIR"]).rglob("*") if p.is_file())


def media_count():
    return db.session.execute(select(func.count()).select_from(Media)).scalar_one()


def test_a_committed_upload_keeps_its_files(app, make_user):
    user = make_user()
    with app.app_context():
        uploader = db.session.get(User, user.id)
        media = save_upload(io.BytesIO(jpeg()), "ảnh.jpg", uploaded_by=uploader)
        assert len(files_on_disk(app)) == 4  # original, thumbnail, medium, webp
        db.session.commit()
        names = {media.filename, *media.variants.values()}
    with app.app_context():
        db.session.execute(select(Media)).all()  # a later transaction ends: nothing removed
    root = Path(app.config["MEDIA_DIR"])
    assert {str(p.relative_to(root)) for p in files_on_disk(app)} == names


def test_a_rolled_back_upload_leaves_no_file(app):
    with app.app_context():
        save_upload(io.BytesIO(jpeg()), "ảnh.jpg")
        assert files_on_disk(app)
        db.session.rollback()
        assert files_on_disk(app) == []
        assert media_count() == 0


def test_an_upload_never_committed_leaves_no_file_when_the_session_closes(app):
    with app.app_context():
        save_upload(io.BytesIO(jpeg()), "ảnh.jpg")
        assert files_on_disk(app)
    # The app context's teardown closed the session without a commit.
    assert files_on_disk(app) == []


def test_a_savepoint_released_inside_a_rolled_back_transaction_leaves_no_file(app):
    with app.app_context():
        save_upload(io.BytesIO(jpeg(200)), "một.jpg")
        with db.session.begin_nested():
            save_upload(io.BytesIO(jpeg(200)), "hai.jpg")
        assert len(files_on_disk(app)) == 6
        db.session.rollback()
        assert files_on_disk(app) == []


def test_one_upload_committed_and_the_next_rolled_back(app):
    with app.app_context():
        kept = save_upload(io.BytesIO(jpeg(200)), "giữ.jpg")
        db.session.commit()
        save_upload(io.BytesIO(jpeg(200)), "bỏ.jpg")
        db.session.rollback()
        root = Path(app.config["MEDIA_DIR"])
        remaining = {str(p.relative_to(root)) for p in files_on_disk(app)}
        assert remaining == {kept.filename, *kept.variants.values()}
        assert media_count() == 1


def test_a_commit_refused_by_a_locked_database_leaves_no_file(app, database_url):
    # No user: no rate or quota, whose store writes would meet the lock before any file is.
    with app.app_context():
        with write_lock(database_url):
            save_upload(io.BytesIO(jpeg()), "khóa.jpg")
            assert len(files_on_disk(app)) == 4  # written before the commit is tried
            with pytest.raises(OperationalError):
                db.session.commit()
            db.session.rollback()
        assert files_on_disk(app) == []
        assert media_count() == 0
        # Once the lock is gone, the same upload is stored.
        save_upload(io.BytesIO(jpeg()), "khóa.jpg")
        db.session.commit()
        assert media_count() == 1
        assert len(files_on_disk(app)) == 4
