"""Words people read about a theme: localized titles and descriptions, and its regions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

#: Where a region can sit on the page map of the widgets screen.
AREAS = ("top", "left", "main", "right", "bottom")


class TextError(ValueError):
    """A manifest text that is neither a string nor a ``{locale: text}`` object."""


def _current_language() -> str | None:
    try:
        locale = get_locale()
    except RuntimeError:  # outside an application context
        return None
    return locale.language if locale is not None else None


@dataclass(frozen=True)
class Localized:
    """A text given in one or more languages; ``str()`` picks the current locale's."""

    #: ``(locale, text)`` pairs in manifest order; a plain string is stored under ``""``.
    texts: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, value: Any) -> Localized:
        """Read a manifest value: a string or ``{locale: text}``; raises :class:`TextError`."""
        if value is None:
            return cls()
        if isinstance(value, str):
            return cls((("", value),) if value else ())
        if isinstance(value, Mapping) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            return cls(tuple((k, v) for k, v in value.items() if v))
        raise TextError("must be a string or an object of locale to text")

    def text(self, language: str | None = None) -> str:
        """The text in ``language`` (default: the current locale), else English, else any."""
        found = dict(self.texts)
        for key in (language or _current_language(), "en", ""):
            if key is not None and key in found:
                return found[key]
        return self.texts[0][1] if self.texts else ""

    def __str__(self) -> str:
        return self.text()

    def __bool__(self) -> bool:
        return bool(self.texts)


#: Titles, sentences and page areas for the region names most themes use.
CORE_REGIONS: dict[str, tuple[Any, Any, str]] = {
    "header": (
        _l("Top of the page"),
        _l("Across the top of every page, above the content."),
        "top",
    ),
    "sidebar": (
        _l("Side column"),
        _l("Beside the content on wide screens, below it on phones."),
        "right",
    ),
    "sidebar_left": (
        _l("Left column"),
        _l("Left of the content on wide screens, below it on phones."),
        "left",
    ),
    "article_footer": (
        _l("Under the article"),
        _l("Below the text of an article, on article pages only."),
        "main",
    ),
    "footer": (
        _l("Bottom of the page"),
        _l("Across the bottom of every page."),
        "bottom",
    ),
}


@dataclass(frozen=True)
class Region:
    """A region of a theme's layout, with what the back office tells about it."""

    #: Identifier the templates and placements use, e.g. ``sidebar_left``.
    name: str
    #: Title from the manifest, if it gives one.
    given_title: Localized = Localized()
    #: Sentence from the manifest, if it gives one.
    given_description: Localized = Localized()
    #: Area of the page map (one of :data:`AREAS`); ``""`` lets the core guess.
    given_area: str = ""

    @property
    def title(self) -> str:
        """The region's name for people, in the current locale."""
        if self.given_title:
            return str(self.given_title)
        if self.name in CORE_REGIONS:
            return str(CORE_REGIONS[self.name][0])
        return self.name.replace("_", " ").replace("-", " ").capitalize()

    @property
    def description(self) -> str:
        """One sentence on where the region shows, in the current locale ('' if unknown)."""
        if self.given_description:
            return str(self.given_description)
        if self.name in CORE_REGIONS:
            return str(CORE_REGIONS[self.name][1])
        return ""

    @property
    def area(self) -> str:
        """Where the region sits on the page map: top, left, main, right or bottom."""
        if self.given_area:
            return self.given_area
        return CORE_REGIONS[self.name][2] if self.name in CORE_REGIONS else "main"


def parse_region(value: Any, name_ok: Any) -> Region:
    """A manifest region: a plain name or ``{"name", "title", "description", "area"}``.

    ``name_ok`` tells whether a name is valid; raises :class:`TextError` otherwise.
    """
    if isinstance(value, str):
        if not name_ok(value):
            raise TextError(f"invalid region name {value!r}")
        return Region(value)
    if not isinstance(value, Mapping):
        raise TextError("a region must be a name or an object")
    name = value.get("name")
    if not isinstance(name, str) or not name_ok(name):
        raise TextError(f"invalid region name {name!r}")
    area = value.get("area", "")
    if area and area not in AREAS:
        raise TextError(f"region {name}: area must be one of {', '.join(AREAS)}")
    try:
        title = Localized.parse(value.get("title"))
        description = Localized.parse(value.get("description"))
    except TextError as exc:
        raise TextError(f"region {name}: title and description {exc}") from exc
    return Region(name, title, description, area)
