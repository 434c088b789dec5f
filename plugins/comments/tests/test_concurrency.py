"""Single use and exact counts under concurrency, from many threads against gunicorn workers.

The site runs with ``gunicorn -w 3`` on the test database (PostgreSQL and Redis
when ``CMS_TEST_DATABASE_URL`` and ``CMS_TEST_REDIS_URL`` are set, else
SQLite) behind one trusted proxy hop, so each thread can be a reader at an
address of its own. The answers are computed by an app holding the site's
secret key, as a reader reading the image would.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html import unescape

import pytest

from plugins.comments.tests.helpers import BROWSER, answer_of, rows, settings

pytestmark = pytest.mark.slow

WORKERS = 3
THREADS = 16
SITE_KEY = "gunicorn-test-secret-key"  # what cms.testing's gunicorn_site gives the site


@pytest.fixture
def site(app, gunicorn_site, article, thread):
    """Three workers behind one proxy hop; the limits out of the way of the counts."""
    settings(app, address_interval=0, address_per_hour=0, article_per_hour=0, min_fill_seconds=0)
    env = {"CMS_PROXY_HOPS": "1", "CMS_API_ANONYMOUS_WRITE_LIMIT": "100000 per minute"}
    return gunicorn_site(WORKERS, app.config.get("REDIS_URL"), env=env)


@pytest.fixture
def keyholder(make_app):
    """An app with the site's secret key: it knows the answers, as the server does."""
    return make_app(SECRET_KEY=SITE_KEY)


def call(url, address, data=None, form=False, cookie=""):
    """``(status, text, Set-Cookie values)`` of one request as a reader at ``address``."""
    headers = {**BROWSER, "X-Forwarded-For": address}
    body = None
    if data is not None:
        if form:
            body = "&".join(f"{k}={urllib.request.quote(str(v))}" for k, v in data.items()).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            body, headers["Content-Type"] = json.dumps(data).encode(), "application/json"
    if cookie:
        headers["Cookie"] = cookie
    sent = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 (local server)
    try:
        with urllib.request.urlopen(sent, timeout=60) as answer:  # noqa: S310
            return answer.status, answer.read().decode(), answer.headers.get_all("Set-Cookie")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers.get_all("Set-Cookie")


def test_one_solved_challenge_sent_by_many_threads_makes_one_comment(app, site, article, keyholder):
    status, text, _ = call(f"{site.base}/api/v1/captcha", "10.7.0.1", {})
    assert status == 201
    challenge = json.loads(text)["captcha_id"]
    body = {
        "name": "Cùng một mã",
        "body": "Gửi nhiều lần",
        "captcha_id": challenge,
        "captcha_answer": answer_of(keyholder, challenge),
    }
    url = f"{site.base}/api/v1/articles/{article.id}/comments"
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        statuses = sorted(
            s for s, _, _ in pool.map(lambda _: call(url, "10.7.0.1", body), range(40))
        )
    assert statuses == [201] + [422] * 39
    assert len(rows(app)) == 1


def test_concurrent_readers_on_the_cached_page_each_comment_once(app, site, article, keyholder):
    page_url = f"{site.base}/news/{article.slug}"

    def read_and_comment(index):
        address = f"10.8.{index // 200}.{index % 200 + 1}"
        status, html, cookies = call(page_url, address)
        assert status == 200
        fields = {
            name: unescape(value)
            for name, value in re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', html)
        }
        fields.update(
            name=f"Bạn đọc {index}",
            body=f"Bình luận số {index}",
            captcha_answer=answer_of(keyholder, fields["captcha_id"]),
        )
        cookie = "; ".join(c.split(";", 1)[0] for c in cookies or [])
        url = f"{site.base}/comments/{article.id}"
        return call(url, address, fields, form=True, cookie=cookie)[0]

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        statuses = list(pool.map(read_and_comment, range(48)))
    assert statuses == [200] * 48  # the redirect followed: the article again
    bodies = sorted(row.body for row in rows(app))
    assert bodies == sorted(f"Bình luận số {i}" for i in range(48))
