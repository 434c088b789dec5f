"""The example plugin of docs/plugins.md, installed with pip and found by its entry point."""

import subprocess
import sys

import pytest

from cms.config import PROJECT_ROOT
from cms.content import save_article
from cms.extensions import db
from tests.plugins.helpers import place


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    target = tmp_path_factory.mktemp("site-packages")
    subprocess.run(  # noqa: S603 (pip of this interpreter, fixed arguments)
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
            "--target", str(target), str(PROJECT_ROOT / "examples" / "cms-latest"),
        ],
        check=True,
    )  # fmt: skip
    sys.path.insert(0, str(target))
    yield target
    sys.path.remove(str(target))
    for name in [m for m in sys.modules if m == "cms_latest" or m.startswith("cms_latest.")]:
        sys.modules.pop(name)


def test_the_installed_plugin_is_found_and_its_box_renders(installed, app, client):
    plugins = app.extensions["cms_plugins"]
    assert "latest" in plugins.plugins, plugins.broken
    assert str(plugins.plugins["latest"].path).startswith(str(installed))
    wid = place(app, "latest", "box", title="Tin mới", settings={"count": 2})
    html = client.get("/").text
    assert f'data-widget="latest.box" data-widget-id="{wid}"' in html
    assert "No articles have been published yet." in html

    with app.test_request_context("/"):
        save_article(None, {"title": "Bài đầu tiên", "status": "published"})
        db.session.commit()  # article_published fires after the commit
    html = client.get("/").text
    assert "Bài đầu tiên" in html  # the hook invalidated the cached box
