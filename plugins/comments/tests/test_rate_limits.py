"""The per-address and per-article limits hold exactly: under threads, on the database store,
with Redis unreachable, and refused comments (repeats) use up nothing."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import time_machine

from cms import store
from plugins.comments.posting import Refused, give_back, take_rate_limits
from plugins.comments.settings import current_settings
from plugins.comments.tests.helpers import answer_of, rows, send, settings

LIMIT = 7


def _next_hour() -> datetime:
    """A moment well inside an hour window, so no test straddles two windows."""
    return datetime.now(UTC).replace(minute=0, second=1, microsecond=0) + timedelta(hours=1)


def test_refused_repeats_use_up_none_of_the_article_limit(app, client, thread, article, quick):
    settings(app, article_per_hour=3, address_interval=0, address_per_hour=0)
    with time_machine.travel(_next_hour(), tick=False):
        assert send(client, app, article, body="Lần đầu").status_code == 303
        for _ in range(3):
            assert send(client, app, article, body="Lần đầu").status_code == 409
        assert send(client, app, article, body="Ý kiến hai").status_code == 303
        assert send(client, app, article, body="Ý kiến ba").status_code == 303
        assert send(client, app, article, body="Ý kiến bốn").status_code == 429
    assert [row.body for row in rows(app)] == ["Lần đầu", "Ý kiến hai", "Ý kiến ba"]


def test_many_readers_at_once_get_exactly_the_article_limit(app, article):
    """Threads, each a reader of its own, through the API (SQLite, or PostgreSQL and Redis)."""
    settings(app, article_per_hour=LIMIT, address_interval=0, address_per_hour=0)

    def comment(index: int) -> int:
        reader = app.test_client()
        environ = {"REMOTE_ADDR": f"10.20.{index // 200}.{index % 200 + 1}"}
        found = reader.post("/api/v1/captcha", json={}, environ_base=environ).get_json()
        body = {
            "name": f"Bạn đọc {index}",
            "body": "Trùng lặp" if index % 5 == 0 else f"Ý kiến {index}",
            "captcha_id": found["captcha_id"],
            "captcha_answer": answer_of(app, found["captcha_id"]),
        }
        url = f"/api/v1/articles/{article.id}/comments"
        return reader.post(url, json=body, environ_base=environ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(comment, range(40)))
    assert statuses.count(201) == LIMIT, sorted(statuses)
    assert set(statuses) <= {201, 409, 429}
    assert len(rows(app)) == LIMIT


def _dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again: nobody listens there


def test_the_limit_holds_exactly_on_the_database_while_redis_is_down(make_app, article):
    """Redis configured but unreachable: the database counts, atomically, as exactly."""
    down = make_app(REDIS_URL=f"redis://127.0.0.1:{_dead_port()}/0")
    settings(down, article_per_hour=LIMIT, address_interval=1, address_per_hour=0)
    with down.app_context():
        options = current_settings()
    now = _next_hour().timestamp()

    def attempt(index: int) -> bool:
        with down.app_context():
            try:
                taken = take_rate_limits(article.id, f"reader-{index}", options, now)
            except Refused:
                return False
            if index % 4 == 0 and index < 20:  # refused afterwards (a repeat): given back
                give_back(taken, now)
                return False
            return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        passed = list(pool.map(attempt, range(60)))
    # A hit given back a moment after another attempt saw the limit reached may leave a
    # slot free: the limit promises "never more", and the slots left are taken in turn.
    allowed = passed.count(True)
    assert allowed <= LIMIT
    allowed += sum(attempt(index) for index in range(100, 100 + LIMIT - allowed))
    assert allowed == LIMIT
    assert not attempt(200)
    with down.app_context():
        assert store.get_store().redis is None  # it was the database that counted
        key = f"{store.LIMIT_PREFIX}hit:comments:article:{article.id}:{int(now // 3600)}"
        assert store.get_store().database.get_many([key], now)[key] == LIMIT
