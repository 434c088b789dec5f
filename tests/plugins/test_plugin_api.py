"""Plugin API endpoints get what the core API has; plugins add fields to core objects."""

import sys
import textwrap

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

PROBE = """
    from cms.api.errors import not_found
    from cms.api.validation import Boolean, Choice, Field, Integer, Text
    from cms.extensions import db
    from cms.models import Article
    from cms.plugins import ApiField, ApiRoute, Plugin

    VOTES = {}
    RATING = {
        "type": "object",
        "properties": {
            "article": {"type": "integer"}, "votes": {"type": "integer"},
            "query": {"type": "object"},
        },
        "required": ["article", "votes"],
    }
    QUERY = [
        Field("scale", Choice(("stars", "percent")), description="How to count."),
        Field("least", Integer(0, 10), target="minimum"),
        Field("detail", Boolean()),
        Field("note", Text(20)),
    ]


    def _article(article_id):
        article = db.session.get(Article, article_id)
        if article is None or not article.is_public:
            raise not_found()
        return article


    def rating(article_id, query):
        \"\"\"The votes of an article.\"\"\"
        _article(article_id)
        return {"article": article_id, "votes": VOTES.get(article_id, 0), "query": query}


    def rate(article_id, data):
        \"\"\"Add stars to an article.\"\"\"
        _article(article_id)
        VOTES[article_id] = VOTES.get(article_id, 0) + data["stars"]
        return {"article": article_id, "votes": VOTES[article_id]}


    def reset(article_id, data):
        \"\"\"Reset an article's votes (editors).\"\"\"
        _article(article_id)
        VOTES[article_id] = 0
        return {"article": article_id, "votes": 0}


    PATH = "/api/v1/articles/<int:article_id>/probe"
    plugin = Plugin(
        name="probe",
        title="Probe",
        api=[
            ApiRoute(PATH, rating, response=RATING, summary="Votes of an article", query=QUERY),
            ApiRoute(
                PATH, rate, method="POST", response=RATING,
                body=[Field("stars", Integer(1, 5), required=True, description="1 to 5.")],
            ),
            ApiRoute(
                PATH + "/reset", reset, method="POST", auth="editor", status=201,
                response=RATING, body=[Field("reason", Text(100))],
            ),
        ],
        api_fields=[ApiField("probe_votes", {"type": "integer"}, lambda a: VOTES.get(a.id, 0))],
    )
"""

FLAKY = """
    from cms.plugins import ApiField, Plugin

    def fails(article):
        raise RuntimeError("field exploded")

    plugin = Plugin(name="flaky", api_fields=[ApiField("flaky_score", {"type": "number"}, fails)])
"""

BROKEN = {
    "outside": """
        from cms.plugins import ApiRoute, Plugin
        plugin = Plugin(name="outside", api=[ApiRoute("/admin/x", lambda: {})])
    """,
    "clash": """
        from cms.plugins import ApiRoute, Plugin
        plugin = Plugin(name="clash", api=[ApiRoute("/api/v1/articles/<int:x>", lambda x: {})])
    """,
    "badquery": """
        from cms.api.validation import DateTime, Field
        from cms.plugins import ApiRoute, Plugin
        plugin = Plugin(name="badquery", api=[
            ApiRoute("/api/v1/badquery", lambda query: {}, query=[Field("since", DateTime())])
        ])
    """,
    "fieldclash": """
        from cms.plugins import ApiField, Plugin
        plugin = Plugin(name="fieldclash", api_fields=[ApiField("title", {}, lambda a: "")])
    """,
}

ALL = ["probe", "flaky", *BROKEN]


@pytest.fixture
def app_config(app_config, plugins_dir):
    for name, source in {"probe": PROBE, "flaky": FLAKY, **BROKEN}.items():
        (plugins_dir / name).mkdir()
        (plugins_dir / name / "__init__.py").write_text(textwrap.dedent(source))
    yield app_config
    for name in ALL:
        sys.modules.pop(f"plugins.{name}", None)


@pytest.fixture
def article(make_article):
    return make_article("Bão số 3")


def url(article_id, suffix=""):
    return f"/api/v1/articles/{article_id}/probe{suffix}"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def assert_error(response, status, code=None):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def set_enabled(app, name, enabled):
    from cms.extensions import db
    from cms.plugins import registry

    with app.app_context():
        registry().set_enabled(name, enabled)
        db.session.commit()


def test_public_get_and_anonymous_json_post_without_csrf_token(client, article):
    assert client.get(url(article.id)).get_json() == {
        "article": article.id,
        "votes": 0,
        "query": {},
    }
    response = client.post(url(article.id), json={"stars": 4})
    assert response.status_code == 200
    assert response.get_json() == {"article": article.id, "votes": 4}
    assert client.get(url(article.id)).get_json()["votes"] == 4
    assert "Authorization" in response.headers["Vary"]


