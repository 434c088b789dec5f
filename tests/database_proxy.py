"""A server that stops answering: a TCP relay to the test PostgreSQL or Redis that can pause."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import suppress

import pytest
from sqlalchemy.engine import make_url

from cms import testing


class PausableProxy:
    """A TCP relay to ``target`` that can stop relaying while every socket stays open.

    Paused, it is a server that accepts connections and answers nothing, as
    a SIGSTOPped PostgreSQL: its kernel still accepts and acknowledges.
    """

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.relaying = threading.Event()
        self.relaying.set()
        self.closed = False
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def pause(self) -> None:
        self.relaying.clear()

    def resume(self) -> None:
        self.relaying.set()

    def drop_connections(self) -> None:
        """Close every relayed connection, and what it held back, and keep accepting new ones."""
        sockets, self.sockets = self.sockets, []
        for sock in sockets:
            with suppress(OSError):
                sock.close()

    def close(self) -> None:
        self.closed = True
        self.relaying.set()
        for sock in [self.listener, *self.sockets]:
            sock.close()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _address = self.listener.accept()
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                return
            upstream.settimeout(None)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                self.relaying.wait()
                data = source.recv(65536)
                if not data or self.closed:
                    break
                self.relaying.wait()  # paused while it was in flight: held back
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def proxied_test_postgres() -> Iterator[tuple[PausableProxy, str]]:
    """For a fixture: a :class:`PausableProxy` in front of the test PostgreSQL, and its URL.

    Skips the test without ``CMS_TEST_DATABASE_URL`` on PostgreSQL.
    """
    url = testing.test_database_url()
    if url is None or not url.startswith("postgres"):
        pytest.skip("needs CMS_TEST_DATABASE_URL on PostgreSQL")
    target = make_url(url)
    proxy = PausableProxy(target.host or "127.0.0.1", int(target.port or 5432))
    try:
        yield (
            proxy,
            target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
        )
    finally:
        proxy.close()


def proxied_test_redis() -> Iterator[tuple[PausableProxy, str]]:
    """For a fixture: a :class:`PausableProxy` in front of the test Redis, and its URL.

    Skips the test without ``CMS_TEST_REDIS_URL``.
    """
    import os
    from urllib.parse import urlsplit

    url = os.environ.get(testing.REDIS_ENV)
    if not url:
        pytest.skip(f"needs Redis: set {testing.REDIS_ENV}")
    parts = urlsplit(url)
    proxy = PausableProxy(parts.hostname or "127.0.0.1", int(parts.port or 6379))
    try:
        yield proxy, parts._replace(netloc=f"127.0.0.1:{proxy.port}").geturl()
    finally:
        proxy.close()
