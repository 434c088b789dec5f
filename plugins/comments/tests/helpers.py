"""Helpers shared by the comments plugin's tests."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

from flask import Flask
from sqlalchemy import select

from cms.extensions import db
from cms.plugins import registry
from plugins.comments.captcha import solution
from plugins.comments.models import CommentsComment

#: A browser's user agent.
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0"}


def settings(app: Flask, **values: Any) -> None:
    """Save the plugin's settings (the current ones overlaid with ``values``)."""
    with app.app_context():
        plugins = registry()
        plugins.save_settings("comments", {**plugins.settings("comments"), **values})
        db.session.commit()


def form_of(page: str) -> dict[str, str]:
    """The hidden fields of the comment form in ``page``: csrf_token, captcha_id..."""
    form = re.search(r'<form class="comments__form".*?</form>', page, re.S)
    assert form is not None, "no comment form in the page"
    fields = {}
    for name, value in re.findall(
        r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)
    ):
        fields[name] = html_lib.unescape(value)
    for name, value in re.findall(
        r'name="(\w+)" type="(?:text|email)"[^>]*value="([^"]*)"', form.group(0)
    ):
        fields.setdefault(name, html_lib.unescape(value))
    body = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', form.group(0), re.S)
    fields["body"] = html_lib.unescape(body.group(1)) if body else ""
    return fields


def image_url_of(page: str) -> str:
    """The captcha image's URL in ``page``."""
    found = re.search(r'<img src="([^"]+)"[^>]*data-captcha-image', page)
    assert found is not None
    return html_lib.unescape(found.group(1))


def answer_of(app: Flask, captcha_id: str) -> str:
    """The right answer of a challenge (the server knows it; no client ever does)."""
    with app.app_context():
        found = solution(captcha_id)
    assert found is not None, "not a valid challenge"
    return found


def send(
    client: Any,
    app: Flask,
    article: Any,
    *,
    right: bool = True,
    page: str | None = None,
    address: str = "127.0.0.1",
    **typed: str,
) -> Any:
    """Read the article (or use ``page``), fill the form and send it; the answer.

    ``typed`` overrides name/email/body (defaults: a plain comment); ``right``
    decides whether the captcha answer is the right one.
    """
    environ = {"REMOTE_ADDR": address}
    if page is None:
        page = client.get(f"/news/{article.slug}", environ_base=environ, headers=BROWSER).text
    fields = form_of(page)
    if "captcha_answer" in typed:
        answer = typed.pop("captcha_answer")
    else:
        answer = answer_of(app, fields["captcha_id"]) if right else "WRONG1"
    data = {
        **fields,
        "name": "Nguyễn Văn Bình",
        "email": "",
        "body": "Tôi đồng ý với dự thảo.",
        "captcha_answer": answer.lower(),
        **typed,
    }
    return client.post(f"/comments/{article.id}", data=data, environ_base=environ, headers=BROWSER)


def rows(app: Flask) -> list[CommentsComment]:
    """Every stored comment, oldest first (detached)."""
    with app.app_context():
        found = list(
            db.session.execute(select(CommentsComment).order_by(CommentsComment.id)).scalars()
        )
        db.session.expunge_all()
        db.session.remove()
    return found


def widget_html(page: str) -> str:
    """The comment block's HTML in a page ("" when absent)."""
    found = re.search(
        r'<section class="widget[^"]*" data-widget="comments.thread".*?</section>', page, re.S
    )
    return found.group(0) if found else ""
