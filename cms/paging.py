"""Paged lists: one strict reading of page numbers and one safe page query for every list.

The public listings, the back office and the API all read ``page`` (and the API
``per_page``) with :func:`parse_positive`, so ``0``, ``-1``, ``abc``, ``1.5``,
``1e3``, an empty value, full-width digits, a NUL byte and numbers too large for a
64-bit database integer are refused the same way everywhere: HTML lists answer
404 (:func:`page_number`, :func:`page_or_404`), the API a 400 JSON error
(:func:`cms.api.validation.page_args`). :func:`paginate` never sends the
database an offset past the last row, so no number can overflow a query.

A query may say how it is paged best through execution options (the article
lists of :func:`cms.content.articles.filter_articles` do):

- :data:`LISTING_OPTION`: an object whose ``count(query)`` gives the total
  (e.g. cached per content change, :class:`cms.content.listings.CachedCount`),
  and whose page is read as a *deferred join*: the page's ids first, with
  ``OFFSET`` over an index that holds them (no row before the page is read),
  then those rows by primary key;
- with it, :data:`ORDER_OPTION`: the list's ids in order, known beforehand (a
  search's ranked matches), with any rows already loaded: the total is their
  number and the page is read by primary key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from flask import abort, request
from sqlalchemy import Select, func, inspect, select

from cms.extensions import db

#: Largest page number any list accepts; larger ones are refused (404 in HTML, 400 in the API)
#: as overflowing. 2**53 - 1 is the largest integer JSON carries exactly (RFC 8259 section 6);
#: a smaller number past the last page is simply past the end (404 in HTML, empty in the API).
PAGE_MAX = 2**53 - 1
#: Largest number of rows on one page of any list.
PER_PAGE_MAX = 100
#: Longest digit string read before its value is even computed (bounds the work on a huge one).
_DIGITS_MAX = 18
#: Execution option of a query: its :class:`Listing` (how it is counted and paged).
LISTING_OPTION = "cms_listing"
#: Execution option of a query: its :class:`KnownOrder` (its ids, in order, known beforehand).
ORDER_OPTION = "cms_order"


class Listing(Protocol):
    """How a list of one mapped class (single-column primary key) is counted and read."""

    def count(self, query: Select) -> int:
        """The number of rows ``query`` selects."""

    def rows(self, ids: Sequence[Any]) -> Select:
        """The statement reading the rows whose primary keys are ``ids`` (in any order).

        ``ids`` were selected by the list's query: its conditions need no second check.
        """


class KnownOrder(NamedTuple):
    """A list whose primary keys are known, in order, before it is paged."""

    #: The primary keys, in list order.
    ids: Sequence[Any]
    #: Rows already loaded in this session, by primary key (they are not read again).
    loaded: Mapping[Any, Any]


def with_listing(query: Select, listing: Listing) -> Select:
    """``query`` (of one mapped class) counted by ``listing`` and paged by deferred join."""
    return query.execution_options(**{LISTING_OPTION: listing})


def with_known_order(
    query: Select, listing: Listing, ids: Sequence[Any], loaded: Mapping[Any, Any]
) -> Select:
    """``query`` (of one mapped class, selecting exactly ``ids``) paged in the order of ``ids``.

    ``listing`` reads the rows of a page that ``loaded`` does not hold.
    """
    known = KnownOrder(list(ids), dict(loaded))
    return query.execution_options(**{LISTING_OPTION: listing, ORDER_OPTION: known})


def count_query(query: Select) -> Select:
    """The statement counting the rows of ``query`` (its order dropped)."""
    return select(func.count()).select_from(query.order_by(None).subquery())


class Page(NamedTuple):
    """One page of a list: its rows, the number of rows in all, and where it stands."""

    #: The rows of this page (at most ``per_page``).
    items: list[Any]
    #: How many rows the whole list holds.
    total: int
    #: This page's number, from 1.
    page: int
    #: Rows per page.
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the list has (1 for an empty list)."""
        return last_page(self.total, self.per_page)


