"""The page cache: a live form (its CSRF token) on a cached page, for anonymous readers.

Uses a plugin of its own, ``revform``: a live widget holding a form with a
CSRF token, as the comments form (captcha) and the rating form are.
"""

from __future__ import annotations

import re
import sys
import textwrap
import time

import pytest
from flask import render_template_string, session

from cms.page_view import current_visitor
from cms.visitor_csrf import COOKIE, live_render
from tests.page_cache.helpers import BROWSER, state
from tests.plugins.helpers import place

FORM_PLUGIN = """
    from flask import Blueprint, request

    from cms.plugins import Plugin, Widget

    bp = Blueprint("revform", __name__, url_prefix="/revform")

    @bp.route("/send", methods=["POST"])
    def send():
        return "sent: " + request.form.get("text", "")

    class Form(Widget):
        type = "form"
        title = "Live form"
        template = "revform/form.html"
        cache = "live"

        def live_context(self, instance, page, visitor):
            return {}

    class MacroForm(Form):
        # The token comes from a macro imported without the template's context.
        type = "macroform"
        title = "Live form from a macro"
        template = "revform/macro_form.html"

    class SharedForm(Form):
        # Claims to be the same for every reader: a form token must still never be shared.
        type = "sharedform"
        title = "Shared live form"
        live_max_age = 2.0

    plugin = Plugin(name="revform", title="Live form", widgets=[Form, MacroForm, SharedForm],
                    blueprint=bp, enabled_by_default=True)
"""


@pytest.fixture
def app_config(app_config, tmp_path):
    folder = tmp_path / "plugins" / "revform"
    (folder / "templates" / "revform").mkdir(parents=True)
    (folder / "__init__.py").write_text(textwrap.dedent(FORM_PLUGIN))
    (folder / "templates" / "revform" / "form.html").write_text(
        '<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">'
        "</form>"
    )
    (folder / "templates" / "revform" / "macros.html").write_text(
        '{% macro token_field() %}<input type="hidden" name="csrf_token" '
        'value="{{ csrf_token() }}">{% endmacro %}'
    )
    (folder / "templates" / "revform" / "macro_form.html").write_text(
        '{% import "revform/macros.html" as forms %}<form method="post">'
        "{{ forms.token_field() }}</form>"
    )
    yield {**app_config, "PLUGINS_DIR": str(folder.parent)}
    sys.modules.pop("plugins.revform", None)


def test_a_live_form_sets_no_session_cookie_and_the_reader_stays_cached(app, client, make_article):
    """ "Anonymous responses ... never the session cookie." The live step keeps the form's
    CSRF token in Flask's session, so the answer sets ``session=``; from then on
    the reader carries a session cookie and every page they read bypasses the
    cache (with the comments form on every article: nearly every reader).
    """
    first = make_article("Khánh thành cầu Suối Ngọc")
    second = make_article("Lễ hội văn hóa Hồ Văn Khê")
    place(app, "revform", "form")
    for url in (f"/news/{first.slug}", f"/news/{second.slug}"):
        app.test_client().get(url, headers=BROWSER)  # both pages are cached
    answer = client.get(f"/news/{first.slug}", headers=BROWSER)
    assert 'name="csrf_token"' in answer.text
    cookies = answer.headers.getlist("Set-Cookie")
    assert not any(cookie.startswith("session=") for cookie in cookies), cookies
    assert state(client.get(f"/news/{second.slug}", headers=BROWSER)) == "hit"


def test_a_token_from_an_imported_macro_is_the_visitors_too(app, client, make_article):
    article = make_article("Bài có biểu mẫu từ macro")
    place(app, "revform", "macroform")
    app.test_client().get(f"/news/{article.slug}", headers=BROWSER)  # cached
    answer = client.get(f"/news/{article.slug}", headers=BROWSER)
    assert state(answer) == "hit"
    cookies = answer.headers.getlist("Set-Cookie")
    assert not any(cookie.startswith("session=") for cookie in cookies), cookies
    assert any(cookie.startswith(f"{COOKIE}=") for cookie in cookies), cookies
    form = {"csrf_token": _token(answer.text), "text": "xin chào"}
    sent = client.post("/revform/send", data=form)
    assert (sent.status_code, sent.text) == (200, "sent: xin chào")


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _reader_with_form(app, client, make_article, widget="form"):
    article = make_article("Bài có biểu mẫu")
    place(app, "revform", widget)
    answer = client.get(f"/news/{article.slug}", headers=BROWSER)
    return article, _token(answer.text)


def test_the_live_forms_token_is_accepted_with_its_cookie(app, client, make_article):
    _, token = _reader_with_form(app, client, make_article)
    assert client.get_cookie(COOKIE) is not None
    sent = client.post("/revform/send", data={"csrf_token": token, "text": "xin chào"})
    assert sent.status_code == 200
    assert sent.text == "sent: xin chào"
    assert not any(c.startswith("session=") for c in sent.headers.getlist("Set-Cookie"))


def test_several_live_forms_set_the_visitors_cookie_once(app, client, make_article):
    article = make_article("Hai biểu mẫu")
    place(app, "revform", "form")
    place(app, "revform", "macroform")
    for _ in range(2):  # the miss that stores the page, then a hit
        answer = client.get(f"/news/{article.slug}", headers=BROWSER)
        client.delete_cookie(COOKIE)  # a new reader each time
        set_cookies = answer.headers.getlist("Set-Cookie")
        assert len([c for c in set_cookies if c.startswith(f"{COOKIE}=")]) == 1, set_cookies
        assert len(re.findall(r'name="csrf_token"', answer.text)) == 2


