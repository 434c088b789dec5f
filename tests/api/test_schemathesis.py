"""Property-based fuzzing of the API against its own OpenAPI document (schemathesis).

Every operation is called with generated valid and invalid input, with an
admin's token so that writes really happen, and must never answer a 5xx; its
status codes, headers and bodies must be those the document declares.

The document is built without an application (:func:`cms.api.openapi.document`
is plain data; ``test_openapi`` checks the app serves exactly it), so the
operations are collected as ordinary tests, each with its own ``app`` fixture
and fresh database, seeded with one object of each kind (id 1) so that item
operations do not only see 404s. (schemathesis's lazy ``from_fixture`` loader
would share one database between all operations, and its 4.32 release reads
``request.node._nodeid``, which pytest 9 no longer has.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings

from cms.api.openapi import document

#: Generated examples per operation: enough to find crashes, bounded in time.
MAX_EXAMPLES = 30


@pytest.fixture
def admin_headers(api_token: Any) -> dict[str, str]:
    """The Authorization header of an admin's token."""
    return {"Authorization": f"Bearer {api_token('admin', email='fuzz-admin@example.org')}"}


@pytest.fixture
def seeded_app(app: Flask, admin_headers: dict[str, str]) -> Iterator[Flask]:
    """``app`` with one category, tag, page and article, each with id 1."""
    client = app.test_client()
    for path, body in (
        ("/api/v1/categories", {"name": "Tin tức"}),
        ("/api/v1/tags", {"name": "Kinh tế"}),
        ("/api/v1/pages", {"title": "Giới thiệu"}),
        (
            "/api/v1/articles",
            {"title": "Khai mạc", "status": "published", "category": 1, "tags": ["Kinh tế"]},
        ),
    ):
        response = client.post(path, json=body, headers=admin_headers)
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["id"] == 1
    APP.app = app
    yield app
    APP.app = None


class AppUnderTest:
    """A WSGI application that forwards to the current test's ``app``.

    The schema is built once, at collection; every request schemathesis sends
    (checks such as ``ignored_auth`` send their own) reaches the fresh app of
    the running test through this.
    """

    #: The app of the running test.
    app: Flask | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        """Serve one request with the current app."""
        assert self.app is not None, "no app: use the seeded_app fixture"
        return self.app(environ, start_response)


APP = AppUnderTest()


#: Schema-valid input may still name an object that does not exist (a category id):
#: the API answers 422 for that, which is not a refusal of valid data. Invalid input
#: may also be refused for its size alone (413: a too-long body is over the byte limit).
CONFIG = schemathesis.Config.from_dict(
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

schema = schemathesis.openapi.from_dict(document(), config=CONFIG)
schema.app = APP


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.usefixtures("seeded_app")
def test_api_conforms_to_its_document(case: Any, admin_headers: dict[str, str]) -> None:
    """No server error, and every answer as documented."""
    case.call_and_validate(headers=admin_headers)


@schema.include(method="GET").parametrize()
@settings(
    max_examples=MAX_EXAMPLES // 2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.usefixtures("seeded_app")
def test_anonymous_reads_conform_to_the_document(case: Any) -> None:
    """The same for a reader without a token."""
    case.call_and_validate()
