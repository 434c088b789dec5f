"""Exact counts under concurrent votes, from many threads against several gunicorn workers.

The site runs with ``gunicorn -w 3`` on the test database (PostgreSQL and Redis
when ``CMS_TEST_DATABASE_URL`` and ``CMS_TEST_REDIS_URL`` are set, else SQLite),
behind one trusted proxy hop, so that each thread can be a reader at an address
of its own (``X-Forwarded-For``).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie

import pytest

from plugins.rating.tests.helpers import BROWSER, settings, text_of, token_of, totals_in_db

pytestmark = pytest.mark.slow

WORKERS = 3
THREADS = 16


@pytest.fixture
def site(app, gunicorn_site, article):
    """Three workers behind one proxy hop, every limit out of the way of the counts."""
    settings(app, rate_limit=100_000)
    env = {"CMS_PROXY_HOPS": "1", "CMS_API_ANONYMOUS_WRITE_LIMIT": "100000 per minute"}
    return gunicorn_site(WORKERS, app.config.get("REDIS_URL"), env=env)


def request(method, url, *, address, body=None, cookies=None, headers=None):
    """One HTTP request as a reader at ``address``: ``(status, body text, cookies set)``."""
    sent = {**BROWSER, "X-Forwarded-For": address, **(headers or {})}
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    data = None
    if isinstance(body, dict):
        data, sent["Content-Type"] = json.dumps(body).encode(), "application/json"
    elif isinstance(body, str):
        data, sent["Content-Type"] = body.encode(), "application/x-www-form-urlencoded"
    call = urllib.request.Request(url, data=data, headers=sent, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(call, timeout=60) as answer:  # noqa: S310 (local server)
            status, text, headers_in = answer.status, answer.read().decode(), answer.headers
    except urllib.error.HTTPError as error:
        status, text, headers_in = error.code, error.read().decode(), error.headers
    jar = SimpleCookie()
    for value in headers_in.get_all("Set-Cookie") or []:
        jar.load(value)
    return status, text, {name: morsel.value for name, morsel in jar.items()}


def api(site, article):
    return f"{site.base}/api/v1/articles/{article.id}/rating"


def booted_workers(site):
    return set(re.findall(r"Booting worker with pid: (\d+)", site.log.read_text()))


def test_concurrent_votes_of_different_readers_are_each_counted_once(app, site, article):
    votes = [(f"10.1.{i // 200}.{i % 200 + 1}", i % 5 + 1) for i in range(90)]

    def cast(vote):
        address, stars = vote
        return request("POST", api(site, article), address=address, body={"stars": stars})

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        answers = list(pool.map(cast, votes))
    assert [status for status, _, _ in answers] == [200] * len(votes), answers[:3]
    expected_total = sum(stars for _, stars in votes)
    status, text, _ = request("GET", api(site, article), address="10.9.9.9")
    assert json.loads(text) == {"count": 90, "average": round(expected_total / 90, 2)}
    assert totals_in_db(app, article.id) == (90, 90, expected_total)
    assert len(booted_workers(site)) == WORKERS


def test_one_browser_voting_from_many_threads_is_counted_once(app, site, article):
    settings(app, rule="cookie", rate_limit=100_000)
    cookie = {"rating_voter": "B" * 32}

    def cast(index):
        address = f"10.2.0.{index + 1}"
        return request(
            "POST", api(site, article), address=address, body={"stars": 5}, cookies=cookie
        )

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        statuses = sorted(status for status, _, _ in pool.map(cast, range(40)))
    assert statuses == [200] + [409] * 39
    assert totals_in_db(app, article.id) == (1, 1, 5)


def test_one_address_voting_from_many_threads_is_counted_once(app, site, article):
    def cast(index):  # the default rule, cookie+ip: a new browser each time, one address
        return request(
            "POST", api(site, article), address="10.3.0.1", body={"stars": 1 + index % 5}
        )

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        answers = list(pool.map(cast, range(40)))
    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [200] + [409] * 39
    counted = next(json.loads(text) for status, text, _ in answers if status == 200)
    rows, count, total = totals_in_db(app, article.id)
    assert (rows, count, counted["count"]) == (1, 1, 1)
    assert total == counted["average"]


def test_concurrent_form_votes_on_the_cached_page_are_counted_exactly(app, stars, site, article):
    """Each reader reads the (cached) article page for the form's token, then sends it."""
    page_url = f"{site.base}/news/{article.slug}"

    def read_and_vote(index):
        address = f"10.4.{index // 200}.{index % 200 + 1}"
        status, html, cookies = request("GET", page_url, address=address)
        assert status == 200
        body = f"stars={index % 5 + 1}&csrf_token={token_of(html)}"
        return request(
            "POST",
            f"{site.base}/rating/{article.id}",
            address=address,
            body=body,
            cookies=cookies,
            headers={"Accept": "application/json"},
        )

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        answers = list(pool.map(read_and_vote, range(60)))
    assert [status for status, _, _ in answers] == [200] * 60, answers[:3]
    expected = sum(i % 5 + 1 for i in range(60))
    assert totals_in_db(app, article.id) == (60, 60, expected)
    _, html, _ = request("GET", page_url, address="10.4.9.9")
    assert f"votes: 60, average: {round(expected / 60, 1):g}" in text_of(html)
