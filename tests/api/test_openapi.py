"""The OpenAPI document: complete, and built from what the API really checks and answers."""

import re

import jsonschema_rs
import pytest

from cms.api import openapi, validation
from cms.models import Media

METHODS = {"GET", "POST", "PATCH", "PUT", "DELETE"}


@pytest.fixture
def document(anon):
    """The document as the app serves it."""
    response = anon.get("/openapi.json")
    assert response.status_code == 200
    assert response.is_json
    return response.get_json()


def test_header(document):
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "/"}]
    assert document["info"]["title"]
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert scheme == {"type": "http", "scheme": "bearer", "description": scheme["description"]}


def test_every_api_route_is_described(app, document):
    described = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method.upper() in METHODS
    }
    routed = set()
    for rule in app.url_map.iter_rules():
        blueprint, _dot, view = rule.endpoint.partition(".")
        plugin_route = blueprint.endswith("_api") and not view.startswith("_")  # not a 405/OPTIONS
        if blueprint == "api" or plugin_route:
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routed |= {(m, path) for m in rule.methods & METHODS}
    assert routed == described


def test_operations_document_their_errors_and_security(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            assert "401" in responses, (method, path)
            assert operation["operationId"]
            if method in ("post", "patch", "put"):
                # a token, or none for the anonymous writes of DESIGN.md (votes, comments)
                assert operation["security"] in ([{"bearerAuth": []}], [{}, {"bearerAuth": []}])
                assert operation["requestBody"]["required"] is True
                assert {"400", "403", "413", "415", "422"} <= set(responses), (method, path)
            elif method == "delete":
                assert operation["security"] == [{"bearerAuth": []}]
                assert {"204", "403", "404"} <= set(responses)
            else:
                assert {} in operation["security"]
    unauthorized = document["components"]["responses"]["Unauthorized"]
    assert "WWW-Authenticate" in unauthorized["headers"]
    created = document["paths"]["/api/v1/articles"]["post"]["responses"]["201"]
    assert "Location" in created["headers"]


def test_list_parameters(document):
    params = document["components"]["parameters"]
    assert params["per_page"]["schema"]["maximum"] == 100
    assert params["per_page"]["schema"]["default"] == 20
    assert params["article_status"]["schema"]["enum"] == ["draft", "published", "scheduled"]
    names = {
        p["$ref"].rsplit("/", 1)[1]
        for p in document["paths"]["/api/v1/articles"]["get"]["parameters"]
    }
    assert names == {"page", "per_page", "category", "tag", "q", "article_status"}


@pytest.mark.parametrize(
    "resource", [validation.ARTICLE, validation.PAGE, validation.CATEGORY, validation.TAG]
)
def test_request_bodies_are_the_validated_fields(document, resource):
    schemas = document["components"]["schemas"]
    create, update = schemas[f"{resource.name}Create"], schemas[f"{resource.name}Update"]
    names = {f.name for f in resource.fields}
    assert set(create["properties"]) == names
    assert set(update["properties"]) == names
    assert create["additionalProperties"] is False
    assert create["required"] == [f.name for f in resource.fields if f.required]
    assert "required" not in update
    for spec in resource.fields:
        assert create["properties"][spec.name]["type"] == spec.kind.schema()["type"]


def test_article_request_schema_limits(document):
    props = document["components"]["schemas"]["ArticleCreate"]["properties"]
    assert props["title"]["x-maxLengthNFC"] == 300  # characters as stored (NFC)
    assert props["title"]["maxLength"] == 900  # code points as sent: NFD takes up to 3 a letter
    assert props["category"]["type"] == ["integer", "null"]
    assert props["tags"]["type"] == "array"
    assert props["status"]["enum"] == ["draft", "published", "scheduled"]


def test_the_document_is_stable_json(app, anon):
    first = anon.get("/openapi.json").get_json()
    with app.test_request_context():
        assert openapi.document() == first


def test_answers_match_their_schemas(app, admin, document):
    """Each serializer's keys are its schema's, and real answers validate against it."""
    from cms.extensions import db

    with app.app_context():
        media = Media(filename="a.png", mime_type="image/png", width=1, height=1)
        db.session.add(media)
        db.session.commit()
        media_id = media.id
    category = admin.post("/categories", {"name": "Tin"}).get_json()
    page = admin.post("/pages", {"title": "Trang"}).get_json()
    child = admin.post("/pages", {"title": "Con", "parent": page["id"]}).get_json()
    article = admin.post(
        "/articles",
        {"title": "Bài", "category": category["id"], "tags": ["T"], "image": media_id},
    ).get_json()
    bare = admin.post("/articles", {"title": "Trống"}).get_json()
    tag = admin.get("/tags").get_json()["items"][0]

    components = document["components"]

    def validator(name):
        schema = {"$ref": f"#/components/schemas/{name}", "components": components}
        return jsonschema_rs.validator_for(schema)

    for name, items in (
        ("Article", [article, bare]),
        ("Page", [page, child]),
        ("Category", [category]),
        ("Tag", [tag]),
    ):
        schema = components["schemas"][name]
        for item in items:
            assert set(item) == set(schema["properties"]) == set(schema["required"])
            validator(name).validate(item)
    validator("ArticleList").validate(admin.get("/articles?status=draft").get_json())
    validator("Error").validate(admin.post("/articles", {"title": 1}).get_json())
