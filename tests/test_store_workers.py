"""Real gunicorn workers share sign-in throttling through the store, with or without Redis."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from cms.testing import REDIS_ENV, csrf_token_from

GUNICORN = Path(sys.executable).with_name("gunicorn")
PORTS = range(5720, 5730)
SECRET = "workers-test-secret-key"  # noqa: S105 (a test key)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no free port in 5720-5729")


@pytest.fixture
def gunicorn(database_url, tmp_path):
    """Start ``gunicorn -w 3`` on the test database; yield its base URL; stop it."""
    started = []
    logs = []

    def start(redis_url: str | None) -> str:
        port = free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("CMS_") or key in {"CMS_TEST_DATABASE_URL", REDIS_ENV}
        }
        env.update(
            CMS_DATABASE_URL=database_url,
            CMS_SECRET_KEY=SECRET,
            CMS_INSTANCE_DIR=str(tmp_path / "instance"),
            CMS_MEDIA_DIR=str(tmp_path / "media"),
            CMS_LOCALE="en",
        )
        if redis_url:
            env["CMS_REDIS_URL"] = redis_url
        log = (tmp_path / "gunicorn.log").open("w")
        logs.append(log)
        proc = subprocess.Popen(  # noqa: S603 (our own server, fixed arguments)
            [str(GUNICORN), "-w", "3", "-b", f"127.0.0.1:{port}", "cms:create_app()"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(base + "/admin/login", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return base
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
            assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()
        pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())

    yield start
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
    for log in logs:
        log.close()


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
    assert codes.count(200) == 5, codes
    assert codes.count(429) == 15, codes
    assert codes[:5] == [200] * 5
    # Another account is still checked.
    assert wrong_password(base, "other@example.org") == 200


def test_workers_answer_with_redis_down_without_waiting(app, gunicorn):
    base = gunicorn("redis://127.0.0.1:1/0")
    started = time.monotonic()
    with urllib.request.urlopen(base + "/", timeout=10) as answer:  # noqa: S310
        assert answer.status == 200
        assert "<html" in answer.read().decode()
    assert time.monotonic() - started < 3
