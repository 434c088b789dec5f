"""The JSON API v1 under ``/api/v1``, described by ``/api/v1/openapi.json``."""

from flask.sansio.blueprints import BlueprintSetupState

from cms.api import plugins, routes, views  # noqa: F401  (their routes register on bp)
from cms.api.core import bp

__all__ = ["bp"]


@bp.record_once
def _mount_plugin_apis(state: BlueprintSetupState) -> None:
    """Let every plugin loaded after the API mount its API endpoints (:func:`routes.mount`)."""
    state.app.extensions.setdefault("cms_plugin_mounts", []).append(routes.mount)
