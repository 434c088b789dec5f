"""The JSON API v1 under ``/api/v1``, described by ``/api/v1/openapi.json``."""

from cms.api import plugins  # noqa: F401  (its routes register on bp)
from cms.api.views import bp

__all__ = ["bp"]
