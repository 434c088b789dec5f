"""Real gunicorn workers share sign-in throttling through the store, with or without Redis."""

import os
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest

from cms.testing import REDIS_ENV, csrf_token_from


@pytest.fixture
def gunicorn(gunicorn_site):
    """Start ``gunicorn -w 3`` on the test database (with ``redis_url``); its base URL."""
    return lambda redis_url: gunicorn_site(3, redis_url, ready="/admin/login").base


def wrong_password(base: str, email: str) -> int:
    """One sign-in attempt with a wrong password, on a new connection; its status code."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with opener.open(base + "/admin/login", timeout=10) as page:
        token = csrf_token_from(page.read().decode())
    body = urllib.parse.urlencode({"email": email, "password": "wrong", "csrf_token": token})
    try:
        with opener.open(base + "/admin/login", data=body.encode(), timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def redis_choices() -> list:
    choices = [None, "redis://127.0.0.1:1/0"]
    if os.environ.get(REDIS_ENV):
        choices.append(os.environ[REDIS_ENV])
    return choices


@pytest.mark.parametrize("redis_url", redis_choices(), ids=lambda url: url or "no-redis")
def test_twenty_wrong_passwords_across_three_workers_are_five_checks(
    app, make_user, gunicorn, redis_url
):
    assert app.config["LOGIN_LIMIT_PER_ACCOUNT"] == "5 per 10 minutes"
    make_user(email="ed@example.org")
    base = gunicorn(redis_url)
    deadline = time.monotonic() + 120
    codes = []
    for _ in range(20):
        assert time.monotonic() < deadline, codes
        codes.append(wrong_password(base, "ed@example.org"))
    assert codes.count(422) == 5, codes
    assert codes.count(429) == 15, codes
    assert codes[:5] == [422] * 5
    # Another account is still checked.
    assert wrong_password(base, "other@example.org") == 422


def test_workers_answer_with_redis_down_without_waiting(app, gunicorn):
    base = gunicorn("redis://127.0.0.1:1/0")
    started = time.monotonic()
    with urllib.request.urlopen(base + "/", timeout=10) as answer:  # noqa: S310
        assert answer.status == 200
        assert "<html" in answer.read().decode()
    assert time.monotonic() - started < 3
