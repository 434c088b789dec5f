"""The purge-log poll and the counters read run in a thread: a cache hit never waits on them.

A database that accepts connections and never answers (a PostgreSQL server
that is SIGSTOPped still acknowledges TCP) used to hold up the one hit a
second that polled. Hits now use what the poll thread read last, go to Flask
once it is stale, and come back when the database answers again.
"""

from __future__ import annotations

import statistics
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from cms import page_cache
from cms.content import save_article
from cms.extensions import db
from cms.models import Article, utcnow
from cms.page_cache import purge_log
from cms.page_cache.middleware import PageCache
from cms.public import views
from tests.database_locks import write_lock
from tests.database_proxy import PausableProxy, proxied_test_postgres
from tests.page_cache.helpers import BROWSER, state


def cache_of(app: Flask) -> PageCache:
    cache = page_cache.get_page_cache(app)
    assert cache is not None, "the page cache is off"
    return cache


def engine_of(app: Flask) -> Any:
    with app.app_context():
        return db.engine


def quick(app: Flask, stale_after: float = 1.0, wait: float = 0.3) -> PageCache:
    """``app``'s page cache, with a snapshot stale after ``stale_after`` s (the test's pace)."""
    cache = cache_of(app)
    cache.purge_log.stale_after, cache.purge_log.wait = stale_after, wait
    return cache


def no_promotion() -> None:
    """Keep the per-page task that promotes scheduled articles (a write) off the next hits."""
    views._last_promotion = time.monotonic()


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


#: Seconds a statement waits for a database that does not answer (:func:`unanswered`).
HANG = 10.0
#: Longest time a quick answer may take on a loaded test machine: far below :data:`HANG`.
QUICK = 1.0


@contextmanager
def unanswered(engine: Any) -> Iterator[threading.Event]:
    """Every statement on ``engine`` waits (at most :data:`HANG` s) until the event yielded is set.

    The listener stays registered, as a no-op: removing it while another
    thread runs it breaks that thread's loop over the engine's listeners.
    """
    answer = threading.Event()

    def wait(*_args: Any) -> None:
        answer.wait(HANG)

    event.listen(engine, "before_cursor_execute", wait)
    try:
        yield answer
    finally:
        answer.set()


def hits_while_fresh(client: Any, url: str, cache: PageCache, margin: float) -> int:
    """Ask for ``url`` until the snapshot is ``margin`` s from stale; each must be a quick hit."""
    snapshot = cache.purge_log.snapshot
    assert snapshot is not None
    count = 0
    while time.monotonic() < snapshot.started + cache.purge_log.stale_after - margin:
        started = time.monotonic()
        answer = client.get(url, headers=BROWSER)
        took = time.monotonic() - started
        assert state(answer) == "hit", f"{answer.status_code} {state(answer)}"
        assert took < QUICK, f"a hit waited {took:.2f} s"
        count += 1
    return count


def test_hits_never_wait_for_a_database_that_stopped_answering(make_app, make_article):
    """Served from the cache while the last poll is fresh; then through Flask, which waits
    for the database (released here after 0.5 s); then from the cache again."""
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    app = make_app(PAGE_CACHE_POLL=0.1)
    cache = quick(app, stale_after=2.0)
    client = app.test_client()
    client.get(url, headers=BROWSER)
    assert state(client.get(url, headers=BROWSER)) == "hit"
    no_promotion()
    with unanswered(engine_of(app)) as answer:
        time.sleep(0.15)  # the thread's next poll started and hangs
        assert hits_while_fresh(client, url, cache, margin=QUICK) > 0
        snapshot = cache.purge_log.snapshot
        assert snapshot is not None
        time.sleep(
            max(0.0, snapshot.started + cache.purge_log.stale_after + 0.1 - time.monotonic())
        )
        threading.Timer(0.5, answer.set).start()
        started = time.monotonic()
        stale = client.get(url, headers=BROWSER)  # to Flask, which waits for the database
        took = time.monotonic() - started
    assert stale.status_code == 200
    assert state(stale) is None, "a page was answered from the cache past its poll"
    assert took >= 0.4  # Flask waited for the database, the cache did not answer
    assert eventually(lambda: state(client.get(url, headers=BROWSER)) == "hit")


