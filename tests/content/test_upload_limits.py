"""Upload rate and storage quota per user, in the shared store, across workers and backends."""

import io
import random
import threading
import time
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from cms.content import set_setting
from cms.content.errors import ContentError
from cms.content.upload_limits import (
    MEGABYTE,
    RESERVATION_SLOT,
    RESERVATION_SLOTS,
    UploadQuotaExceeded,
    UploadRateLimited,
    used_bytes,
)
from cms.content.uploads import save_upload
from cms.extensions import db
from cms.models import Media, User
from cms.store import flush_all, get_store

DEAD_REDIS = "redis://127.0.0.1:1/0"

#: Bytes of one stored :func:`noise_png` (300 px), give or take a few: noise does not compress.
NOISE_BYTES = 360_827


def noise_png(side=300, seed=1):
    """An RGBA PNG of random pixels: stored as a PNG of about ``side * side * 4`` bytes."""
    pixels = random.Random(seed).randbytes(side * side * 4)
    out = io.BytesIO()
    Image.frombytes("RGBA", (side, side), pixels).save(out, "PNG")
    return out.getvalue()


def small_jpeg(color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _buffers_written(make_app):
    yield
    flush_all()


@pytest.fixture(params=["database", "redis", "redis-down"])
def redis_setting(request):
    """The store of the workers: the database, Redis, or a Redis that is down (a closed port)."""
    if request.param == "redis":
        return request.getfixturevalue("redis_url")
    return DEAD_REDIS if request.param == "redis-down" else None


@pytest.fixture
def workers(make_app, redis_setting):
    """Two apps ("workers") on the same database, media folder and store settings."""
    return make_app(REDIS_URL=redis_setting), make_app(REDIS_URL=redis_setting)


def configure(app, **values):
    with app.app_context():
        for key, value in values.items():
            set_setting(key, value)
        db.session.commit()


def upload(app, user_id, data=None, name="ảnh.jpg", commit=True):
    """Upload through the service as ``user_id`` in ``app``; returns the new media's id."""
    with app.app_context():
        user = db.session.get(User, user_id)
        media = save_upload(io.BytesIO(data or small_jpeg()), name, uploaded_by=user)
        if commit:
            db.session.commit()
            return media.id
        return media


def rows(app, user_id=None):
    with app.app_context():
        query = select(Media)
        if user_id is not None:
            query = query.where(Media.uploaded_by_id == user_id)
        return db.session.scalars(query).all()


def files_on_disk(app):
    root = Path(app.config["MEDIA_DIR"])
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def files_of(media_rows):
    return {name for m in media_rows for name in [m.filename, *(m.variants or {}).values()]}


# -- the rate -------------------------------------------------------------------------------


def test_the_rate_is_shared_by_workers_and_refuses_with_a_message(workers, make_user):
    first, second = workers
    user = make_user("editor@example.org", role="editor")
    configure(first, upload_rate_count=3, upload_rate_minutes=10)
    upload(first, user.id)
    upload(second, user.id)
    upload(first, user.id)
    stored_files = files_on_disk(first)
    for app in (second, first):  # each worker refuses the fourth: the count is shared
        with pytest.raises(UploadRateLimited) as refused:
            upload(app, user.id, name="thừa.jpg")
        message = refused.value.errors["file"]
        assert "You have reached the upload limit (3 images every 10 min)" in message
        assert "try again in" in message
        assert 1 <= refused.value.retry_after <= 600
    assert len(rows(first)) == 3
    assert files_on_disk(first) == stored_files == files_of(rows(first))


def test_the_rate_is_per_user(make_app, make_user):
    app = make_app()
    one = make_user("one@example.org", role="author")
    other = make_user("other@example.org", role="author")
    configure(app, upload_rate_count=1)
    upload(app, one.id)
    with pytest.raises(UploadRateLimited):
        upload(app, one.id)
    upload(app, other.id)
    assert len(rows(app, one.id)) == len(rows(app, other.id)) == 1


def test_admins_are_limited_too(make_app, make_user):
    app = make_app()
    admin = make_user("admin@example.org", role="admin")
    configure(app, upload_rate_count=1)
    upload(app, admin.id)
    with pytest.raises(UploadRateLimited):
        upload(app, admin.id)


def test_retry_after_is_the_end_of_the_window(make_app, make_user):
    app = make_app()
    user = make_user()
    configure(app, upload_rate_count=1, upload_rate_minutes=7)
    upload(app, user.id)
    with pytest.raises(UploadRateLimited) as refused:
        upload(app, user.id)
    window = 7 * 60
    assert abs(refused.value.retry_after - (window - time.time() % window)) <= 1.5
    assert "(1 image every 7 min)" in refused.value.errors["file"]


def test_zero_turns_both_limits_off(make_app, make_user):
    app = make_app()
    user = make_user()
    configure(app, upload_rate_count=0, upload_quota_mb=0)
    for seed in range(4):
        upload(app, user.id, noise_png(seed=seed), name=f"{seed}.png")
    assert len(rows(app)) == 4


def test_uploads_without_a_user_are_not_limited(make_app):
    app = make_app()
    configure(app, upload_rate_count=1, upload_quota_mb=1)
    with app.app_context():
        for seed in range(4):
            save_upload(io.BytesIO(noise_png(seed=seed)), "script.png")
        db.session.commit()
    assert len(rows(app)) == 4


# -- the quota ------------------------------------------------------------------------------


def test_the_quota_refuses_with_a_message_and_writes_nothing(workers, make_user):
    first, second = workers
    user = make_user()
    configure(first, upload_quota_mb=1)
    upload(first, user.id, noise_png(seed=1), name="một.png")
    upload(second, user.id, noise_png(seed=2), name="hai.png")
    used = sum(m.size for m in rows(first))
    assert used == pytest.approx(2 * NOISE_BYTES, abs=100)
    before = files_on_disk(first)
    for app in (first, second):
        with pytest.raises(UploadQuotaExceeded) as refused:
            upload(app, user.id, noise_png(seed=3), name="ba.png")
        assert refused.value.errors["file"] == (
            "ba.png was not uploaded: your uploads would exceed your storage quota of 1 MB "
            "(you use 0.7 MB)."
        )
        assert refused.value.room == MEGABYTE - used
    assert len(rows(first)) == 2
    assert files_on_disk(first) == before == files_of(rows(first))
    upload(second, user.id, small_jpeg(), name="nhỏ.jpg")  # a small one still fits
    assert len(rows(first)) == 3


def test_a_full_quota_refuses_before_decoding(make_app, make_user):
    app = make_app()
    user = make_user()
    configure(app, upload_quota_mb=2)
    for seed in range(3):
        upload(app, user.id, noise_png(seed=seed))
    configure(app, upload_quota_mb=1)  # lowered below what is stored: the quota is full
    with pytest.raises(UploadQuotaExceeded) as refused:
        upload(app, user.id, b"not even an image", name="rác.png")
    assert refused.value.room == 0  # refused for the quota, before its content was looked at
    assert "storage quota of 1 MB (you use 1 MB)" in refused.value.errors["file"]
    assert len(rows(app)) == 3


def used_bytes_of(app, user_id):
    with app.app_context():
        return used_bytes(user_id)


def test_the_quota_counts_each_users_own_images(make_app, make_user):
    app = make_app()
    one = make_user("one@example.org")
    other = make_user("other@example.org")
    configure(app, upload_quota_mb=1)
    upload(app, one.id, noise_png(seed=1))
    upload(app, one.id, noise_png(seed=2))
    upload(app, other.id, noise_png(seed=3))
    upload(app, other.id, noise_png(seed=4))
    assert used_bytes_of(app, one.id) == pytest.approx(2 * NOISE_BYTES, abs=100)
    assert used_bytes_of(app, other.id) == pytest.approx(2 * NOISE_BYTES, abs=100)


def test_deleting_an_image_frees_its_bytes(make_app, make_user):
    app = make_app()
    user = make_user()
    configure(app, upload_quota_mb=1)
    first = upload(app, user.id, noise_png(seed=1))
    upload(app, user.id, noise_png(seed=2))
    with pytest.raises(UploadQuotaExceeded):
        upload(app, user.id, noise_png(seed=3))
    with app.app_context():
        db.session.delete(db.session.get(Media, first))
        db.session.commit()
    upload(app, user.id, noise_png(seed=3))
    assert used_bytes_of(app, user.id) == pytest.approx(2 * NOISE_BYTES, abs=100)


def test_an_uncommitted_upload_holds_its_bytes_against_another_worker(workers, make_user):
    """The race the reservation guards: a file written but not committed yet still counts."""
    first, second = workers
    user = make_user()
    configure(first, upload_quota_mb=1)
    upload(first, user.id, noise_png(seed=1))
    with first.app_context():
        pending = save_upload(
            io.BytesIO(noise_png(seed=2)), "đang lưu.png", uploaded_by=db.session.get(User, user.id)
        )
        assert used_bytes(user.id) < MEGABYTE / 2  # the database does not see it yet...
        with pytest.raises(UploadQuotaExceeded):  # ...but the other worker does
            upload(second, user.id, noise_png(seed=3))
        db.session.commit()
        pending_id = pending.id
    with pytest.raises(UploadQuotaExceeded):  # now the database holds it
        upload(second, user.id, noise_png(seed=3))
    assert {m.id for m in rows(first)} >= {pending_id}
    assert reserved(first, user.id) == 0


def test_a_rolled_back_upload_gives_its_bytes_back(workers, make_user):
    first, second = workers
    user = make_user()
    configure(first, upload_quota_mb=1)
    upload(first, user.id, noise_png(seed=1))
    with first.app_context():
        owner = db.session.get(User, user.id)
        save_upload(io.BytesIO(noise_png(seed=2)), "bỏ.png", uploaded_by=owner)
        assert reserved(first, user.id) == pytest.approx(NOISE_BYTES, abs=100)
        db.session.rollback()
    assert reserved(first, user.id) == 0
    upload(second, user.id, noise_png(seed=3))
    assert len(rows(first)) == 2


def test_a_refused_upload_holds_nothing(make_app, make_user):
    app = make_app()
    user = make_user()
    configure(app, upload_quota_mb=1)
    upload(app, user.id, noise_png(seed=1))
    upload(app, user.id, noise_png(seed=2))
    with pytest.raises(UploadQuotaExceeded):
        upload(app, user.id, noise_png(seed=3))
    with pytest.raises(ContentError):
        upload(app, user.id, b"GIF89a broken", name="hỏng.gif")
    assert reserved(app, user.id) == 0


def reserved(app, user_id):
    """The bytes held in the store for ``user_id`` in the slots that count now."""
    slot = int(time.time() // RESERVATION_SLOT)
    keys = [f"upload:reserved:{user_id}:{s}" for s in range(slot - RESERVATION_SLOTS, slot + 2)]
    with app.app_context():
        return sum(get_store().get_many(keys).values())


def test_forgotten_and_negative_reservations_do_not_shrink_the_quota(make_app, make_user):
    """A worker that died holding bytes, or a release that went elsewhere: both wear off."""
    app = make_app()
    user = make_user()
    configure(app, upload_quota_mb=1)
    slot = int(time.time() // RESERVATION_SLOT)
    with app.app_context():
        store = get_store()
        # Held by a worker that died long ago: outside the slots that count.
        store.incr(f"upload:reserved:{user.id}:{slot - RESERVATION_SLOTS - 1}", 10 * MEGABYTE, 3600)
        # A release without its reservation: counts as nothing, not as room.
        store.incr(f"upload:reserved:{user.id}:{slot - 1}", -10 * MEGABYTE, 3600)
    upload(app, user.id, noise_png(seed=1))
    upload(app, user.id, noise_png(seed=2))
    with pytest.raises(UploadQuotaExceeded):
        upload(app, user.id, noise_png(seed=3))


@pytest.mark.parametrize("redis_setting", ["database", "redis"], indirect=True)
def test_concurrent_uploads_from_two_workers_never_exceed_the_quota(workers, make_user):
    first, second = workers
    user = make_user()
    configure(first, upload_quota_mb=1, upload_rate_count=0)
    count = 8
    data = [noise_png(seed=seed) for seed in range(count)]
    barrier = threading.Barrier(count)
    outcomes: list[object] = [None] * count

    def run(index):
        app = (first, second)[index % 2]
        barrier.wait()
        try:
            outcomes[index] = upload(app, user.id, data[index], name=f"{index}.png")
        except ContentError as exc:
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    started = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    one_slot = int(started // RESERVATION_SLOT) == int(time.time() // RESERVATION_SLOT)
    stored = rows(first, user.id)
    refused = [o for o in outcomes if isinstance(o, ContentError)]
    assert len(stored) <= 2
    if one_slot:  # uploads reserving in one slot are ordered: the first ones that fit pass
        assert len(stored) == 2
    assert sum(m.size for m in stored) <= MEGABYTE
    assert len(stored) + len(refused) == count
    assert all(isinstance(o, UploadQuotaExceeded) for o in refused)
    assert files_on_disk(first) == files_of(stored)
    assert reserved(first, user.id) == 0
