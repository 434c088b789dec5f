"""Property-based fuzzing of the API against its own OpenAPI document (schemathesis).

Every operation is called with generated valid and invalid input, with an
admin's token so that writes really happen, and must never answer a 5xx; its
status codes, headers and bodies must be those the document declares.

The site under test has plugins with API endpoints and API fields, so plugin
operations are fuzzed like the core's: the bundled plugins, ``tally``
(tests/api/fuzz_plugins/: a counter in the shared store) and the example plugin
of docs/plugins.md, ``examples/cms-helpful``, installed with pip and found by
its entry point (with a table of its own, migrated in every test's database).

The document is what such a site serves, read once at collection from an app
on a throwaway migrated SQLite database (:func:`site_document`), so the
operations are collected as ordinary tests, each with its own ``app`` fixture
and fresh database, seeded with one object of each kind (id 1) so that item
operations do not only see 404s. (schemathesis's lazy ``from_fixture`` loader
would share one database between all operations, and its 4.32 release reads
``request.node._nodeid``, which pytest 9 no longer has.)
``test_the_fuzzed_document_is_the_sites_with_its_plugin_paths`` checks the
plugin paths are there and that every test's app serves the same document.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask_migrate import upgrade
from hypothesis import HealthCheck, settings

from cms import create_app
from cms.config import PROJECT_ROOT
from cms.extensions import db
from cms.plugins import registry
from cms.testing import BASE_TEST_CONFIG
from tests.plugins.examples import on_path

#: Test plugins with API endpoints, fuzzed beside the bundled ones.
FUZZ_PLUGINS = Path(__file__).parent / "fuzz_plugins"
#: The example plugin installed with pip: (project under examples/, package, plugin name).
EXAMPLE = ("cms-helpful", "cms_helpful", "helpful")
#: Operations the plugins add to the document: ``tally``'s and the example's.
PLUGIN_OPERATIONS = {
    ("GET", "/api/v1/articles/{article_id}/tally"),
    ("POST", "/api/v1/articles/{article_id}/tally"),
    ("DELETE", "/api/v1/articles/{article_id}/tally"),
    ("GET", "/api/v1/articles/{article_id}/helpful"),
    ("POST", "/api/v1/articles/{article_id}/helpful"),
}


def _scratch(prefix: str) -> Path:
    """A folder removed when the run ends."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


#: The site's plugins folder: links to the bundled plugins (so that their modules, and the
#: models they define, are the checkout's, imported once per run) and copies of the test
#: plugins.
PLUGINS_DIR = _scratch("cms-fuzz-plugins-")
for source in sorted((PROJECT_ROOT / "plugins").iterdir()):
    if (source / "__init__.py").is_file():
        (PLUGINS_DIR / source.name).symlink_to(source, target_is_directory=True)
for source in sorted(FUZZ_PLUGINS.iterdir()):
    if (source / "__init__.py").is_file():
        shutil.copytree(
            source, PLUGINS_DIR / source.name, ignore=shutil.ignore_patterns("tests", "__pycache__")
        )
#: Where pip installs the example (once per run, shared with its own tests).
EXAMPLES_DIR = _scratch("cms-fuzz-examples-")
#: Settings of every app of this module: a held plugin is checked on every request, and
#: calls without a token (checks such as ``ignored_auth`` send some) never reach the
#: limit of anonymous writes, so every generated case is answered by the route itself
#: (the 429 itself is tested in tests/plugins/test_plugin_rate_limits.py).
ANONYMOUS_LIMIT = "100000 per minute"
CONFIG_OVERRIDES = {
    "PLUGINS_DIR": str(PLUGINS_DIR),
    "PLUGIN_PENDING_RECHECK": 0,
    "API_ANONYMOUS_WRITE_LIMIT": ANONYMOUS_LIMIT,
}


def site_document() -> dict[str, Any]:
    """The OpenAPI document the fuzzed site serves, from an app on its own migrated database.

    Call it while the example is installed (:func:`tests.plugins.examples.on_path`).
    The test plugins' modules it imports from :data:`PLUGINS_DIR` are forgotten
    afterwards; the bundled plugins' are the checkout's own and stay, as a second
    import would define their models twice.
    """
    loaded = {name: module for name, module in sys.modules.items() if _copied(name)}
    try:
        return _served_document()
    finally:
        for name in [name for name in sys.modules if _copied(name)]:
            del sys.modules[name]
        sys.modules.update(loaded)


