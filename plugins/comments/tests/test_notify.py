"""The email to the article's author, through a real SMTP server (aiosmtpd) on a local port."""

from __future__ import annotations

import asyncio
import socket
import time
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from cms import background
from plugins.comments import notify
from plugins.comments.tests.helpers import rows, send, settings


class Inbox:
    """An SMTP handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def wait_for(inbox, count, timeout=5.0):
    deadline = time.monotonic() + timeout
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return inbox.messages


def test_the_author_gets_an_email_about_a_new_comment(
    app, client, smtp, thread, make_user, make_article, quick
):
    controller, inbox = smtp
    author = make_user(email="tacgia@example.org", role="author")
    article = make_article("Bài có tác giả", author_id=author.id)
    settings(
        app,
        notify_author=True,
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_sender="web@example.org",
    )
    typed = {"name": "Bạn đọc", "email": "bandoc@example.org", "body": "Dòng 1\nDòng 2"}
    assert send(client, app, article, **typed).status_code == 303
    [envelope] = wait_for(inbox, 1)
    assert envelope.rcpt_tos == ["tacgia@example.org"]
    assert envelope.mail_from == "web@example.org"
    message = message_from_bytes(envelope.content, policy=default)
    assert message["Subject"] == "New comment on “Bài có tác giả”"
    text = message.get_content().replace("\r\n", "\n")
    assert "Dòng 1\nDòng 2" in text
    assert "It is awaiting moderation." in text
    assert "bandoc@example.org" not in text  # the commenter's email stays private


def test_no_email_unless_asked_and_a_dead_server_changes_nothing_for_the_reader(
    app, client, smtp, thread, make_user, make_article, quick
):
    controller, inbox = smtp
    author = make_user(email="tacgia@example.org", role="author")
    article = make_article("Bài khác", author_id=author.id)
    settings(app, smtp_host="127.0.0.1", smtp_port=controller.port, address_interval=0)
    assert send(client, app, article, body="Không gửi email").status_code == 303
    time.sleep(0.3)
    assert inbox.messages == []
    settings(app, notify_author=True, smtp_port=free_port())  # nobody listens there
    assert send(client, app, article, body="Máy chủ thư không chạy").status_code == 303
    assert len(rows(app)) == 2


class Hanging:
    """An SMTP handler that takes the connection and the sender, then never answers."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.reached = 0

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: N802
        self.reached += 1
        await self.release.wait()  # the client waits for an answer that never comes
        return "421 closing"


@pytest.fixture
def hanging_smtp():
    handler = Hanging()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.loop.call_soon_threadsafe(handler.release.set)
    background.wait(notify.TIMEOUT + 2)
    controller.stop()


def test_a_hanging_smtp_server_never_delays_the_commenter(
    app, client, hanging_smtp, thread, make_user, make_article, quick, monkeypatch, caplog
):
    controller, handler = hanging_smtp
    monkeypatch.setattr(notify, "TIMEOUT", 3)  # larger than the bound below, smaller than 5 s
    author = make_user(email="tacgia@example.org", role="author")
    article = make_article("Bài có máy chủ thư treo", author_id=author.id)
    settings(app, notify_author=True, smtp_host="127.0.0.1", smtp_port=controller.port)
    started = time.monotonic()
    assert send(client, app, article, body="Máy chủ thư treo").status_code == 303
    assert time.monotonic() - started < 2  # the SMTP timeout (3 s) is not waited for
    assert len(rows(app)) == 1
    deadline = time.monotonic() + 2
    while not handler.reached and time.monotonic() < deadline:
        time.sleep(0.05)
    assert handler.reached == 1  # the email was tried after the answer
    assert background.wait(notify.TIMEOUT + 2)  # ... timed out, and the failure logged
    assert "could not be sent" in caplog.text