def test_anonymous_form_post_is_refused_and_counts_nothing(client, article):
    response = client.post(url(article.id), data={"stars": "5"})
    assert_error(response, 415)
    assert client.get(url(article.id)).get_json()["votes"] == 0


def test_token_route_needs_a_token_of_the_role(client, api_token, article):
    error = assert_error(client.post(url(article.id, "/reset"), json={}), 401, "unauthorized")
    assert "Bearer" in error["message"]
    response = client.post(url(article.id, "/reset"), json={}, headers=bearer("nope"))
    assert_error(response, 401)
    author = api_token("author")
    response = client.post(url(article.id, "/reset"), json={}, headers=bearer(author))
    assert_error(response, 403, "forbidden")
    editor = api_token("editor")
    response = client.post(url(article.id, "/reset"), json={}, headers=bearer(editor))
    assert response.status_code == 201
    assert response.get_json() == {"article": article.id, "votes": 0}
    assert response.headers["Cache-Control"] == "no-store"


def test_token_writes_need_no_json_content_type_check_but_still_validate(
    client, api_token, article
):
    editor = api_token("editor")
    response = client.post(
        url(article.id, "/reset"), data="reason=x", headers=bearer(editor)
    )  # a body the route reads must still be JSON
    assert_error(response, 415)


def test_wrong_method_is_405_with_allow(client, article):
    error = assert_error(client.delete(url(article.id)), 405, "method_not_allowed")
    assert error["message"]
    response = client.put(url(article.id), json={})
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {
        "GET",
        "HEAD",
        "POST",
        "OPTIONS",
    }
    response = client.get(url(article.id, "/reset"))
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "GET" not in response.headers["Allow"].split(", ")


def test_unknown_objects_and_malformed_ids_are_json_404(client, article):
    assert_error(client.get(url(999)), 404, "not_found")
    assert_error(client.get(url("abc")), 404)
    assert_error(client.post(url("abc"), json={"stars": 1}), 404)
    assert_error(client.get(url(2**40)), 404)
    assert_error(client.get("/api/v1/probe/nothing"), 404)


def test_invalid_bodies_are_422_naming_each_field(client, article):
    error = assert_error(client.post(url(article.id), json={"stars": 9, "x": 1}), 422, "invalid")
    assert set(error["fields"]) == {"stars", "x"}
    error = assert_error(client.post(url(article.id), json={}), 422)
    assert set(error["fields"]) == {"stars"}
    assert_error(client.post(url(article.id), data="{", content_type="application/json"), 400)
    assert client.get(url(article.id)).get_json()["votes"] == 0


def test_errors_are_in_the_sites_language(make_app, article):
    vietnamese = make_app(LOCALE="vi").test_client()
    error = assert_error(vietnamese.post(url(article.id), data={"stars": "5"}), 415)
    assert error["message"] != "Send the body as JSON (Content-Type: application/json)."
    error = assert_error(vietnamese.put(url(article.id), json={}), 405)
    assert error["message"] != "This method is not allowed here."


def _document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_openapi_document_describes_the_routes_and_validates(client, article):
    document = _document(client)
    item = document["paths"]["/api/v1/articles/{article_id}/probe"]
    assert set(item) == {"parameters", "get", "post"}
    assert item["parameters"][0]["schema"]["type"] == "integer"
    body = item["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["stars"] == {"type": "integer", "minimum": 1, "maximum": 5,
                                           "description": "1 to 5."}  # fmt: skip
    assert body["required"] == ["stars"]
    assert {"400", "401", "404", "415", "422"} <= set(item["post"]["responses"])
    reset = document["paths"]["/api/v1/articles/{article_id}/probe/reset"]["post"]
    assert reset["security"] == [{"bearerAuth": []}]
    assert {"201", "403"} <= set(reset["responses"])
    jsonschema_rs.meta.validate(document["components"]["schemas"]["Article"])
    # Real answers validate against what the document says.
    components = {"components": document["components"]}
    schema = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    jsonschema_rs.validator_for(schema).validate(client.get(url(article.id)).get_json())
    article_schema = {**document["components"]["schemas"]["Article"], **components}
    validator = jsonschema_rs.validator_for(article_schema)
    validator.validate(client.get(f"/api/v1/articles/{article.id}").get_json())


#: As for the core API: schema-valid input may still be refused for what the database
#: holds (422), and invalid input for its size alone (413).
FUZZ_CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
            },
            "negative_data_rejection": {
                "expected-statuses": ["400", "401", "403", "404", "405", "409", "413", "415", "422"]
            },
        }
    }
)


