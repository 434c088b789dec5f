"""A stored page: status, headers, body with live placeholders, and what the live step needs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import formatdate
from functools import cached_property

from cms.page_view import PageIdentity

#: Response headers never stored: they are per answer, or the cache sets its own.
UNSTORED_HEADERS = frozenset(
    {
        "set-cookie",
        "content-length",
        "date",
        "vary",
        "cache-control",
        "etag",
        "last-modified",
        "expires",
        "x-page-cache",
        "strict-transport-security",
    }
)


@dataclass(frozen=True)
class Entry:
    """One cached page.

    ``live`` lists ``(start, end, instance id)`` of each live widget's
    placeholder in ``body`` (bytes offsets, in order); ``created`` is a Unix
    time in seconds; ``etag`` a strong validator of the body (RFC 9110 8.8.3).
    """

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    live: tuple[tuple[int, int, int], ...]
    identity: PageIdentity
    theme: str
    locale: str
    created: float
    etag: str

    @cached_property
    def last_modified(self) -> str:
        """``created`` as an HTTP date (RFC 9110 5.6.7); worked out once per entry."""
        return formatdate(self.created, usegmt=True)

    def dumps(self) -> bytes:
        """The entry as bytes: a JSON line of everything but the body, then the body."""
        identity = self.identity
        head = {
            "s": self.status,
            "h": list(self.headers),
            "l": list(self.live),
            "i": [identity.kind, identity.object_id, identity.path, identity.category_id],
            "th": self.theme,
            "lo": self.locale,
            "c": self.created,
            "e": self.etag,
        }
        return json.dumps(head, separators=(",", ":")).encode() + b"\n" + self.body

    @classmethod
    def loads(cls, data: bytes) -> Entry:
        """The entry :meth:`dumps` wrote; raises :class:`ValueError` for anything else."""
        head_bytes, separator, body = data.partition(b"\n")
        if not separator:
            raise ValueError("not a page cache entry")
        try:
            head = json.loads(head_bytes)
            kind, object_id, path, category_id = head["i"]
            return cls(
                status=int(head["s"]),
                headers=tuple((str(n), str(v)) for n, v in head["h"]),
                body=body,
                live=tuple((int(a), int(b), int(c)) for a, b, c in head["l"]),
                identity=PageIdentity(kind, object_id, path, 200, category_id),
                theme=str(head["th"]),
                locale=str(head["lo"]),
                created=float(head["c"]),
                etag=str(head["e"]),
            )
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise ValueError(f"not a page cache entry: {exc}") from exc


def make_entry(
    status: int,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    markers: dict[str, int],
    identity: PageIdentity,
    *,
    theme: str,
    locale: str,
    created: float,
) -> Entry:
    """An :class:`Entry` of a rendered page whose live widgets are ``markers`` (text -> id)."""
    kept = tuple((n, v) for n, v in headers if n.lower() not in UNSTORED_HEADERS)
    live = []
    for marker, instance_id in markers.items():
        needle = marker.encode()
        start = body.find(needle)
        while start != -1:
            live.append((start, start + len(needle), instance_id))
            start = body.find(needle, start + len(needle))
    live.sort()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return Entry(
        status, kept, body, tuple(live), identity.with_status(200), theme, locale, created, etag
    )