def test_the_token_is_refused_without_its_cookie_or_with_another(app, client, make_article):
    _, token = _reader_with_form(app, client, make_article)
    stranger = app.test_client()
    assert stranger.post("/revform/send", data={"csrf_token": token}).status_code == 400
    stranger.get("/", headers=BROWSER)
    stranger.set_cookie(COOKIE, "A" * 43)  # a well-formed secret of another browser
    assert stranger.post("/revform/send", data={"csrf_token": token}).status_code == 400


@pytest.mark.parametrize(
    "forged",
    ["", "x", "a.b.c", "eyJhIjoxfQ.AAAA.BBBB", "\u0000", "é" * 50],
    ids=["empty", "short", "three-parts", "foreign-signature", "nul", "non-ascii"],
)
def test_a_forged_token_is_refused(app, client, make_article, forged):
    _reader_with_form(app, client, make_article)
    answer = client.post("/revform/send", data={"csrf_token": forged})
    assert answer.status_code == 400


def test_a_flask_wtf_token_is_no_visitor_token_nor_the_reverse(app, client, make_article):
    _, token = _reader_with_form(app, client, make_article)
    with app.test_request_context("/"):
        from flask_wtf.csrf import generate_csrf

        session_token = generate_csrf()
    assert client.post("/revform/send", data={"csrf_token": session_token}).status_code == 400
    assert client.post("/revform/send", headers={"X-CSRFToken": token}).status_code == 200


def test_the_token_expires(make_app, make_article):
    app = make_app(WTF_CSRF_TIME_LIMIT=1)
    client = app.test_client()
    _, token = _reader_with_form(app, client, make_article)
    time.sleep(2.1)
    assert client.post("/revform/send", data={"csrf_token": token}).status_code == 400


def test_a_form_token_is_never_shared_between_readers(app, make_article):
    """Even in a live widget whose HTML may be shared (``live_max_age``), readers who
    already hold their cookie each get their own token, which works for them alone."""
    article, _ = _reader_with_form(app, app.test_client(), make_article, widget="sharedform")
    readers = [app.test_client() for _ in range(3)]
    for reader in readers:  # first visits: each gets a cookie
        reader.get(f"/news/{article.slug}", headers=BROWSER)
    tokens = [
        _token(reader.get(f"/news/{article.slug}", headers=BROWSER).text) for reader in readers
    ]
    assert len(set(tokens)) == 3
    for reader, token in zip(readers, tokens, strict=True):
        assert reader.post("/revform/send", data={"csrf_token": token}).status_code == 200


def test_a_visitor_token_never_passes_for_a_signed_in_user(app, client, make_article, signed_in):
    """The cookie a visitor token is bound to can be planted (a sibling host may set
    it): for a signed-in user only Flask-WTF's session-bound tokens count."""
    _, token = _reader_with_form(app, client, make_article)  # token for this browser's cookie
    signed_in("admin")
    assert client.get_cookie(COOKIE) is not None
    assert client.post("/revform/send", data={"csrf_token": token}).status_code == 400
    used = client.post("/admin/themes/use", data={"csrf_token": token, "theme": "portal"})
    assert used.status_code == 400
    with app.app_context():
        from cms.content.site import get_setting

        assert get_setting("theme") != "portal"


@pytest.mark.parametrize("widget", ["form", "macroform"])
def test_a_signed_in_users_live_form_carries_their_session_token(
    app, client, make_article, signed_in, widget
):
    """A signed-in reader (a ``user`` rating rule) sees the live form with Flask-WTF's
    session-bound token, the only kind accepted from them, and can send it."""
    article = make_article("Biểu mẫu cho người đã đăng nhập")
    place(app, "revform", widget)
    signed_in("author")
    page = client.get(f"/news/{article.slug}", headers=BROWSER)
    token = _token(page.text)
    sent = client.post("/revform/send", data={"csrf_token": token, "text": "đã đăng nhập"})
    assert sent.status_code == 200
    assert sent.text == "sent: đã đăng nhập"


def test_over_https_a_visitor_token_needs_this_sites_referer(app, client, make_article):
    article = make_article("Biểu mẫu qua HTTPS")
    place(app, "revform", "form")
    page = client.get(f"/news/{article.slug}", headers=BROWSER, base_url="https://localhost")
    token = _token(page.text)

    def send(referer: str | None) -> int:
        headers = {"Referer": referer} if referer else {}
        return client.post(
            "/revform/send",
            data={"csrf_token": token},
            headers=headers,
            base_url="https://localhost",
        ).status_code

    assert send(None) == 400
    assert send("https://evil.example/x") == 400
    assert send("https://localhost/news/x") == 200


def test_a_page_rendered_with_flasks_context_in_the_live_step_gives_the_visitors_token(app):
    """Flask-WTF also offers ``csrf_token`` through a context processor, which overrides the
    template global wherever Flask's context is added (``render_template``, the theme's
    ``render``): a reader's form page then got a session-bound token and a session cookie.
    """
    with app.test_request_context("/", headers=BROWSER):
        with live_render(current_visitor()):
            token = render_template_string("{{ csrf_token() }}")
        assert token
        assert "csrf_token" not in session
