"""A PostgreSQL server that accepts and never answers: 503 in seconds, never a worker timeout.

DESIGN.md section 5: "the database locked or down -> 503 with Retry-After, never a 500
or a worker timeout". The server here is a relay that stops relaying while every socket
stays open, as a stopped PostgreSQL whose kernel still acknowledges TCP.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from cms.statement_deadline import Watchdog
from tests.database_proxy import PausableProxy, proxied_test_postgres

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"}
#: The deadline of these tests, in seconds.
DEADLINE = 1.0


@pytest.fixture
def postgres_proxy() -> Iterator[tuple[PausableProxy, str]]:
    yield from proxied_test_postgres()


def test_a_call_outside_a_request_is_never_cut_short():
    """The CLI (migrations, cms bench-data) runs as long as it needs."""
    watchdog = Watchdog(DEADLINE)
    assert watchdog.enter(object()) is None


@pytest.mark.parametrize("path", ["/", "/search?q=c%E1%BA%A7u", "/api/v1/articles"])
def test_a_server_that_stops_answering_gets_a_503_within_the_deadline(
    postgres_proxy, make_app, make_article, path
):
    proxy, url = postgres_proxy
    make_article("Khánh thành cầu Suối Ngọc")
    app = make_app(
        DATABASE_URL=url,
        PAGE_CACHE=False,
        DATABASE_STATEMENT_DEADLINE=DEADLINE,
        DATABASE_CONNECT_TIMEOUT=2,
        DATABASE_RETRY_AFTER=7,
    )
    client = app.test_client()
    assert client.get(path, headers=BROWSER).status_code == 200  # a pooled connection
    try:
        proxy.pause()
        started = time.monotonic()
        stuck = client.get(path, headers=BROWSER)
        took = time.monotonic() - started
        assert stuck.status_code == 503
        assert stuck.headers["Retry-After"] == "7"
        assert took < DEADLINE + 3, f"the request waited {took:.1f} s"
        started = time.monotonic()  # the next one needs a new connection: no new wait
        assert client.get(path, headers=BROWSER).status_code == 503
        assert time.monotonic() - started < 1.0
    finally:
        proxy.resume()

    def answers() -> bool:
        return client.get(path, headers=BROWSER).status_code == 200

    deadline = time.monotonic() + 15
    while not answers():
        assert time.monotonic() < deadline, "the site did not answer again"
        time.sleep(0.2)


def test_an_idle_watchdog_ends_its_thread_and_the_next_call_starts_one(monkeypatch):
    """A process holding many idle applications (tests, several sites) keeps no thread each."""
    import socket
    from types import SimpleNamespace

    from flask import Flask

    from cms import statement_deadline

    monkeypatch.setattr(statement_deadline, "IDLE_SECONDS", 0.2)
    watchdog = Watchdog(0.2)  # polls every 0.05 s
    left, right = socket.socketpair()
    connection = SimpleNamespace(pgconn=SimpleNamespace(socket=left.fileno()))
    try:
        with Flask(__name__).test_request_context():
            watchdog.leave(watchdog.enter(connection))
            first = watchdog._thread
            assert first is not None
            assert first.is_alive()
            first.join(timeout=3)
            assert not first.is_alive(), "the idle watchdog thread did not end"
            assert watchdog._thread is None
            token = watchdog.enter(connection)  # a new call: watched again
            second = watchdog._thread
            assert second is not None
            assert second is not first
            assert second.is_alive()
            time.sleep(0.5)  # past the deadline: the call is cut short, the socket shut
            assert right.recv(1) == b""
            watchdog.leave(token)
            second.join(timeout=3)
            assert not second.is_alive()
    finally:
        left.close()
        right.close()
