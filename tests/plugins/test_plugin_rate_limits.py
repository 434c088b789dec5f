"""Calls without a token to plugin API routes are rate limited per client address.

The limits are counted in the shared store (the database here, Redis in the
PostgreSQL+Redis pass), so they hold across apps (workers) on the same site.
"""

import sys
import textwrap

import pytest

#: A plugin whose writes count in the shared store: a write past the limit must not count.
CHEER = """
    from cms import store
    from cms.plugins import ApiRoute, Plugin

    def count(article_id):
        return {"cheers": store.get(f"cheer:{article_id}")}

    def cheer(article_id):
        return {"cheers": store.incr(f"cheer:{article_id}")}

    def shout(article_id):
        return {"shouts": store.incr(f"shout:{article_id}")}

    def free(article_id):
        return {"free": store.incr(f"free:{article_id}")}

    def staff(article_id):
        return {"staff": store.incr(f"staff:{article_id}")}

    PATH = "/api/v1/articles/<int:article_id>/cheer"
    plugin = Plugin(
        name="cheer",
        api=[
            ApiRoute(PATH, count),
            ApiRoute(PATH, cheer, method="POST"),
            ApiRoute(PATH + "/shout", shout, method="POST", rate_limit="2 per minute"),
            ApiRoute(PATH + "/free", free, method="PUT", rate_limit=""),
            ApiRoute(PATH + "/staff", staff, method="POST", auth="editor"),
        ],
    )
"""

#: Declarations refused at load: (plugin name, rate_limit, auth, what the message says).
BAD = {
    "badrate": ('"lots"', "public", "rate_limit 'lots' is not a rate such as '30 per 10 minutes'"),
    "zerorate": ('"0 per minute"', "public", "rate_limit '0 per minute' allows no call at all"),
    "tokenrate": (
        '"5 per minute"',
        "token",
        "rate_limit counts callers without a token; a route with auth='token' has none",
    ),
}
BAD_SOURCE = """
    from cms.plugins import ApiRoute, Plugin
    plugin = Plugin(
        name="{name}",
        api=[ApiRoute("/api/v1/{name}", lambda: {{}}, method="POST", rate_limit={rate},
                      auth="{auth}")],
    )
"""

LIMIT = "3 per minute"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def app_config(app_config, plugins_dir):
    sources = {"cheer": CHEER}
    for name, (rate, auth, _message) in BAD.items():
        sources[name] = BAD_SOURCE.format(name=name, rate=rate, auth=auth)
    for name, source in sources.items():
        (plugins_dir / name).mkdir()
        (plugins_dir / name / "__init__.py").write_text(textwrap.dedent(source))
    yield {**app_config, "API_ANONYMOUS_WRITE_LIMIT": LIMIT}
    for name in sources:
        sys.modules.pop(f"plugins.{name}", None)


@pytest.fixture
def article(make_article):
    return make_article("Bão số 3")


def url(article_id, suffix=""):
    return f"/api/v1/articles/{article_id}/cheer{suffix}"


def post(client, path, address="203.0.113.7", **headers):
    return client.post(path, data="{}", headers={**JSON, **headers},
                       environ_base={"REMOTE_ADDR": address})  # fmt: skip


def cheers(client, article):
    return client.get(url(article.id)).get_json()["cheers"]


def assert_rate_limited(response, window=60):
    assert response.status_code == 429, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= window
    return body["error"]["message"]


def test_anonymous_writes_past_the_limit_get_429_json_and_count_nothing(client, article):
    for expected in (1, 2, 3):
        response = post(client, url(article.id))
        assert response.status_code == 200
        assert response.get_json() == {"cheers": expected}
    message = assert_rate_limited(post(client, url(article.id)))
    assert message == "Too many requests. Please wait a moment and try again."
    assert_rate_limited(post(client, url(article.id)))
    assert cheers(client, article) == 3  # the refused writes did nothing
    for _ in range(5):  # reads have no default limit
        assert client.get(url(article.id)).status_code == 200


def test_the_message_is_in_the_sites_language(make_app, article):
    client = make_app(LOCALE="vi").test_client()
    for _ in range(3):
        assert post(client, url(article.id)).status_code == 200
    message = assert_rate_limited(post(client, url(article.id)))
    assert message == "Quá nhiều yêu cầu. Vui lòng chờ một lát rồi thử lại."


