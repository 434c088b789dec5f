"""What the links plugin does with its tables and its counters; views and the demo call these.

Every change goes through :func:`save_group`, :func:`save_link`, the move,
reorder and delete functions: they check their input again (whoever calls
them), keep positions dense (0, 1, 2... within a group; also while several
workers create links or groups at once, see :func:`lock_positions`), drop the cached
``links.links`` widgets in the same transaction (so every worker shows the
change once it commits) and commit, unless told not to (the demo, which runs
inside ``cms demo``'s transaction). Click counts are counters of the shared
store (:mod:`cms.store`), ``links:clicks:<link id>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from cms import store
from cms.content.media import fit, visible_text
from cms.content.text import clean_text
from cms.extensions import db
from cms.models import Media
from cms.plugins import widget_cache
from plugins.links.models import TITLE_MAX, Link, LinkGroup
from plugins.links.urls import UrlError, check_url

#: The widget type whose cached HTML every change drops.
WIDGET_TYPE = "links.links"
#: Largest id looked up (ids are 32-bit integers on every supported database).
MAX_ID = 2**31 - 1
#: PostgreSQL advisory lock key held while a new group takes the next position ("links").
GROUPS_LOCK_KEY = int.from_bytes(b"links", "big")
#: Longest side of a logo as shown by the logo display, in CSS pixels (the thumbnail's).
LOGO_SIZE = 320


class LinkError(ValueError):
    """A refused change: ``errors`` maps a field name to its translated message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        #: Field name (``title``, ``url``, ``group``, ``logo``, ``ids``) -> message.
        self.errors = errors


def clicks_key(link_id: int) -> str:
    """The shared-store counter of a link's clicks: ``links:clicks:<id>``."""
    return f"links:clicks:{link_id}"


# -- input --------------------------------------------------------------------------------


def clean_title(raw: Any) -> str:
    """A group or link title as stored: one line, NFC, without invisible characters.

    Raises :class:`LinkError` (field ``title``) when it is empty or longer than
    :data:`~plugins.links.models.TITLE_MAX` characters. Markup is kept as text:
    templates escape it.
    """
    title = visible_text(clean_text(raw if isinstance(raw, str) else "", single_line=True))
    if not title:
        raise LinkError({"title": _("Enter a title.")})
    if len(title) > TITLE_MAX:
        raise LinkError(
            {"title": _("The title is too long (at most %(max)d characters).", max=TITLE_MAX)}
        )
    return title


def _url(raw: Any) -> str:
    try:
        return check_url(raw if isinstance(raw, str) else "")
    except UrlError as exc:
        raise LinkError({"url": str(exc)}) from None


def _logo(logo_id: Any) -> int | None:
    if logo_id in (None, ""):
        return None
    if isinstance(logo_id, bool) or not isinstance(logo_id, int) or not 0 < logo_id <= MAX_ID:
        raise LinkError({"logo": _("Choose an image from the media library, or no logo.")})
    if db.session.get(Media, logo_id) is None:
        raise LinkError({"logo": _("Choose an image from the media library, or no logo.")})
    return logo_id


def _group(group_id: Any) -> LinkGroup:
    group = get_group(group_id)
    if group is None:
        raise LinkError({"group": _("Choose a group from the list.")})
    return group


# -- reading ------------------------------------------------------------------------------


def get_group(group_id: Any) -> LinkGroup | None:
    """The group with id ``group_id`` (an int in the id range), or ``None``."""
    if isinstance(group_id, bool) or not isinstance(group_id, int) or not 0 < group_id <= MAX_ID:
        return None
    return db.session.get(LinkGroup, group_id)


def get_link(link_id: Any) -> Link | None:
    """The link with id ``link_id`` (an int in the id range), or ``None``."""
    if isinstance(link_id, bool) or not isinstance(link_id, int) or not 0 < link_id <= MAX_ID:
        return None
    return db.session.get(Link, link_id)


def all_groups() -> list[LinkGroup]:
    """Every group in order, with its links (active or not) loaded: the back office's view."""
    query = select(LinkGroup).order_by(LinkGroup.position, LinkGroup.id)
    query = query.options(selectinload(LinkGroup.links).selectinload(Link.logo))
    return list(db.session.execute(query).scalars())


def public_link(link_id: Any) -> Link | None:
    """The link readers may follow: it exists, it is active and so is its group; else ``None``."""
    link = get_link(link_id)
    if link is None or not link.active or not link.group.active:
        return None
    return link


