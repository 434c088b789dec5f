"""Hooks: the media library keeps an image that a link shows as its logo."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from cms.extensions import db
from cms.plugins import hookimpl
from plugins.links.models import Link

#: Most links named on the image's screen (the rest are the same kind of use).
NAMED_MAX = 10


class Hooks:
    """Tell the core where the plugin uses a media item."""

    @hookimpl
    def media_uses(self, media_id: int) -> list[str]:
        """The links showing media item ``media_id`` as their logo, as readable labels."""
        titles = db.session.execute(
            select(Link.title).where(Link.logo_id == media_id).order_by(Link.id).limit(NAMED_MAX)
        ).scalars()
        return [_("logo of the link “%(title)s”", title=title) for title in titles]
