"""A request whose ``Host`` names no host gets 400, page cache on or off, and is never stored.

Without ``CMS_SITE_URL`` (development) absolute URLs are built on the
request's host; Werkzeug reads a malformed one as ``""``, which made links
such as ``http:///`` and cache keys of hosts that do not exist (RFC 9112
section 3.2: answer 400 to an invalid ``Host``).
"""

from __future__ import annotations

import pytest

from cms.page_cache.keys import cache_request
from cms.site_url import parse_site_url
from tests.page_cache.helpers import BROWSER, state, stored_entries

#: ``Host`` values that name no host.
INVALID_HOSTS = [
    "a b",
    "a/b",
    "exa mple.org:80",
    "",
    " ",
    "a\x01b",
    "portal.example\r",
    "a\tb",
    "portal.example:99999",
    "portal.example:0",
    "portal.example:http",
    "-portal-.example",
    "portal..example",
    "portal_example.org",
    "[::1",
    "[zz::1]",
    "user@portal.example",
    "portal.example?x",
    "portal.example#x",
    "portal.example\\x",
]

#: ``(Host, what the canonical link starts with)`` for hosts that keep working.
VALID_HOSTS = [
    ("portal.example", "http://portal.example/"),
    ("Portal.Example:8080", "http://portal.example:8080/"),  # Werkzeug lowers the case
    ("127.0.0.1", "http://127.0.0.1/"),
    ("10.0.0.7:5000", "http://10.0.0.7:5000/"),
    ("[::1]", "http://[::1]/"),
    ("[2001:db8::7]:8443", "http://[2001:db8::7]:8443/"),
    ("xn--bcher-kva.example", "http://xn--bcher-kva.example/"),  # bücher.example
    ("localhost", "http://localhost/"),
]


def get(client, path: str, host: str, **headers: str):
    """``GET path`` with ``host`` as the ``Host`` value the server hands over, whatever it holds."""
    return client.get(path, headers={**BROWSER, **headers}, environ_overrides={"HTTP_HOST": host})


@pytest.fixture(params=[True, False], ids=["cache", "no-cache"])
def site(request, make_app, make_article):
    """A Vietnamese site without ``CMS_SITE_URL``, its page cache on or off, and an article."""
    app = make_app(SITE_URL=None, LOCALE="vi", PAGE_CACHE=request.param)
    article = make_article("Khánh thành cầu Suối Ngọc")
    return app, f"/news/{article.slug}"


@pytest.mark.parametrize("host", INVALID_HOSTS)
def test_an_invalid_host_gets_400_in_the_site_language(site, host):
    app, url = site
    client = app.test_client()
    for path in (url, "/", "/robots.txt", "/feed.xml", "/sitemap.xml", "/no-such-page"):
        response = get(client, path, host)
        assert response.status_code == 400, (path, response.status_code)
        assert "Yêu cầu không hợp lệ." in response.text
        assert "http:///" not in response.text
        assert state(response) is None
    api = get(client, "/api/v1/articles", host)
    assert api.status_code == 400
    assert api.get_json()["error"] == {"code": "bad_request", "message": "Yêu cầu không hợp lệ."}


def test_an_invalid_host_is_never_stored_nor_served_a_stored_page(site):
    app, url = site
    client = app.test_client()
    assert client.get(url, headers=BROWSER).status_code == 200  # Host: localhost
    cached = app.config["PAGE_CACHE"]
    assert state(client.get(url, headers=BROWSER)) == ("hit" if cached else None)
    stored = stored_entries(app) if cached else 0
    for host in INVALID_HOSTS:
        for _ in range(2):
            assert get(client, url, host).status_code == 400, host
    if cached:
        assert stored_entries(app) == stored
    page = client.get(url, headers=BROWSER).text
    assert f'<link rel="canonical" href="http://localhost{url}">' in page


@pytest.mark.parametrize(("host", "root"), VALID_HOSTS)
def test_a_valid_host_keeps_working(site, host, root):
    app, url = site
    client = app.test_client()
    answers = [get(client, url, host) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [200, 200]
    for answer in answers:
        assert f'<link rel="canonical" href="{root}{url.lstrip("/")}">' in answer.text
    if app.config["PAGE_CACHE"]:
        assert [state(answer) for answer in answers] == ["miss", "hit"]


def test_a_forwarded_invalid_host_from_a_trusted_proxy_gets_400(make_app, make_article):
    client = make_app(SITE_URL=None, PROXY_HOPS=1).test_client()
    url = f"/news/{make_article('Khánh thành cầu Suối Ngọc').slug}"
    assert client.get(url, headers={**BROWSER, "X-Forwarded-Host": "a b"}).status_code == 400
    good = client.get(url, headers={**BROWSER, "X-Forwarded-Host": "portal.example"})
    assert good.status_code == 200
    assert f'href="http://portal.example{url}"' in good.text


@pytest.mark.parametrize("site_url", ["https://bücher.example", "https://news.example.org:8443"])
def test_with_a_site_url_an_invalid_host_gets_400_and_the_site_host_works(
    make_app, make_article, site_url
):
    canonical = parse_site_url(site_url)
    client = make_app(SITE_URL=canonical).test_client()
    url = f"/news/{make_article('Khánh thành cầu Suối Ngọc').slug}"
    for host in INVALID_HOSTS:
        assert get(client, url, host).status_code == 400, host
    answer = get(client, url, canonical.removeprefix("https://"))
    assert answer.status_code == 200
    assert f'<link rel="canonical" href="{canonical}{url}">' in answer.text


def test_health_checks_answer_whatever_the_host(make_app):
    client = make_app(SITE_URL=None).test_client()
    response = get(client, "/healthz", "a b")
    assert response.status_code == 200


@pytest.mark.parametrize("site_url", [None, "http://portal.example"])
def test_the_cache_never_looks_up_an_invalid_host(site_url):
    """Not even an empty ``Host`` beside a ``SERVER_NAME`` that is the site's."""
    base = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "SERVER_NAME": "portal.example",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
    }
    options = {"cookie_names": (), "query_params": ("page",), "site_url": site_url}
    for host in INVALID_HOSTS:
        assert cache_request({**base, "HTTP_HOST": host}, **options) is None, host
    looked_up = cache_request({**base, "HTTP_HOST": "Portal.Example:80"}, **options)
    assert looked_up is not None
    assert looked_up.host == "portal.example"
    without_host = cache_request(base, **options)  # HTTP/1.0: the server's address
    assert without_host is not None
    assert without_host.host == "portal.example"
