"""Positions stay dense while several workers create links and groups at once.

Each worker is an application of its own on the test database (its own
connections), in a thread of its own: SQLite, or PostgreSQL with
``CMS_TEST_DATABASE_URL``.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from cms.extensions import db
from plugins.links import services
from plugins.links.models import Link, LinkGroup

pytestmark = pytest.mark.slow

#: Workers (back-office sessions) saving at once.
WORKERS = 4
#: Links each worker creates.
EACH = 10


def positions(app, model, *where):
    """The stored positions of ``model``'s rows, in position order."""
    with app.app_context():
        query = select(model.position).where(*where).order_by(model.position)
        return list(db.session.execute(query).scalars())


def run_together(apps, work):
    """Call ``work(app, worker number)`` in one thread per app, all starting at once."""
    start = threading.Barrier(len(apps))

    def worker(number):
        application = apps[number]
        start.wait()
        with application.test_request_context("/"):
            work(number)

    with ThreadPoolExecutor(max_workers=len(apps)) as pool:
        list(pool.map(worker, range(len(apps))))


def test_links_created_at_once_in_one_group_get_dense_positions(app, make_app, make_group):
    group = make_group("Liên kết website")
    apps = [make_app() for _ in range(WORKERS)]

    def create(number):
        for n in range(EACH):
            title = f"Cổng {number}-{n}"
            services.save_link(None, group_id=group, title=title, url="https://a.example.vn")

    run_together(apps, create)
    assert positions(app, Link, Link.group_id == group) == list(range(WORKERS * EACH))


def test_groups_created_at_once_get_dense_positions(app, make_app):
    apps = [make_app() for _ in range(WORKERS)]

    def create(number):
        for n in range(EACH // 2):
            services.save_group(None, title=f"Nhóm {number}-{n}")

    run_together(apps, create)
    assert positions(app, LinkGroup) == list(range(WORKERS * (EACH // 2)))
