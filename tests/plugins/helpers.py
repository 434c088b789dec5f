"""Helpers for the plugin engine tests."""

import sys


def place(app, plugin, widget_type, region="sidebar", theme="default", **fields):
    """Place a widget instance directly; returns its id."""
    from cms import generations
    from cms.extensions import db
    from cms.models import WidgetInstance

    with app.app_context():
        instance = WidgetInstance(
            plugin=plugin,
            widget_type=widget_type,
            theme=theme,
            region=region,
            position=fields.pop("position", 0),
            title=fields.pop("title", ""),
            settings=fields.pop("settings", {}),
            visibility=fields.pop("visibility", "all"),
            category_ids=fields.pop("category_ids", []),
        )
        db.session.add(instance)
        generations.bump(generations.WIDGETS)
        db.session.commit()
        return instance.id


def module(name):
    return sys.modules[f"plugins.{name}"]
