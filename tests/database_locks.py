"""Holding a database's write lock from another connection, as a long write elsewhere does."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg


@contextmanager
def write_lock(database_url: str) -> Iterator[None]:
    """Hold the write lock of the test database until the block ends.

    SQLite: another connection in ``BEGIN IMMEDIATE`` (readers go on in WAL
    mode, writers wait). PostgreSQL: another transaction holding every table
    of the schema in ``EXCLUSIVE`` mode (reads go on, writes wait).
    """
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")
        # Waits its turn: the store's flush thread may be writing buffered counters.
        lite = sqlite3.connect(path, isolation_level=None, timeout=5)
        try:
            lite.execute("BEGIN IMMEDIATE")
            yield
        finally:
            lite.rollback()
            lite.close()
        return
    with psycopg.connect(database_url) as conn:
        tables = [
            row[0]
            for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        conn.execute("LOCK TABLE " + ", ".join(f'"{t}"' for t in tables) + " IN EXCLUSIVE MODE")
        try:
            yield
        finally:
            conn.rollback()