def test_a_poll_that_never_returns_is_given_up_for_a_new_thread(
    make_app, make_article, monkeypatch
):
    """A connection to a server that vanished can block for hours; a new thread polls."""
    monkeypatch.setattr(purge_log, "STUCK_AFTER", 0.5)
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    app = make_app(PAGE_CACHE_POLL=0.1)
    cache = quick(app, stale_after=0.3, wait=0.1)
    client = app.test_client()
    client.get(url, headers=BROWSER)
    assert state(client.get(url, headers=BROWSER)) == "hit"
    no_promotion()
    stuck = cache.purge_log._thread
    assert stuck is not None
    with app.app_context():
        engine = db.engine
        with unanswered(engine) as answer:

            def given_up() -> bool:  # no request waits meanwhile
                started = time.monotonic()
                cache.purge_log.view(engine)
                assert time.monotonic() - started < QUICK
                return cache.purge_log._thread is not stuck

            assert eventually(given_up)
            fresh = cache.purge_log._thread
            assert fresh is not None
            assert fresh.is_alive()
            assert cache.purge_log.view(engine) is None  # its poll gets no answer either
            answer.set()
    stuck.join(timeout=5)
    assert not stuck.is_alive(), "the thread given up did not end"
    assert eventually(lambda: state(client.get(url, headers=BROWSER)) == "hit")


def test_a_long_write_lock_holds_up_no_hit(make_app, make_article, database_url):
    """SQLite in WAL mode, PostgreSQL in EXCLUSIVE mode: reads go on, so the polls do too."""
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    app = make_app(PAGE_CACHE_POLL=0.1)
    quick(app, stale_after=1.0)
    client = app.test_client()
    client.get(url, headers=BROWSER)
    assert state(client.get(url, headers=BROWSER)) == "hit"
    no_promotion()
    durations = []
    with write_lock(database_url):
        until = time.monotonic() + 2.5  # well past the staleness
        while time.monotonic() < until:
            started = time.monotonic()
            assert state(client.get(url, headers=BROWSER)) == "hit"
            durations.append(time.monotonic() - started)
    # A hit waiting for the lock would wait all of it (2.5 s); a loaded machine may
    # still stall one for a moment, so the typical hit is what must be quick.
    assert max(durations) < 2.0, durations
    assert statistics.median(durations) < QUICK / 10, durations


@pytest.mark.parametrize("promotion_due", [False, True])
def test_a_hit_runs_no_sql_on_its_own_thread(make_app, make_article, promotion_due):
    """Not even when scheduled articles are due: the poll thread promotes them, so a
    database that stops answering mid-promotion never holds a hit up."""
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    app = make_app(PAGE_CACHE_POLL=0.05)
    client = app.test_client()
    client.get(url, headers=BROWSER)
    assert state(client.get(url, headers=BROWSER)) == "hit"
    no_promotion()
    if promotion_due:
        due = make_article(
            "Bài hẹn giờ đã đến hạn", status="scheduled", published_at=utcnow() + timedelta(hours=1)
        )
        with app.app_context():
            db.session.get(Article, due.id).published_at = utcnow() - timedelta(minutes=1)
            db.session.commit()
        views._last_promotion = 0.0
    seen: list[tuple[str, str]] = []
    recording = threading.Event()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if recording.is_set():  # stays registered: see ``unanswered``
            seen.append((threading.current_thread().name, statement))

    event.listen(engine_of(app), "before_cursor_execute", record)
    recording.set()
    here = threading.current_thread().name
    hits = 0
    for _ in range(10):
        before = len([name for name, _ in seen if name == here])
        served = state(client.get(url, headers=BROWSER))
        if served == "hit":  # a promotion may drop the page: that request renders it again
            hits += 1
            assert len([name for name, _ in seen if name == here]) == before
        time.sleep(0.03)
    recording.clear()
    # A promotion is a bulk UPDATE of the article table, which purges every page and the
    # site state; the requests until the next polls re-read it go to Flask, more of them
    # on a loaded machine. What must hold is above: no hit ever ran SQL on its thread.
    assert hits >= (5 if promotion_due else 10)
    assert any(name == purge_log.THREAD_NAME for name, _ in seen)  # it polled meanwhile
    if promotion_due:  # promoted by the poll thread

        def promoted() -> bool:
            with app.app_context():
                return db.session.get(Article, due.id).status == "published"

        assert eventually(promoted)
        assert any("UPDATE article" in statement for _, statement in seen)


def test_the_poll_thread_starts_with_the_first_request_and_ends_with_the_engine(
    make_app, make_article
):
    """None in a pre-forking server's master (it builds the app, serves nothing)."""
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    app = make_app()
    cache = cache_of(app)
    assert cache.purge_log._thread is None
    client = app.test_client()
    client.get(url, headers=BROWSER)
    thread = cache.purge_log._thread
    assert thread is not None
    assert thread.is_alive()
    assert thread.name == purge_log.THREAD_NAME
    for _ in range(3):
        assert state(client.get(url, headers=BROWSER)) == "hit"
    assert cache.purge_log._thread is thread  # one per process
    with app.app_context():
        db.engine.dispose()
    thread.join(timeout=3)
    assert not thread.is_alive()
    assert state(client.get(url, headers=BROWSER)) == "hit"  # the next request starts one
    restarted = cache.purge_log._thread
    assert restarted is not None
    assert restarted.is_alive()