def parse_positive(raw: str | None, maximum: int) -> int | None:
    """The whole number ``raw`` writes, when it is from 1 to ``maximum``; else ``None``.

    Only ASCII digits are read (no sign, no spaces, no decimal point or exponent,
    no other script's digits), so ``"7"`` and ``"007"`` give 7 while ``"0"``,
    ``"-1"``, ``"+1"``, ``"1.5"``, ``"1e3"``, ``""``, ``"１"`` and ``"1\\x00"``
    give ``None``, as does any number over ``maximum``.
    """
    if raw is None or not raw or not raw.isascii() or not raw.isdigit():
        return None
    digits = raw.lstrip("0")
    if not digits or len(digits) > _DIGITS_MAX:
        return None
    value = int(digits)
    return value if value <= maximum else None


def bounded(value: Any, default: int, maximum: int) -> int:
    """``value`` as a whole number from 1 to ``maximum``, else ``default``.

    For numbers read from stored settings (an int or a string of digits), which
    may predate today's checks: a bad stored value never breaks a page.
    """
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value if 1 <= value <= maximum else default
    if isinstance(value, str):
        parsed = parse_positive(value.strip(), maximum)
        return default if parsed is None else parsed
    return default


def last_page(total: int, per_page: int) -> int:
    """The number of the last page of ``total`` rows shown ``per_page`` at a time (at least 1)."""
    return max((total + per_page - 1) // per_page, 1)


def paginate(query: Select, page: int, per_page: int) -> tuple[list[Any], int]:
    """Return one page of ``query`` (pages count from 1) and the total number of rows.

    A page past the last one is empty, and the rows are then not even asked
    for: the offset sent to the database never exceeds the number of rows.
    Queries with a :data:`LISTING_OPTION` or an :data:`ORDER_OPTION` are
    counted and read as those say (see the module docstring). Raises
    :class:`ValueError` for a ``page`` or ``per_page`` below 1.
    """
    if page < 1 or per_page < 1:
        raise ValueError(f"page {page} of {per_page} per page does not exist")
    offset = (page - 1) * per_page
    options = query.get_execution_options()
    listing: Listing | None = options.get(LISTING_OPTION)
    known: KnownOrder | None = options.get(ORDER_OPTION)
    if listing is not None and known is not None:
        ids = list(known.ids[offset : offset + per_page])
        return _rows_by_key(listing, ids, known.loaded), len(known.ids)
    if listing is not None:
        total = listing.count(query)
    else:
        total = db.session.execute(count_query(query)).scalar_one()
    if offset >= total:
        return [], total
    if listing is not None:
        return _deferred_page(query, listing, offset, per_page), total
    rows = db.session.execute(query.limit(per_page).offset(offset)).unique().scalars()
    return list(rows), total


def _primary_key(query: Select) -> Any:
    """The primary key column of the one mapped class ``query`` selects."""
    entity = query.column_descriptions[0]["entity"]
    return inspect(entity).primary_key[0]


def _deferred_page(query: Select, listing: Listing, offset: int, limit: int) -> list[Any]:
    """The page's primary keys (``OFFSET`` over an index holding them), then its rows."""
    key = _primary_key(query)
    page = query.with_only_columns(key).limit(limit).offset(offset)
    return _rows_by_key(listing, list(db.session.execute(page).scalars()), {})


def _rows_by_key(listing: Listing, ids: list[Any], loaded: Mapping[Any, Any]) -> list[Any]:
    """The rows whose primary keys are ``ids``, in that order (one read at most)."""
    missing = [i for i in ids if i not in loaded]
    found = dict(loaded)
    if missing:
        rows = db.session.execute(listing.rows(missing)).unique().scalars()
        found.update((inspect(row).identity[0], row) for row in rows)
    return [found[i] for i in ids if i in found]


def page_number(name: str = "page") -> int:
    """The page number the request asks for (1 when absent); 404 when it is not one.

    For HTML lists: a value that :func:`parse_positive` refuses, or one over
    :data:`PAGE_MAX`, is a page that does not exist.
    """
    raw = request.args.get(name)
    if raw is None:
        return 1
    page = parse_positive(raw, PAGE_MAX)
    if page is None:
        abort(404)
    return page


def page_or_404(query: Select, per_page: int, name: str = "page") -> Page:
    """The page of ``query`` the request asks for; 404 for a bad number or one past the end.

    Page 1 of an empty list exists (an empty listing, status 200).
    """
    page = page_number(name)
    items, total = paginate(query, page, per_page)
    if page > last_page(total, per_page):
        abort(404)
    return Page(items, total, page, per_page)