def test_the_limit_holds_across_workers(app, make_app, article):
    first, second = app.test_client(), make_app().test_client()
    assert post(first, url(article.id)).status_code == 200
    assert post(second, url(article.id)).status_code == 200
    assert post(first, url(article.id)).status_code == 200
    assert_rate_limited(post(second, url(article.id)))
    assert_rate_limited(post(first, url(article.id)))
    assert cheers(second, article) == 3


def test_each_address_and_each_route_has_its_own_count(client, article):
    for _ in range(3):
        assert post(client, url(article.id)).status_code == 200
    assert_rate_limited(post(client, url(article.id)))
    assert post(client, url(article.id), address="198.51.100.2").status_code == 200
    assert post(client, url(article.id, "/shout")).status_code == 200
    # Without trusted proxies (CMS_PROXY_HOPS=0) X-Forwarded-For changes nothing.
    assert_rate_limited(post(client, url(article.id), **{"X-Forwarded-For": "192.0.2.44"}))


def test_behind_a_trusted_proxy_the_forwarded_address_counts(make_app, article):
    client = make_app(PROXY_HOPS=1).test_client()
    for _ in range(3):
        response = post(
            client, url(article.id), address="10.0.0.1", **{"X-Forwarded-For": "192.0.2.1"}
        )
        assert response.status_code == 200
    forwarded = {"X-Forwarded-For": "192.0.2.1"}
    assert_rate_limited(post(client, url(article.id), address="10.0.0.1", **forwarded))
    other = {"X-Forwarded-For": "192.0.2.2"}
    assert post(client, url(article.id), address="10.0.0.1", **other).status_code == 200


def test_a_routes_own_limit_and_an_explicit_opt_out(client, article):
    assert post(client, url(article.id, "/shout")).status_code == 200
    assert post(client, url(article.id, "/shout")).status_code == 200
    assert_rate_limited(post(client, url(article.id, "/shout")))
    for expected in range(1, 8):
        response = client.put(url(article.id, "/free"), json={})
        assert response.get_json() == {"free": expected}


def test_a_valid_token_is_not_counted_and_a_bad_one_is_refused(client, api_token, article):
    for _ in range(3):
        assert post(client, url(article.id)).status_code == 200
    assert_rate_limited(post(client, url(article.id)))
    token = api_token("author")
    for expected in (4, 5, 6):
        response = post(client, url(article.id), Authorization=f"Bearer {token}")
        assert response.get_json() == {"cheers": expected}
    response = post(client, url(article.id), Authorization="Bearer not-a-token")
    assert response.status_code == 401
    editor = api_token("editor", email="editor2@example.org")
    for _ in range(5):  # a route that needs a token has no anonymous limit
        response = post(client, url(article.id, "/staff"), Authorization=f"Bearer {editor}")
        assert response.status_code == 200


def test_the_document_lists_the_429_of_limited_operations(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    cheer = paths["/api/v1/articles/{article_id}/cheer"]
    refused = cheer["post"]["responses"]["429"]
    assert LIMIT in refused["description"]
    assert refused["headers"]["Retry-After"]["required"] is True
    assert refused["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert (
        "2 per minute"
        in (
            paths["/api/v1/articles/{article_id}/cheer/shout"]["post"]["responses"]["429"][
                "description"
            ]
        )
    )
    assert "429" not in cheer["get"]["responses"]
    assert "429" not in paths["/api/v1/articles/{article_id}/cheer/free"]["put"]["responses"]
    assert "429" not in paths["/api/v1/articles/{article_id}/cheer/staff"]["post"]["responses"]


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_rate_limit_is_refused_at_load(app, client, name):
    found = app.extensions["cms_plugins"]
    assert name not in found.plugins
    assert BAD[name][2] in found.broken[name]
    assert client.get("/").status_code == 200
    assert "cheer" in found.plugins


def test_a_bad_site_default_refuses_plugins_with_public_writes(make_app, article):
    app = make_app(API_ANONYMOUS_WRITE_LIMIT="lots")
    found = app.extensions["cms_plugins"]
    assert "cheer" not in found.plugins  # never left without a limit
    assert "the site's API_ANONYMOUS_WRITE_LIMIT 'lots' is not a rate" in found.broken["cheer"]
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert client.post(url(article.id), json={}).status_code == 404


def test_the_site_default_can_be_set_from_the_environment():
    from cms.config import Defaults, from_environment

    assert Defaults.API_ANONYMOUS_WRITE_LIMIT == "60 per 10 minutes"
    found = from_environment({"CMS_API_ANONYMOUS_WRITE_LIMIT": "500 per 10 minutes"})
    assert found["API_ANONYMOUS_WRITE_LIMIT"] == "500 per 10 minutes"