def test_a_counter_moved_here_is_used_by_the_next_hit_whatever_the_poll_interval(
    make_app, make_article
):
    """Read-your-writes: the thread polls once a minute here, the hit waits for a poll."""
    from cms import generations

    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    app = make_app(PAGE_CACHE_POLL=60)
    cache = cache_of(app)
    client = app.test_client()
    client.get(url, headers=BROWSER)
    assert state(client.get(url, headers=BROWSER)) == "hit"
    key = "widget:test-poll-thread"
    with app.app_context():
        before = generations.value(key)
        generations.bump(key)
        db.session.commit()
    assert state(client.get(url, headers=BROWSER)) == "hit"
    assert cache._generations is not None
    assert cache._generations[1].get(key) == before + 1


def test_a_hit_of_a_new_process_waits_for_its_first_poll_at_most_briefly(make_app, make_article):
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    make_app().test_client().get(url, headers=BROWSER)  # stored by another worker
    app = make_app()
    cache = quick(app, wait=0.3)
    client = app.test_client()
    engine = engine_of(app)
    with unanswered(engine):
        started = time.monotonic()
        assert cache.purge_log.view(engine) is None
        assert time.monotonic() - started < cache.purge_log.wait + QUICK
    assert eventually(lambda: state(client.get(url, headers=BROWSER)) == "hit")


# -- a real server that stops answering (PostgreSQL only) ----------------------------------


@pytest.fixture
def postgres_proxy() -> Iterator[tuple[PausableProxy, str]]:
    """A relay in front of the test PostgreSQL that can stop relaying, and its URL."""
    yield from proxied_test_postgres()


def test_a_postgresql_server_that_stops_answering_holds_up_no_hit(
    postgres_proxy, make_app, make_article
):
    proxy, url = postgres_proxy
    article = make_article("Khánh thành cầu Suối Ngọc")
    page = f"/news/{article.slug}"
    app = make_app(DATABASE_URL=url, PAGE_CACHE_POLL=0.1)
    cache = quick(app, stale_after=2.0)
    client = app.test_client()
    client.get(page, headers=BROWSER)
    assert state(client.get(page, headers=BROWSER)) == "hit"
    no_promotion()
    try:
        proxy.pause()
        time.sleep(0.15)  # the thread's next poll was sent and gets no answer
        assert hits_while_fresh(client, page, cache, margin=QUICK) > 0
        snapshot = cache.purge_log.snapshot
        assert snapshot is not None
        time.sleep(
            max(0.0, snapshot.started + cache.purge_log.stale_after + 0.1 - time.monotonic())
        )
        threading.Timer(0.5, proxy.resume).start()
        stale = client.get(page, headers=BROWSER)  # to Flask, answered once the server is back
    finally:
        proxy.resume()
    assert stale.status_code == 200
    assert state(stale) is None, "a page was answered from the cache past its poll"
    assert eventually(lambda: state(client.get(page, headers=BROWSER)) == "hit")


# -- pre-forked workers ----------------------------------------------------------------------


def fetch(url: str) -> tuple[int, str | None]:
    try:
        request = urllib.request.Request(url, headers=BROWSER)  # noqa: S310 (our own server)
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return answer.status, answer.headers.get("X-Page-Cache")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Page-Cache")


def test_workers_forked_from_a_preloaded_master_poll_in_threads_of_their_own(
    gunicorn_site, make_app, make_article
):
    """``--preload``: the master builds the app and its cache, and starts no thread; each
    worker's first request starts its own, which applies a change made by a process that
    does not touch their cache (its page cache is off) within a few seconds."""
    article = make_article("Khánh thành cầu Suối Ngọc")
    site = gunicorn_site(workers=2, env={"GUNICORN_CMD_ARGS": "--preload"})
    url = f"{site.base}/news/{article.slug}"
    answers = [fetch(url) for _ in range(12)]
    assert all(status == 200 for status, _ in answers)
    assert [cached for _, cached in answers[-6:]] == ["hit"] * 6, answers
    office = make_app(PAGE_CACHE=False)
    with office.app_context():
        save_article(db.session.get(Article, article.id), {"status": "draft"})
        db.session.commit()
    assert eventually(lambda: all(fetch(url)[0] == 404 for _ in range(4)), seconds=10)