def _group_ref(ref: Any) -> int | str | None:
    """A widget's ``group`` setting as an id, a title, or ``None`` for every group."""
    if isinstance(ref, bool) or ref is None:
        return None
    if isinstance(ref, int):
        return ref if 0 < ref <= MAX_ID else ""  # no group has that id
    text = clean_text(str(ref), single_line=True)
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= MAX_ID:
        return int(text)
    return text  # a title ("2147483648" or "①" names no id: no group has it as a title)


def shown_groups(ref: Any = None) -> list[LinkGroup]:
    """The active groups a widget shows, in order, each with its links loaded.

    ``ref`` is the widget's ``group`` setting: empty (``None``, ``""``) for
    every active group, else a group id (int or digits) or a group title. A
    group that is unknown or inactive gives an empty list.
    """
    query = select(LinkGroup).where(LinkGroup.active.is_(True))
    wanted = _group_ref(ref)
    if isinstance(wanted, int):
        query = query.where(LinkGroup.id == wanted)
    elif isinstance(wanted, str):
        query = query.where(LinkGroup.title == wanted)
    query = query.order_by(LinkGroup.position, LinkGroup.id)
    query = query.options(selectinload(LinkGroup.links).selectinload(Link.logo))
    return list(db.session.execute(query).scalars())


def shown_links(groups: Iterable[LinkGroup]) -> list[Link]:
    """The active links of ``groups``, groups in their order, links in theirs."""
    return [link for group in groups for link in group.links if link.active]


def click_counts(link_ids: Iterable[int]) -> dict[int, int]:
    """``{link id: clicks}`` from the shared store, in one round trip (absent: 0)."""
    ids = list(link_ids)
    found = store.get_many([clicks_key(i) for i in ids])
    return {i: found[clicks_key(i)] for i in ids}


def count_click(link_id: int) -> None:
    """Count one click on a link: a reader's write, which never waits (``incr_later``)."""
    store.incr_later(clicks_key(link_id))


@dataclass(frozen=True)
class Logo:
    """How a logo is shown: its URL and size in CSS pixels (at most :data:`LOGO_SIZE`)."""

    #: Site-relative URL of the image (its thumbnail when it has one).
    url: str
    #: Width and height of the box it is shown in.
    width: int
    height: int


