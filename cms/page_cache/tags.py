"""Cache tags: what a stored page shows, and what a change of a row makes stale.

The scheme follows Drupal's cache tags (an entity tag per object shown, a list
tag for every listing, invalidated together by a save):

======================  =====================================  =====================================
tag                     carried by                             invalidated by
======================  =====================================  =====================================
``layout``              every page (menus, footer, widgets)    settings, categories, menu pages,
                                                               widget placement, plugin states,
                                                               media edits and deletions
``lists``               home, category and tag listings,       any article saved or deleted
                        feeds, sitemap
``article:<id>``        the article's page                     that article saved or deleted
``list:category:<id>``  the listings of category ``id`` and     an article entering or leaving
                        of its parents                         that category
``tag:<id>``            the tag's listing, its articles        that tag saved or deleted
``page:<id>``           the page                               that page saved or deleted
                                                               (and ``layout``: menus, sub-pages)
``user:<id>``           articles by that author                (authors' names: ``layout``)
``widget:<id>`` ...     pages showing a cached widget          ``widget_cache.invalidate``
``widget-type:<t>@<p>`` page ``p`` (``article:12``) showing a  ``widget_cache.invalidate`` with
                        per-page widget of type ``t``          ``pages``
``*``                   (everything)                           ``cms cache clear``, bulk statements
                                                               naming no rows (``CHANGED_IDS``)
======================  =====================================  =====================================
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm.attributes import get_history

from cms.models import (
    Article,
    Category,
    Media,
    Page,
    PluginState,
    Setting,
    Tag,
    User,
    WidgetInstance,
)
from cms.page_cache.backends import EVERYTHING
from cms.page_cache.record import LAYOUT, LISTS

#: Models whose every change affects every page.
_LAYOUT_MODELS = (Category, Setting, WidgetInstance, PluginState)
#: Generation counters (:mod:`cms.generations`) whose move affects every page.
#: (Pages and media are dropped row by row: :func:`row_tags`; their counters are not here.)
_LAYOUT_GENERATIONS = ("plugins", "widgets", "settings", "categories")
#: Execution option of an ORM bulk ``UPDATE``/``DELETE``: the ids of the rows it may
#: change (a superset will do), so that only their pages and the lists are purged.
CHANGED_IDS = "cms_changed_ids"
#: Prefixes of generation counters named like the cache tags they stand for.
_WIDGET_GENERATIONS = ("widget:", "widget-type:", "widget-plugin:")


def page_tags(kind: str, obj: Any, descendant_ids: Iterable[int] = ()) -> list[str]:
    """The tags of a public page of ``kind`` showing ``obj`` (an ORM row, or ``None``).

    ``descendant_ids`` are, for a category page, the ids of the categories it
    lists (itself and its descendants). ``layout`` is added by the record.
    """
    if kind in ("home", "category"):
        return [LISTS, *(f"list:category:{int(i)}" for i in descendant_ids)]
    if kind == "tag":
        return [LISTS, f"tag:{obj.id}"]
    if kind == "page":
        return [f"page:{obj.id}"]
    if kind == "article":
        tags = [f"article:{obj.id}"]
        if obj.author_id is not None:
            tags.append(f"user:{obj.author_id}")
        tags.extend(f"tag:{tag.id}" for tag in obj.tags)
        return tags
    return [LISTS]


def _values(obj: Any, attribute: str) -> set[Any]:
    """The current and former values of ``attribute`` of a flushed row (ids of a collection)."""
    history = get_history(obj, attribute)
    found: set[Any] = set()
    for value in (*history.added, *history.unchanged, *history.deleted):
        found.add(getattr(value, "id", value))
    return {value for value in found if value is not None}


def _changed(obj: Any, attribute: str) -> bool:
    return bool(get_history(obj, attribute).has_changes())


def row_tags(obj: Any, change: str = "dirty") -> set[str]:
    """The tags a flushed change of ORM row ``obj`` invalidates (empty: no page shows it).

    ``change`` is ``"new"``, ``"dirty"`` or ``"deleted"``.
    """
    deleted = change == "deleted"
    if isinstance(obj, Article):
        tags = {f"article:{obj.id}", LISTS}
        tags.update(f"list:category:{c}" for c in _values(obj, "category_id"))
        return tags
    if isinstance(obj, Tag):
        return {f"tag:{obj.id}", LISTS}
    if isinstance(obj, Page):  # the menu, breadcrumbs of sub-pages, the sitemap show it
        return {f"page:{obj.id}", LAYOUT}
    if isinstance(obj, _LAYOUT_MODELS):
        return {LAYOUT}
    if isinstance(obj, Media):
        return set() if change == "new" else {LAYOUT}
    if isinstance(obj, User):  # bylines and feeds show the name, else the e-mail's start
        return {LAYOUT} if deleted or _changed(obj, "name") or _changed(obj, "email") else set()
    return set()


def bulk_tags(entity: Any, ids: Iterable[int] | None = None) -> set[str]:
    """The tags an ORM-enabled bulk ``UPDATE``/``DELETE`` of ``entity`` invalidates.

    ``ids``: the ids of the rows the statement may change, when its caller
    named them (the :data:`CHANGED_IDS` execution option); then an article,
    tag or page statement purges those rows' pages and every listing (as
    :func:`row_tags` does row by row, with ``lists`` standing for every
    category's listings). Otherwise the rows are not known one by one: any
    content model means everything. Raises :class:`ValueError` for an id
    that is not a whole number.
    """
    if not (
        isinstance(entity, type)
        and issubclass(entity, (Article, Tag, Page, Media, User, *_LAYOUT_MODELS))
    ):
        return set()
    if ids is None:
        return {EVERYTHING}
    numbers = sorted({int(row_id) for row_id in ids})
    if issubclass(entity, Article):
        return {LISTS, *(f"article:{number}" for number in numbers)}
    if issubclass(entity, Tag):
        return {LISTS, *(f"tag:{number}" for number in numbers)}
    if issubclass(entity, Page):
        return {LAYOUT, *(f"page:{number}" for number in numbers)}
    return {EVERYTHING}


def generation_tags(keys: Iterable[str]) -> set[str]:
    """The tags that moving generation counters ``keys`` (:mod:`cms.generations`) invalidates."""
    tags: set[str] = set()
    for key in keys:
        if key.startswith(_WIDGET_GENERATIONS):
            tags.add(key)
        elif key in _LAYOUT_GENERATIONS:
            tags.add(LAYOUT)
    return tags
