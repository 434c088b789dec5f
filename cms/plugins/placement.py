"""Placing widget instances in theme regions: the services behind the back office and ``cms demo``.

Every change bumps the ``widgets`` generation in the caller's transaction,
so every worker re-reads placements and drops cached widget HTML once it commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from cms import generations
from cms.content.errors import ContentError
from cms.extensions import db
from cms.models import VISIBILITY, Category, WidgetInstance
from cms.plugins.registry import registry
from cms.themes import manager

#: Longest instance title.
TITLE_MAX = 200


def widget_types() -> list[tuple[str, Any]]:
    """(``plugin.type``, translated title) of every widget type of the active plugins, by title."""
    plugins = registry()
    found = []
    for name in plugins.enabled_names():
        for widget in plugins.plugins[name].widgets:
            found.append((f"{name}.{widget.type}", str(widget.title or widget.type)))
    return sorted(found, key=lambda pair: pair[1].casefold())


def type_title(full_type: str) -> str:
    """The translated name of widget type ``plugin.type``; the identifier if it is unknown."""
    plugin, _sep, kind = (full_type or "").partition(".")
    widget = registry().widget_class(plugin, kind)
    title = str(widget.title) if widget is not None and widget.title else ""
    return title or full_type


def instance_name(instance: WidgetInstance) -> str:
    """What people call a placed widget: its title, else its type's translated name."""
    return instance.title or type_title(instance.full_type)


def _split_type(full_type: str) -> tuple[str, str]:
    plugin, _sep, kind = (full_type or "").partition(".")
    if registry().widget_class(plugin, kind) is None:
        raise ContentError({"widget_type": _("Unknown widget type: %(type)s.", type=full_type)})
    return plugin, kind


def _check_region(theme: str, region: str) -> None:
    found = manager().themes.get(theme)
    if found is None:
        raise ContentError({"theme": _("No theme named %(name)s.", name=theme)})
    if region not in found.regions:
        raise ContentError(
            {"region": _("Theme %(theme)s has no region %(region)s.", theme=theme, region=region)}
        )


def _check_common(title: Any, visibility: Any, category_ids: Any) -> list[int]:
    errors = {}
    if not isinstance(title, str) or len(title) > TITLE_MAX:
        errors["title"] = _(
            "The title must be text of at most %(limit)d characters.", limit=TITLE_MAX
        )
    if visibility not in VISIBILITY:
        errors["visibility"] = _("Choose where the widget shows.")
    ids: list[int] = []
    if not isinstance(category_ids, list | tuple) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in category_ids
    ):
        errors["category_ids"] = _("Categories must be a list of ids.")
    else:
        ids = sorted(set(category_ids))
        known = set(db.session.execute(select(Category.id).where(Category.id.in_(ids))).scalars())
        if set(ids) - known:
            errors["category_ids"] = _("No such category.")
        elif visibility == "categories" and not ids:
            errors["category_ids"] = _("Choose at least one category.")
    if errors:
        raise ContentError(errors)
    return ids


def add_instance(
    theme: str,
    region: str,
    full_type: str,
    *,
    title: str | None = None,
    settings: dict[str, Any] | None = None,
    visibility: str = "all",
    category_ids: Sequence[int] = (),
) -> WidgetInstance:
    """Place a new ``plugin.type`` instance last in a region; the caller commits."""
    plugin, kind = _split_type(full_type)
    _check_region(theme, region)
    widget = registry().widget_class(plugin, kind)
    assert widget is not None
    title = str(widget.title) if title is None else title
    ids = _check_common(title, visibility, list(category_ids))
    last = db.session.execute(
        select(func.max(WidgetInstance.position)).where(
            WidgetInstance.theme == theme, WidgetInstance.region == region
        )
    ).scalar()
    instance = WidgetInstance(
        plugin=plugin,
        widget_type=kind,
        theme=theme,
        region=region,
        position=(last + 1) if last is not None else 0,
        title=title.strip(),
        settings={**widget.default_settings, **(settings or {})},
        visibility=visibility,
        category_ids=ids,
    )
    db.session.add(instance)
    generations.bump(generations.WIDGETS)
    return instance


def update_instance(instance: WidgetInstance, **fields: Any) -> WidgetInstance:
    """Change title, region, settings, visibility or categories; the caller commits."""
    title = fields.get("title", instance.title)
    visibility = fields.get("visibility", instance.visibility)
    ids = _check_common(
        title, visibility, list(fields.get("category_ids", instance.category_ids or []))
    )
    if "region" in fields and fields["region"] != instance.region:
        _check_region(instance.theme, fields["region"])
        instance.region = fields["region"]
        instance.position = _next_position(instance.theme, instance.region)
    instance.title = title.strip()
    instance.visibility = visibility
    instance.category_ids = ids if visibility == "categories" else []
    if "settings" in fields:
        instance.settings = dict(fields["settings"])
    generations.bump(generations.WIDGETS)
    return instance


def _next_position(theme: str, region: str) -> int:
    last = db.session.execute(
        select(func.max(WidgetInstance.position)).where(
            WidgetInstance.theme == theme, WidgetInstance.region == region
        )
    ).scalar()
    return (last + 1) if last is not None else 0


def delete_instance(instance: WidgetInstance) -> None:
    """Remove an instance; the caller commits."""
    db.session.delete(instance)
    generations.bump(generations.WIDGETS)


def instances(theme: str, region: str) -> list[WidgetInstance]:
    """The instances of a region, in order."""
    return list(
        db.session.execute(
            select(WidgetInstance)
            .where(WidgetInstance.theme == theme, WidgetInstance.region == region)
            .order_by(WidgetInstance.position, WidgetInstance.id)
        ).scalars()
    )


def reorder(theme: str, region: str, ids: Iterable[int]) -> None:
    """Put the region's instances in the order of ``ids`` (all of them, each once)."""
    current = instances(theme, region)
    wanted = list(ids)
    if sorted(wanted) != sorted(i.id for i in current):
        raise ContentError({"ids": _("The order must list every widget of the region once.")})
    by_id = {i.id: i for i in current}
    for position, instance_id in enumerate(wanted):
        by_id[instance_id].position = position
    generations.bump(generations.WIDGETS)


def move(instance: WidgetInstance, offset: int) -> None:
    """Move an instance up (-1) or down (+1) among its region's instances."""
    siblings = instances(instance.theme, instance.region)
    ids = [i.id for i in siblings]
    index = ids.index(instance.id)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    reorder(instance.theme, instance.region, ids)
