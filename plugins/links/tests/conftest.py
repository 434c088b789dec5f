"""Fixtures of the links plugin's tests: groups and links made through its services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from cms.content import set_setting
from cms.extensions import db
from plugins.links import services


@dataclass(frozen=True)
class Sample:
    """The ids of a group of three links (the middle one hidden) and a second group."""

    group: int
    links: list[int]
    hidden: int
    other_group: int
    other_link: int


@pytest.fixture
def make_group(app: Flask) -> Callable[..., int]:
    """``make_group(title, active=True)`` -> the new group's id, committed."""

    def factory(title: str = "Liên kết website", active: bool = True) -> int:
        """Save a group through the services; its id."""
        with app.test_request_context("/"):
            return services.save_group(None, title=title, active=active).id

    return factory


@pytest.fixture
def make_link(app: Flask) -> Callable[..., int]:
    """``make_link(group_id, title, url, active=True, logo_id=None)`` -> the new link's id."""

    def factory(group_id: int, title: str, url: str, **fields: Any) -> int:
        """Save a link through the services; its id."""
        with app.test_request_context("/"):
            return services.save_link(None, group_id=group_id, title=title, url=url, **fields).id

    return factory


@pytest.fixture
def sample(make_group: Callable[..., int], make_link: Callable[..., int]) -> Sample:
    """ "Liên kết website" (Bình Nguyên, a hidden Vân Sơn, Bộ Chuyển đổi số) and "Bộ, ngành"."""
    group = make_group("Liên kết website")
    first = make_link(group, "Cổng TTĐT tỉnh Bình Nguyên", "https://binhnguyen.example.vn")
    hidden = make_link(group, "Cổng TTĐT tỉnh Vân Sơn", "https://vanson.example.vn", active=False)
    last = make_link(group, "Bộ Chuyển đổi số", "https://chuyendoiso.example.vn/gioi-thieu?a=1")
    other = make_group("Bộ, ngành")
    other_link = make_link(other, "Bộ Hành chính công", "https://hanhchinhcong.example.vn")
    return Sample(group, [first, hidden, last], hidden, other, other_link)


@pytest.fixture
def vietnamese(app: Flask) -> Flask:
    """The site speaks Vietnamese."""
    with app.app_context():
        set_setting("locale", "vi")
        db.session.commit()
    return app


def clicks(app: Flask, link_id: int) -> int:
    """The click count of a link, as the shared store holds it."""
    with app.app_context():
        return services.click_counts([link_id])[link_id]
