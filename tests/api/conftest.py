"""Fixtures of the API tests: tokens per role and a JSON client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from cms.extensions import db


class Api:
    """A test client speaking JSON to ``/api/v1`` with an optional bearer token."""

    def __init__(self, client: FlaskClient, token: str | None = None) -> None:
        self.client = client
        self.token = token

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The Authorization header (when there is a token) and ``extra``."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(extra or {})
        return headers

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send ``method`` to ``/api/v1`` + ``path``."""
        headers = self.headers(kwargs.pop("headers", None))
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        """GET."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        """POST a JSON body."""
        return self.request("POST", path, json=json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        """PATCH a JSON body."""
        return self.request("PATCH", path, json=json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        """PUT a JSON body."""
        return self.request("PUT", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        """DELETE."""
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def anon(client: FlaskClient) -> Api:
    """An anonymous API client."""
    return Api(client)


@pytest.fixture
def admin(client: FlaskClient, api_token: Callable[..., str]) -> Api:
    """An API client with an admin's token."""
    return Api(client, api_token("admin"))


@pytest.fixture
def editor(client: FlaskClient, api_token: Callable[..., str]) -> Api:
    """An API client with an editor's token."""
    return Api(client, api_token("editor"))


@pytest.fixture
def author(client: FlaskClient, api_token: Callable[..., str]) -> Api:
    """An API client with an author's token."""
    return Api(client, api_token("author", email="author@example.org"))


@pytest.fixture
def other_author(client: FlaskClient, api_token: Callable[..., str]) -> Api:
    """An API client with another author's token."""
    return Api(client, api_token("author", email="other-author@example.org"))


@pytest.fixture
def count(app: Flask) -> Callable[[type], int]:
    """How many rows a model's table holds: ``count(Article)``."""

    def counter(model: type) -> int:
        with app.app_context():
            return db.session.execute(select(func.count()).select_from(model)).scalar_one()

    return counter


def error_of(response: Any) -> dict[str, Any]:
    """The ``error`` object of a JSON error response (and check its shape)."""
    assert response.is_json, response.data[:200]
    body = response.get_json()
    assert set(body) == {"error"}
    assert isinstance(body["error"]["code"], str)
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    return body["error"]