def _copied(module: str) -> bool:
    """Whether ``module`` is a test plugin's, copied into :data:`PLUGINS_DIR`."""
    return any(
        module == f"plugins.{name}" or module.startswith(f"plugins.{name}.")
        for name in (source.name for source in FUZZ_PLUGINS.iterdir())
    )


def _served_document() -> dict[str, Any]:
    previous = os.environ.get("CMS_INSTANCE_DIR")
    with tempfile.TemporaryDirectory(prefix="cms-fuzz-site-") as folder:
        os.environ["CMS_INSTANCE_DIR"] = str(Path(folder) / "instance")
        try:
            app = create_app(
                {
                    **BASE_TEST_CONFIG,
                    **CONFIG_OVERRIDES,
                    "DATABASE_URL": f"sqlite:///{Path(folder) / 'cms.sqlite3'}",
                    "MEDIA_DIR": str(Path(folder) / "media"),
                }
            )
            with app.app_context():
                upgrade(revision="heads")  # the core's tables and every plugin's
            response = app.test_client().get("/api/v1/openapi.json")
            assert response.status_code == 200, response.data[:200]
            found: dict[str, Any] = response.get_json()
            with app.app_context():
                db.engine.dispose()
        finally:
            if previous is None:
                os.environ.pop("CMS_INSTANCE_DIR", None)
            else:
                os.environ["CMS_INSTANCE_DIR"] = previous
    return found


with on_path(EXAMPLE[0], EXAMPLE[1], EXAMPLES_DIR):
    #: The document every operation is generated from.
    DOCUMENT = site_document()


@pytest.fixture(scope="module")
def example(database_template: Any) -> Iterator[Path]:
    """The example installed for this module's apps (after the template database is built)."""
    with on_path(EXAMPLE[0], EXAMPLE[1], EXAMPLES_DIR) as target:
        yield target


@pytest.fixture
def app_config(app_config: dict[str, Any], example: Path) -> dict[str, Any]:
    """The site under test has the plugins the document was built with."""
    return {**app_config, **CONFIG_OVERRIDES}


#: Generated examples per operation: enough to find crashes, bounded in time.
MAX_EXAMPLES = 30


@pytest.fixture
def admin_headers(api_token: Any) -> dict[str, str]:
    """The Authorization header of an admin's token."""
    return {"Authorization": f"Bearer {api_token('admin', email='fuzz-admin@example.org')}"}


@pytest.fixture
def seeded_app(
    app: Flask, admin_headers: dict[str, str], enable_plugin: Callable[[str], Any]
) -> Iterator[Flask]:
    """``app`` with the example migrated, and one category, tag, page and article (id 1 each)."""
    enable_plugin(EXAMPLE[2])  # applies its migration to this test's database
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

schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)
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


def test_the_fuzzed_document_is_the_sites_with_its_plugin_paths(seeded_app: Flask) -> None:
    """The plugin operations are among those fuzzed, and the app under test serves this document."""
    operations = {
        (result.ok().method.upper(), result.ok().path) for result in schema.get_all_operations()
    }
    assert operations >= PLUGIN_OPERATIONS
    assert ("GET", "/api/v1/articles/{article_id}") in operations
    article = DOCUMENT["components"]["schemas"]["Article"]
    assert "tally" in article["properties"]
    # Anonymous writes are rate limited and say so; reads are not.
    helpful = DOCUMENT["paths"]["/api/v1/articles/{article_id}/helpful"]
    assert ANONYMOUS_LIMIT in helpful["post"]["responses"]["429"]["description"]
    assert "429" not in helpful["get"]["responses"]
    with seeded_app.app_context():  # found through its entry point, from the pip install
        installed = registry().plugins[EXAMPLE[2]].path
    assert installed is not None
    assert list(installed.parent.glob(f"{EXAMPLE[1]}-*.dist-info"))
    client = seeded_app.test_client()
    assert client.get("/api/v1/openapi.json").get_json() == DOCUMENT
    # OPTIONS names the declared methods only, not those answered with 405.
    allowed = client.options("/api/v1/articles/1/tally").headers["Allow"]
    assert sorted(allowed.split(", ")) == ["DELETE", "GET", "HEAD", "OPTIONS", "POST"]
    refused = client.put("/api/v1/articles/1/tally", json={})
    assert refused.status_code == 405
    assert refused.headers["Allow"] == allowed
