"""``GET /stats/hit``: the beacon, for sites behind an outside page cache or CDN.

In beacon mode (setting ``mode = "beacon"``) the server does not count pages
from the ``page_view`` event; each page carries ``stats-beacon.js`` (a static
file of the plugin, loaded with ``defer``: no inline script, so the site's CSP
holds), which calls this URL once with the page's kind and id. The same rules
apply as on the server: a ``GET`` (a ``HEAD`` is not counted), crawlers by
user agent, Do-Not-Track, the visitor cookie (set on this answer). An article
id that is not a public article counts as a page of kind ``other``; any kind
not known is ``other`` too, so no junk key can be made. Answers ``204``,
never cached. In server mode it counts nothing (the server already did).
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from sqlalchemy import select

from cms.content import public_filter
from cms.extensions import db
from cms.models import Article
from cms.page_view import PAGE_KINDS, PageIdentity, current_visitor
from plugins.stats import counting, rollup
from plugins.stats.settings import current_settings

bp = Blueprint("stats", __name__)

#: Largest object id taken from a beacon (ids past it are not ours).
ID_MAX = 2**31 - 1


def beacon_page() -> PageIdentity:
    """The page a beacon reports, from its query string; checked (see the module docstring)."""
    kind = request.args.get("kind", "other")
    kind = kind if kind in PAGE_KINDS else "other"
    raw = request.args.get("id", "")
    object_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 10 else None
    if object_id is not None and object_id > ID_MAX:
        object_id = None
    if kind == "article":
        public = (
            object_id is not None
            and db.session.execute(
                select(Article.id).where(Article.id == object_id, public_filter())
            ).first()
        )
        if not public:
            kind, object_id = "other", None
    elif kind != "other":
        object_id = None  # only article ids are counted per object
    return PageIdentity(kind, object_id, request.path, 200, None)


@bp.get("/stats/hit")
def hit() -> Response:
    """Count the page the beacon reports (beacon mode only); ``204``, never cached."""
    answer = Response(status=204)
    answer.headers["Cache-Control"] = "no-store"
    settings = current_settings()
    if settings.mode != "beacon":
        return answer
    visitor = current_visitor()
    counting.record(beacon_page(), visitor, settings)
    rollup.maybe_roll_up()
    visitor.apply_cookies(answer)
    return answer
