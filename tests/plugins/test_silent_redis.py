"""A Redis that accepts connections and never answers costs a page a bounded wait, not a worker."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from tests.plugins.helpers import place

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"}


@pytest.fixture
def silent_redis():
    """``redis://`` URL of a server that accepts connections and reads, but never replies."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)  # kept open, never answered

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join(timeout=2)
    for connection in held:
        connection.close()
    server.close()


def test_a_cached_widget_renders_when_redis_never_answers(
    app, make_app, make_article, silent_redis
):
    article = make_article("Redis im lặng")
    place(app, "hello", "box")
    reader = make_app(REDIS_URL=silent_redis, STORE_REDIS_TIMEOUT=0.2, PAGE_CACHE=False)
    started = time.monotonic()
    response = reader.test_client().get(f"/news/{article.slug}", headers=BROWSER)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert 'data-widget="hello.box"' in response.text
    assert elapsed < 20  # bounded waits (each 0.2 s), never the worker's timeout
