"""``GET /api/v1/links`` and ``GET /api/v1/links/<id>``, and their OpenAPI entries."""

from __future__ import annotations

import pytest

from plugins.links.tests.conftest import clicks


def test_the_list_holds_active_links_in_order(api_client, sample):
    answer = api_client(None).get("/api/v1/links")
    assert answer.status_code == 200
    body = answer.get_json()
    first, _hidden, last = sample.links
    assert [item["id"] for item in body["items"]] == [first, last, sample.other_link]
    assert body["total"] == 3
    item = body["items"][0]
    assert item["title"] == "Cổng TTĐT tỉnh Bình Nguyên"
    assert item["url"] == "https://binhnguyen.example.vn"
    assert item["group"] == "Liên kết website"
    assert item["group_id"] == sample.group
    assert item["position"] == 0
    assert item["logo"] is None
    assert item["go_url"].endswith(f"/links/go/{first}")
    assert body["items"][2]["group"] == "Bộ, ngành"


@pytest.mark.parametrize("by", ["id", "title"])
def test_the_list_of_one_group(api_client, sample, by):
    from urllib.parse import quote

    ref = str(sample.other_group) if by == "id" else quote("Bộ, ngành")
    body = api_client(None).get(f"/api/v1/links?group={ref}").get_json()
    assert [item["id"] for item in body["items"]] == [sample.other_link]
    assert body["total"] == 1


@pytest.mark.parametrize(
    "ref", ["999", "Không có nhóm này", "2147483648", "9999999999", "²", "①", "1²", "０"]
)
def test_an_unknown_group_lists_nothing(api_client, sample, ref):
    assert api_client(None).get("/api/v1/links", query_string={"group": ref}).get_json() == {
        "items": [],
        "total": 0,
    }


def test_an_empty_group_parameter_lists_every_group(api_client, sample):
    assert api_client(None).get("/api/v1/links?group=").get_json()["total"] == 3


def test_a_group_parameter_too_long_is_a_json_400(api_client, sample):
    answer = api_client(None).get("/api/v1/links", query_string={"group": "x" * 201})
    assert answer.status_code == 400
    assert "group" in answer.get_json()["error"]["message"]


def test_an_empty_site_answers_an_empty_list(api_client):
    assert api_client(None).get("/api/v1/links").get_json() == {"items": [], "total": 0}


def test_one_link(api_client, sample):
    answer = api_client(None).get(f"/api/v1/links/{sample.links[2]}")
    assert answer.status_code == 200
    assert answer.get_json()["url"] == "https://chuyendoiso.example.vn/gioi-thieu?a=1"


@pytest.mark.parametrize("suffix", ["999", "0", "2147483648", "abc", "HIDDEN"])
def test_unknown_or_hidden_ids_are_a_json_404(api_client, sample, suffix):
    path = f"/api/v1/links/{sample.hidden if suffix == 'HIDDEN' else suffix}"
    answer = api_client(None).get(path)
    assert answer.status_code == 404
    assert answer.is_json
    assert answer.get_json()["error"]["code"] == "not_found"


def test_the_api_never_counts_a_click(app, api_client, sample):
    api_client(None).get("/api/v1/links")
    api_client(None).get(f"/api/v1/links/{sample.links[0]}")
    assert clicks(app, sample.links[0]) == 0


def test_writes_are_refused_as_json(api_client, sample):
    for method in ("post", "put", "patch", "delete"):
        answer = getattr(api_client("admin"), method)("/api/v1/links", json={"title": "x"})
        assert answer.status_code == 405
        assert answer.is_json
        assert "GET" in answer.headers["Allow"]


def test_errors_speak_vietnamese(api_client, vietnamese):
    answer = api_client(None).get("/api/v1/links/999")
    assert answer.get_json()["error"]["message"] == (
        "Liên kết này không tồn tại hoặc không còn được hiển thị."
    )


def test_a_bad_token_is_a_401(client, sample):
    answer = client.get("/api/v1/links", headers={"Authorization": "Bearer nope"})
    assert answer.status_code == 401
    assert answer.is_json


def test_the_operations_are_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    listing = document["paths"]["/api/v1/links"]["get"]
    assert listing["tags"] == ["Website links"]
    schema = listing["responses"]["200"]["content"]["application/json"]["schema"]
    item = schema["properties"]["items"]["items"]
    assert {"id", "title", "url", "group"} <= set(item["required"])
    (group,) = listing["parameters"]
    assert (group["name"], group["in"], group["required"]) == ("group", "query", False)
    assert group["schema"] == {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000]*$"}
    one = document["paths"]["/api/v1/links/{link_id}"]["get"]
    assert "404" in one["responses"]


def test_the_operations_answer_as_documented_for_fuzzed_input(app, sample):
    """schemathesis: generated ids and headers never get a 5xx or an undocumented answer."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    document = app.test_client().get("/api/v1/openapi.json").get_json()
    schema = schemathesis.openapi.from_dict(document)
    schema.app = app
    for path in ("/api/v1/links", "/api/v1/links/{link_id}"):
        operation = schema[path]["GET"]

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case):
            """Call the site with one generated case and validate the answer."""
            case.call_and_validate()

        check()
