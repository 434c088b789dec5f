"""Error pages and bad input on the public site."""

import pytest


@pytest.fixture
def app(app):
    @app.route("/boom")
    def boom():
        raise RuntimeError("kaboom")

    return app


def test_an_unexpected_error_gives_a_themed_500_without_details(client, caplog):
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Server error" in response.text
    assert "kaboom" not in response.text
    assert 'class="site-header"' in response.text
    assert "kaboom" in caplog.text


def test_wrong_method_is_a_405_page(client):
    response = client.post("/search")
    assert response.status_code in (400, 405)  # CSRF may refuse the POST first
    assert "<html" in response.text


def test_api_paths_get_json_errors_even_for_unknown_urls(client):
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=%ff%fe%fd",
        "/search?q=%00%01",
        "/search?q=" + "%E1%BA" * 10,
        "/search?page=-1&q=a",
        "/search?page=abc&q=a",
        "/category/x?page=99999999999999999999",
        "/news/%ff",
        "/" + "a/" * 200,
    ],
)
def test_malformed_input_never_breaks_a_page(client, url):
    response = client.get(url)
    assert response.status_code in (200, 301, 400, 404)  # 400: NUL or bytes not UTF-8
    assert "<html" in response.text


def test_nfd_search_query_finds_nfc_content(client, make_article):
    import unicodedata

    make_article("Lễ hội Hoa Ban")
    q = unicodedata.normalize("NFD", "hoa ban lễ hội")
    assert "Lễ hội Hoa Ban" in client.get("/search", query_string={"q": q}).text