def logo_of(link: Link) -> Logo | None:
    """The shown logo of ``link``: the media item's thumbnail, or ``None`` without a logo."""
    media = link.logo
    if media is None:
        return None
    filename = (media.variants or {}).get("thumbnail") or media.filename
    width, height = fit((media.width or LOGO_SIZE, media.height or LOGO_SIZE // 2), LOGO_SIZE)
    return Logo(url_for("public.media", filename=filename), width, height)


# -- changes ------------------------------------------------------------------------------


def _changed(commit: bool) -> None:
    widget_cache.invalidate(widget_type=WIDGET_TYPE)
    if commit:
        db.session.commit()


def _renumber(items: Sequence[Link | LinkGroup]) -> None:
    for index, item in enumerate(items):
        if item.position != index:
            item.position = index


def lock_positions(group_id: int | None = None) -> None:
    """Hold, until the transaction ends, the right to place a link in ``group_id`` (or a group).

    Taking ``max(position) + 1`` is safe only when no other transaction does
    the same meanwhile. PostgreSQL: the group's row is locked ``FOR UPDATE``
    (for a new group, a transaction-level advisory lock); a waiting
    transaction then reads the positions committed before it got the lock.
    SQLite: a write that changes nothing takes the database's write lock
    first, so the read that follows is in the same write transaction. Call it
    before reading positions.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        if group_id is None:
            db.session.execute(select(func.pg_advisory_xact_lock(GROUPS_LOCK_KEY)))
        else:
            query = select(LinkGroup.id).where(LinkGroup.id == group_id).with_for_update()
            db.session.execute(query)
        return
    touch = update(LinkGroup).values(position=LinkGroup.position)
    if group_id is not None:
        touch = touch.where(LinkGroup.id == group_id)
    db.session.execute(touch, execution_options={"synchronize_session": False})


def _next_position(model: type[Link] | type[LinkGroup], *where: Any) -> int:
    last = db.session.execute(select(func.max(model.position)).where(*where)).scalar()
    return 0 if last is None else last + 1


def _group_links(group_id: int) -> list[Link]:
    query = select(Link).where(Link.group_id == group_id).order_by(Link.position, Link.id)
    return list(db.session.execute(query).scalars())


def _groups() -> list[LinkGroup]:
    return list(
        db.session.execute(select(LinkGroup).order_by(LinkGroup.position, LinkGroup.id)).scalars()
    )


def save_group(
    group: LinkGroup | None, *, title: Any, active: bool = True, commit: bool = True
) -> LinkGroup:
    """Create (``group`` None: placed last) or change a group; raises :class:`LinkError`."""
    clean = clean_title(title)
    if group is None:
        lock_positions()
        group = LinkGroup(title=clean, active=bool(active), position=_next_position(LinkGroup))
        db.session.add(group)
    else:
        group.title, group.active = clean, bool(active)
    db.session.flush()
    _changed(commit)
    return group


def delete_group(group: LinkGroup) -> int:
    """Delete a group and its links, and their click counters; returns how many links went."""
    ids = [link.id for link in _group_links(group.id)]
    db.session.delete(group)
    db.session.flush()
    _renumber(_groups())
    _changed(True)
    if ids:
        store.get_store().delete(*[clicks_key(i) for i in ids])
    return len(ids)


def save_link(
    link: Link | None,
    *,
    group_id: Any,
    title: Any,
    url: Any,
    logo_id: Any = None,
    active: bool = True,
    commit: bool = True,
) -> Link:
    """Create or change a link; raises :class:`LinkError` naming every refused field.

    A new link, or one moved to another group, is placed last in its group.
    ``url`` must pass :func:`plugins.links.urls.check_url`; ``logo_id`` is a
    media item's id or ``None``. Nothing is changed when anything is refused.
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, check, raw in (
        ("group", _group, group_id),
        ("title", clean_title, title),
        ("url", _url, url),
        ("logo", _logo, logo_id),
    ):
        try:
            values[name] = check(raw)
        except LinkError as exc:
            errors.update(exc.errors)
    if errors:
        raise LinkError(errors)
    group: LinkGroup = values["group"]
    old_group = link.group_id if link is not None else None
    if link is None or link.group_id != group.id:
        lock_positions(group.id)
    if link is None:
        link = Link(position=_next_position(Link, Link.group_id == group.id))
        db.session.add(link)
    elif link.group_id != group.id:
        link.position = _next_position(Link, Link.group_id == group.id)
    link.group_id = group.id
    link.title, link.url, link.logo_id, link.active = (
        values["title"],
        values["url"],
        values["logo"],
        bool(active),
    )
    db.session.flush()
    db.session.expire(link, ["group", "logo"])
    if old_group is not None and old_group != group.id:
        _renumber(_group_links(old_group))
    _changed(commit)
    return link


def delete_link(link: Link) -> None:
    """Delete a link and its click counter; its group's positions close the gap."""
    group_id, link_id = link.group_id, link.id
    db.session.delete(link)
    db.session.flush()
    _renumber(_group_links(group_id))
    _changed(True)
    store.get_store().delete(clicks_key(link_id))


def _move(items: list[Any], item: Any, offset: int) -> bool:
    index = items.index(item)
    target = index + offset
    if offset == 0 or not 0 <= target < len(items):
        return False
    items.insert(target, items.pop(index))
    _renumber(items)
    return True


def move_link(link: Link, offset: int, *, commit: bool = True) -> bool:
    """Move a link ``offset`` places within its group (-1: up); ``False`` at either end.

    With ``commit=False`` the caller commits (after adding its audit entry).
    """
    moved = _move(_group_links(link.group_id), link, offset)
    if moved:
        _changed(commit)
    return moved


def move_group(group: LinkGroup, offset: int, *, commit: bool = True) -> bool:
    """Move a group ``offset`` places among the groups (-1: up); ``False`` at either end.

    With ``commit=False`` the caller commits (after adding its audit entry).
    """
    moved = _move(_groups(), group, offset)
    if moved:
        _changed(commit)
    return moved


def reorder_links(group: LinkGroup, ids: Sequence[int], *, commit: bool = True) -> bool:
    """Put a group's links in the order of ``ids``, which must list each of them exactly once.

    Returns whether the order changed. Raises :class:`LinkError` (field
    ``ids``), changing nothing, otherwise. With ``commit=False`` the caller
    commits (after adding its audit entry).
    """
    links = _group_links(group.id)
    by_id = {link.id: link for link in links}
    if len(ids) != len(by_id) or set(ids) != set(by_id):
        raise LinkError({"ids": _("The order must list every link of the group once.")})
    changed = [link.id for link in links] != list(ids)
    _renumber([by_id[i] for i in ids])
    _changed(commit)
    return changed