def test_routes_conform_to_the_document_under_fuzzing(app, client, api_token, article):
    """schemathesis calls every plugin operation with generated input: answers as documented."""
    headers = bearer(api_token("admin"))
    schema = schemathesis.openapi.from_dict(_document(client), config=FUZZ_CONFIG)
    schema = schema.include(path_regex="/probe")
    schema.app = app
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {(op.method.upper(), op.path) for op in operations} == {
        ("GET", "/api/v1/articles/{article_id}/probe"),
        ("POST", "/api/v1/articles/{article_id}/probe"),
        ("POST", "/api/v1/articles/{article_id}/probe/reset"),
    }
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def call(case):
            case.call_and_validate(headers=headers)

        call()


def test_api_field_on_core_objects_and_null_when_disabled(app, client, article):
    client.post(url(article.id), json={"stars": 3})
    assert client.get(f"/api/v1/articles/{article.id}").get_json()["probe_votes"] == 3
    listed = client.get("/api/v1/articles").get_json()["items"]
    assert [a["probe_votes"] for a in listed] == [3]
    schema = _document(client)["components"]["schemas"]["Article"]
    assert schema["properties"]["probe_votes"] == {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    set_enabled(app, "probe", False)
    assert client.get(f"/api/v1/articles/{article.id}").get_json()["probe_votes"] is None
    assert "probe_votes" in _document(client)["components"]["schemas"]["Article"]["properties"]


def test_disabled_plugin_routes_are_404_and_leave_the_document(app, client, article):
    set_enabled(app, "probe", False)
    assert_error(client.get(url(article.id)), 404, "not_found")
    assert_error(client.post(url(article.id), json={"stars": 1}), 404)
    assert_error(client.delete(url(article.id)), 404)
    assert not [p for p in _document(client)["paths"] if "/probe" in p]
    set_enabled(app, "probe", True)
    assert client.get(url(article.id)).status_code == 200
    assert "/api/v1/articles/{article_id}/probe" in _document(client)["paths"]


def test_bad_declarations_are_refused_at_load_and_the_site_runs(app, client, article):
    from cms.plugins import registry

    with app.app_context():
        broken = registry().broken
    assert "outside /api/v1/" in broken["outside"]
    assert "/admin/x" in broken["outside"]
    assert "clashes with /api/v1/articles/<article_id>" in broken["clash"]
    assert "Article.title is already taken by the core API" in broken["fieldclash"]
    assert "query parameter" in broken["badquery"]
    assert client.get(f"/api/v1/articles/{article.id}").get_json()["title"] == "Bão số 3"
    assert client.get(url(article.id)).status_code == 200
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert "/admin/x" not in rules


def test_a_failing_api_field_is_null_and_the_object_still_answers(client, article):
    body = client.get(f"/api/v1/articles/{article.id}").get_json()
    assert body["flaky_score"] is None
    assert body["title"] == "Bão số 3"
    assert body["probe_votes"] == 0


def test_query_parameters_are_checked_and_given_to_the_view(client, article):
    answer = client.get(
        url(article.id) + "?scale=percent&least=3&detail=true&note=%20Hu%E1%BA%BF&x=1"
    )
    assert answer.status_code == 200
    assert answer.get_json()["query"] == {
        "scale": "percent", "minimum": 3, "detail": True, "note": "Huế"
    }  # fmt: skip
    assert client.get(url(article.id)).get_json()["query"] == {}  # none given: none passed


@pytest.mark.parametrize(
    ("query", "name"),
    [("scale=all", "scale"), ("least=11", "least"), ("least=-1", "least"),
     ("least=1.5", "least"), ("detail=yes", "detail"), ("note=" + "x" * 21, "note")],
)  # fmt: skip
def test_a_bad_query_parameter_is_a_json_400_naming_it(client, article, query, name):
    answer = client.get(url(article.id) + "?" + query)
    assert_error(answer, 400)
    assert name in answer.get_json()["error"]["message"]


def test_query_parameters_are_in_the_document(client, article):
    operation = _document(client)["paths"]["/api/v1/articles/{article_id}/probe"]["get"]
    found = {p["name"]: p for p in operation["parameters"]}
    assert found["scale"]["schema"] == {"type": "string", "enum": ["stars", "percent"]}
    assert found["least"]["schema"] == {"type": "integer", "minimum": 0, "maximum": 10}
    assert found["note"]["schema"] == {
        "type": "string",
        "maxLength": 20,
        "pattern": "^[^\\u0000]*$",
    }
    assert found["scale"]["description"] == "How to count."
    assert {p["in"] for p in found.values()} == {"query"}


@pytest.mark.parametrize("raw", ["%EF%BC%91", "%D9%A1", "%E0%A5%A7"])  # "１", "١", "१"
def test_ids_in_paths_are_ascii_digits_only(client, article, raw):
    assert article.id == 1
    assert client.get(url(1)).status_code == 200
    assert_error(client.get(f"/api/v1/articles/{raw}/probe"), 404)
