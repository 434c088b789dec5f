"""Headers and cookies whose bytes are not UTF-8: refused with 400; the visitor's facts never fail.

WSGI hands header values over as latin-1 text standing for their bytes (PEP 3333),
so ``"\\xff"`` in an environ value is the byte 0xFF on the wire.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cms.extensions import db
from cms.models import Category
from cms.page_view import USER_AGENT_MAX, Visitor, readable_cookies
from cms.testing import csrf_token_from

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def wire(text: str) -> str:
    """``text`` as a WSGI server passes it: its UTF-8 bytes as latin-1 characters."""
    return text.encode("utf-8").decode("latin-1")


# -- the input check --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/search?q=a", "/admin/login"])
def test_a_cookie_that_is_not_utf8_is_a_themed_400(app, path):
    client = app.test_client(use_cookies=False)
    response = client.get(path, headers={"User-Agent": BROWSER, "Cookie": "x=\xff"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "<html" in text.lower()
    assert "A cookie of the request holds bytes that are not valid UTF-8 text" in text
    assert "Delete this site&#39;s cookies" in text


def test_the_cookie_message_is_translated(make_app):
    app = make_app(LOCALE="vi")
    client = app.test_client(use_cookies=False)
    response = client.get("/", headers={"User-Agent": BROWSER, "Cookie": "a=1; x=\xc3("})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "A cookie of the request" not in text
    assert "cookie" in text.lower()  # the Vietnamese message names it too


@pytest.mark.parametrize(
    "headers",
    [
        {"User-Agent": "Mozilla/5.0 \xe9t\xe9"},  # latin-1, not UTF-8
        {"Referer": "http://example.org/\xff"},
        {"Accept-Language": "vi\xc3"},
        {"X-Anything": "\xed\xa0\x80"},  # an encoded surrogate is not UTF-8 either
    ],
)
def test_a_header_that_is_not_utf8_is_a_themed_400(app, headers):
    response = app.test_client().get("/", headers=headers)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "A header of the request holds bytes that are not valid UTF-8 text" in text


def test_the_api_answers_json_400(app):
    client = app.test_client(use_cookies=False)
    for headers in ({"Cookie": "x=\xff"}, {"User-Agent": "curl \xff"}):
        response = client.get("/api/v1/articles", headers=headers)
        assert response.status_code == 400, headers
        assert response.is_json
        error = response.get_json()["error"]
        assert error["code"] == "bad_request"
        assert "not valid UTF-8" in error["message"]


def test_utf8_headers_and_cookies_are_accepted(client, make_article):
    article = make_article("Cải cách hành chính")
    client.set_cookie("ghi-nhớ", "có")
    response = client.get(
        f"/news/{article.slug}",
        headers={"User-Agent": wire("Mozilla/5.0 (Tiếng Việt)"), "X-Note": wire("ảnh")},
    )
    assert response.status_code == 200
    assert "Cải cách hành chính" in response.get_data(as_text=True)


def test_a_refused_header_stores_nothing(app, signed_in, auth):
    signed_in("admin")
    form = auth.client.get("/admin/categories/new")
    assert form.status_code == 200
    data = {
        "csrf_token": csrf_token_from(form.text),
        "name": "Chuyên mục mới",
        "slug": "",
        "description": "",
        "parent_id": "",
        "position": "",
    }
    response = auth.client.post("/admin/categories/new", data=data, headers={"X-Odd": "\xff\xfe"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.query(Category).count() == 0


# -- the visitor's facts, built before any check ------------------------------------------------


def test_an_undecodable_cookie_is_left_out_and_the_others_kept():
    visitor = Visitor.from_environ(
        {
            "HTTP_COOKIE": "a=1; x=\xff; b=" + wire("ảnh") + '; c="q\\377"',
            "HTTP_USER_AGENT": BROWSER,
            "REMOTE_ADDR": "203.0.113.9",
            "REQUEST_METHOD": "get",
        }
    )
    assert visitor.cookies == {"a": "1", "b": "ảnh", "c": "q\ufffd"}
    assert visitor.user_agent == BROWSER
    assert visitor.address == "203.0.113.9"
    assert visitor.method == "GET"
    assert not visitor.is_crawler


def test_header_bytes_that_are_not_utf8_are_replaced():
    visitor = Visitor.from_environ({"HTTP_USER_AGENT": "Mozilla/5.0 \xe9" + wire(" ả")})
    assert visitor.user_agent == "Mozilla/5.0 \ufffd ả"


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"HTTP_COOKIE": None, "HTTP_USER_AGENT": None, "REMOTE_ADDR": None},
        {"HTTP_COOKIE": b"a=1; x=\xff", "HTTP_USER_AGENT": b"\xff\xfe"},
        {"HTTP_COOKIE": 12, "HTTP_USER_AGENT": 3.5, "REQUEST_METHOD": object()},
        {"HTTP_COOKIE": "\ud800=\udfff; a=\U0001f600"},  # a server that decoded, badly
        {"HTTP_COOKIE": ';;;===;\x00;"""', "REQUEST_METHOD": ""},
    ],
)
def test_odd_environs_give_a_visitor(environ):
    visitor = Visitor.from_environ(environ)
    assert isinstance(visitor.cookies, dict)
    assert visitor.method
    assert isinstance(visitor.user_agent, str)
    assert isinstance(visitor.address, str)


def test_a_huge_header_is_read_quickly_and_bounded():
    cookie = "; ".join(f"c{i}={'v' * 100}" for i in range(10_000)) + "; bad=\xff"
    started = time.monotonic()
    visitor = Visitor.from_environ(
        {"HTTP_COOKIE": cookie, "HTTP_USER_AGENT": "M" * 1_000_000, "REMOTE_ADDR": "1" * 10_000}
    )
    # Linear: about 0.2 s, under 2 s on a machine running three suites; quadratic: hours.
    assert time.monotonic() - started < 5
    assert len(visitor.cookies) == 10_000
    assert "bad" not in visitor.cookies
    assert len(visitor.user_agent) == USER_AGENT_MAX
    assert len(visitor.address) <= 100


def test_a_mapping_that_fails_gives_an_anonymous_visitor():
    class Broken(dict):
        def get(self, *args):
            raise RuntimeError("broken environ")

    visitor = Visitor.from_environ(Broken(), user_id=7)
    assert visitor.cookies == {}
    assert visitor.user_id == 7


header_values = st.one_of(
    st.none(),
    st.text(),
    st.binary(),
    st.binary().map(lambda b: b.decode("latin-1")),
    st.integers(),
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            ["HTTP_COOKIE", "HTTP_USER_AGENT", "REMOTE_ADDR", "REQUEST_METHOD", "wsgi.url_scheme"]
        ),
        header_values,
    )
)
def test_from_environ_never_raises(environ):
    visitor = Visitor.from_environ(environ)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in visitor.cookies.items())


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_readable_cookies_keeps_what_is_utf8(raw):
    cookies = readable_cookies(raw.decode("latin-1"))
    for name in cookies:
        assert name.encode("utf-8") in raw  # a name is always text that was sent
