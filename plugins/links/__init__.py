"""Links: webmaster-managed website links in groups ("Liên kết website").

Shown by the ``links.links`` widget as a list, a grid of logos or a jump menu
(a labelled ``<select>`` with a Go button: choosing never navigates by
itself, WCAG 3.2.2). Every link goes through ``/links/go/<id>`` (the jump
menu without JavaScript: ``/links/go?id=<id>``), which redirects only to the
stored URL of an active link and counts the click in the shared store.
``GET /api/v1/links`` lists the active links; the back office manages groups
and links (drag ordering, or Up and Down buttons) and shows the click counts.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cms.plugins import AdminView, ApiRoute, Plugin
from plugins.links import admin, api, demo
from plugins.links.forms import SettingsForm
from plugins.links.hooks import Hooks
from plugins.links.views import bp
from plugins.links.widgets import LinksWidget

_POST = ("POST",)
_FORM = ("GET", "POST")
_ID = "<int:{}>"  # ids past 2**31-1 are refused by the views (404)

plugin = Plugin(
    name="links",
    version="1.0.0",
    title=_l("Website links"),
    description=_l(
        "Links to other websites in groups, shown as a list, logos or a jump menu;"
        " counts the clicks."
    ),
    widgets=[LinksWidget],
    blueprint=bp,
    models=["plugins.links.models"],
    api=[
        ApiRoute(
            "/api/v1/links",
            api.list_links,
            query=api.LIST_QUERY,
            response=api.LIST_SCHEMA,
            summary="The active website links, in order",
        ),
        ApiRoute(
            "/api/v1/links/<int:link_id>",
            api.get_link,
            response=api.LINK_SCHEMA,
            summary="One active website link",
        ),
    ],
    admin_views=[
        AdminView("/", admin.index, role="admin", menu=_l("Website links")),
        AdminView("/groups/new", admin.group_new, role="admin", methods=_FORM),
        AdminView(f"/groups/{_ID.format('group_id')}", admin.group_edit, "admin", methods=_FORM),
        AdminView(
            f"/groups/{_ID.format('group_id')}/delete", admin.group_delete, "admin", methods=_POST
        ),
        AdminView(
            f"/groups/{_ID.format('group_id')}/move", admin.group_move, "admin", methods=_POST
        ),
        AdminView("/new", admin.link_new, role="admin", methods=_FORM),
        AdminView(f"/{_ID.format('link_id')}", admin.link_edit, "admin", methods=_FORM),
        AdminView(f"/{_ID.format('link_id')}/delete", admin.link_delete, "admin", methods=_POST),
        AdminView(f"/{_ID.format('link_id')}/move", admin.link_move, "admin", methods=_POST),
        AdminView("/reorder", admin.reorder, role="admin", methods=_POST),
    ],
    settings_form=SettingsForm,
    default_settings={"new_window": False},
    demo=demo.build,
    robots_disallow=["/links/go"],  # counted redirects, no content of the site's
    hooks=Hooks(),
)
