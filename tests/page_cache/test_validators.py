"""The page cache's validators: ``Last-Modified`` only once its second is over.

``Last-Modified`` has one-second precision: a page rendered again later in
the second it was served in carries the same date (RFC 9110 section 8.8.2.2:
a weak validator). The middleware's clock is replaced by one the tests move.
"""

from __future__ import annotations

from email.utils import formatdate

import pytest

from cms.content import save_article
from cms.extensions import db
from cms.models import Article
from cms.page_cache import middleware
from cms.page_cache.entry import make_entry
from cms.page_view import PageIdentity
from tests.page_cache.helpers import BROWSER, Clock, state

#: A whole Unix second the tests count from.
BASE = 1_750_000_000


@pytest.fixture
def clock(monkeypatch):
    """The page cache middleware's clock, at ``BASE``."""
    fake = Clock(BASE)
    monkeypatch.setattr(middleware, "time", fake)
    return fake


def http_date(seconds: float) -> str:
    return formatdate(seconds, usegmt=True)


def edit(app, article_id: int, body: str) -> None:
    with app.app_context():
        save_article(db.session.get(Article, article_id), {"body_html": body})
        db.session.commit()


def test_a_page_rendered_again_in_the_same_second_never_gets_a_304(
    app, client, make_article, clock
):
    article = make_article("Khánh thành cầu Suối Ngọc", body_html="<p>Bản đầu</p>")
    url = f"/news/{article.slug}"
    clock.now = BASE + 10.2
    first = client.get(url, headers=BROWSER)
    assert state(first) == "miss"
    assert "Last-Modified" not in first.headers
    clock.now = BASE + 10.5
    hit = client.get(url, headers=BROWSER)
    assert state(hit) == "hit"
    assert hit.headers["ETag"]
    assert "Last-Modified" not in hit.headers  # the second is not over: no date of it
    second_ten = http_date(BASE + 10)  # the date either version would carry
    edit(app, article.id, "<p>Bản sửa</p>")
    clock.now = BASE + 10.9
    assert "Bản sửa" in client.get(url, headers=BROWSER).text
    clock.now = BASE + 10.95
    answer = client.get(url, headers={**BROWSER, "If-Modified-Since": second_ten})
    assert state(answer) == "hit"
    assert answer.status_code == 200
    assert "Bản sửa" in answer.text
    clock.now = BASE + 11.5
    later = client.get(url, headers=BROWSER)
    assert later.headers["Last-Modified"] == second_ten  # only this version ever carries it
    again = client.get(url, headers={**BROWSER, "If-Modified-Since": second_ten})
    assert again.status_code == 304
    assert again.data == b""


def test_if_none_match_wins_whatever_the_second(client, make_article, clock):
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    clock.now = BASE + 0.1
    etag = client.get(url, headers=BROWSER).headers["ETag"]
    clock.now = BASE + 0.2
    same_second = client.get(url, headers={**BROWSER, "If-None-Match": etag})
    assert same_second.status_code == 304
    clock.now = BASE + 5
    other_tag = {"If-None-Match": '"another"', "If-Modified-Since": http_date(BASE + 1)}
    assert client.get(url, headers={**BROWSER, **other_tag}).status_code == 200


def entry_created(created: float):
    return make_entry(
        200, [], b"<p>page</p>", {}, PageIdentity("home"), theme="t", locale="vi", created=created
    )


@pytest.mark.parametrize(
    ("created", "now", "since", "not_modified"),
    [
        (10.2, 10.9, 10, False),  # the same second: another version may follow under its date
        (10.2, 10.9, 11, False),
        (10.0, 10.0, 10, False),
        (10.2, 11.0, 10, True),  # the second is over: the date is the last version's
        (10.2, 11.0, 9, False),  # modified since
        (10.2, 12.5, 11, True),
        (10.2, 12.5, 13, False),  # a date after now (a clock ahead) proves nothing
    ],
)
def test_if_modified_since_counts_only_for_a_past_second(created, now, since, not_modified):
    environ = {"HTTP_IF_MODIFIED_SINCE": http_date(BASE + since)}
    entry = entry_created(BASE + created)
    assert middleware._not_modified(entry, environ, BASE + now) is not_modified


def test_if_none_match_is_not_second_bound():
    entry = entry_created(BASE + 10.2)
    environ = {"HTTP_IF_NONE_MATCH": entry.etag, "HTTP_IF_MODIFIED_SINCE": http_date(BASE + 9)}
    assert middleware._not_modified(entry, environ, BASE + 10.3)
    environ = {"HTTP_IF_NONE_MATCH": '"other"', "HTTP_IF_MODIFIED_SINCE": http_date(BASE + 11)}
    assert not middleware._not_modified(entry, environ, BASE + 12)
