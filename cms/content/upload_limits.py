"""Per-user upload limits: a rate (N images every M minutes) and a storage quota (MB).

Both are site settings that admins edit in the back office (:data:`SETTING_DEFAULTS`;
0 turns either off), and both are checked by
:func:`cms.content.uploads.save_upload`, the one function every upload goes
through, so no screen or endpoint can skip them. Both live in the shared store
(:mod:`cms.store`): Redis when it is configured and up, the database otherwise,
so every worker and every host of a site agrees.

- **The rate** counts every image a user tries to upload (refused ones too: each
  costs the server a decode) in fixed windows of ``upload_rate_minutes`` minutes,
  with :func:`cms.store.hit`; over ``upload_rate_count``, uploads are refused
  with :class:`UploadRateLimited` until the window ends (``retry_after``).
- **The quota** bounds the bytes of a user's stored images: the sum of
  ``Media.size`` of their media (the re-encoded originals; the resized copies the
  site makes from them are the site's and are not counted), plus the new file,
  must stay within ``upload_quota_mb`` MB (MiB). The database sum is the truth;
  the store only guards the race between two uploads at once: the encoded size is
  reserved with an atomic :func:`cms.store.incr` *before* anything is written,
  and the reservation is released when the transaction that stores the row ends
  (committed: the row now counts; rolled back: nothing counts). Between the
  commit and the release a file is counted twice, which errs on the safe side.
  Reservations go into one counter per user and minute, of which the last
  :data:`RESERVATION_SLOTS` are summed and which expire on their own, so a
  worker that dies while holding one cannot shrink the quota for longer than
  that, and a counter that drifts (a release that went to the database while
  the reservation was in Redis) is forgotten with it.

Admins are **not** exempt. As in WordPress multisite, where the upload quota
applies to everyone on a site, the limits guard the server against a stolen
session or a runaway script, and an admin's session is the most valuable one
to steal; an admin who needs more raises the settings (an audited change), or
sets 0. Uploads with no user (scripts, ``cms demo``) have no limits.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import format_timedelta, ngettext
from flask_babel import gettext as _
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, SessionTransaction

from cms import store
from cms.content.errors import ContentError
from cms.content.site import get_setting
from cms.extensions import db
from cms.i18n import number
from cms.models import Media

log = logging.getLogger(__name__)

#: The upload settings with their defaults (a news office: 60 images every 10 minutes,
#: 1 GB each); 0 for the count or the quota turns that limit off.
SETTING_DEFAULTS: dict[str, int] = {
    "upload_rate_count": 60,
    "upload_rate_minutes": 10,
    "upload_quota_mb": 1024,
}

#: The values each upload setting may take (the ranges the settings screen accepts).
SETTING_RANGES: dict[str, tuple[int, int]] = {
    "upload_rate_count": (0, 100_000),
    "upload_rate_minutes": (1, 1440),
    "upload_quota_mb": (0, 10 * 1024 * 1024),
}
#: Longest text read as a number in a setting.
_TEXT_MAX = 20

#: Bytes in the quota's megabyte (a mebibyte, as file managers count).
MEGABYTE = 1024 * 1024
#: Seconds covered by one reservation counter of the quota.
RESERVATION_SLOT = 60
#: How many of a user's latest reservation counters are summed (minutes a reservation holds).
RESERVATION_SLOTS = 15
#: Key of the reservations a session releases when its transaction ends (``Session.info``).
_HELD = "cms_upload_reservations"

_listener_lock = threading.Lock()


class UploadRateLimited(ContentError):
    """The user uploaded as many images as the rate allows in this window (field ``file``)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__({"file": message})
        #: Seconds until the window ends and uploads are accepted again (at least 1).
        self.retry_after = retry_after


class UploadQuotaExceeded(ContentError):
    """The new image would take the user's stored images over the quota (field ``file``)."""

    def __init__(self, message: str, room: int) -> None:
        super().__init__({"file": message})
        #: Bytes the user could still store (0: the quota is full, nothing more fits).
        self.room = room


def _setting(key: str) -> int:
    """The whole number a setting holds, or its default (logged) when it holds no usable one.

    Usable: a whole number within :data:`SETTING_RANGES`, also written as a float
    (``60.0``) or as text (``"60"``). Anything else, such as a value written to
    the database by hand (``1e400`` reads as infinity), ``NaN``, a number out of
    range, ``true`` or words, gives :data:`SETTING_DEFAULTS`' value.
    """
    default = SETTING_DEFAULTS[key]
    value = get_setting(key, default)
    number = _whole_number(value)
    low, high = SETTING_RANGES[key]
    if number is None or not low <= number <= high:
        log.warning("setting %s holds %r, not a number from %d to %d", key, value, low, high)
        return default
    return number


def _whole_number(value: Any) -> int | None:
    """``value`` as a whole number, if it is one (an int, an integral float, or such text)."""
    if isinstance(value, bool):  # a bool is an int to Python, not to whoever set it
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str) and len(value) <= _TEXT_MAX:
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class UploadPolicy:
    """The upload limits of the current site, read from its settings."""

    #: Most uploads per user in one window; 0: no rate limit.
    rate_count: int
    #: Length of a window, in minutes (at least 1).
    rate_minutes: int
    #: Most bytes of stored images per user, in MB (MiB); 0: no quota.
    quota_mb: int

    @classmethod
    def current(cls) -> UploadPolicy:
        """The policy from the site settings (defaults: :data:`SETTING_DEFAULTS`)."""
        return cls(
            rate_count=_setting("upload_rate_count"),
            rate_minutes=_setting("upload_rate_minutes"),
            quota_mb=_setting("upload_quota_mb"),
        )

    @property
    def quota_bytes(self) -> int:
        """The quota in bytes (0: none)."""
        return self.quota_mb * MEGABYTE


def format_size(size: int) -> str:
    """``size`` (bytes) as the active locale writes it: ``980 MB``, ``1 GB``, ``1,5 GB`` (vi)."""
    megabytes = size / MEGABYTE
    if megabytes >= 1024:
        return _("%(size)s GB", size=number(megabytes / 1024, 1))
    return _("%(size)s MB", size=number(megabytes, 1 if megabytes < 10 else 0))


def used_bytes(user_id: int) -> int:
    """Bytes of the images ``user_id`` has stored (the sum of ``Media.size``), committed ones.

    Read on a connection of its own, so a request's older snapshot (SQLite keeps
    one for a whole transaction) never hides another worker's upload.
    """
    query = select(func.coalesce(func.sum(Media.size), 0)).where(Media.uploaded_by_id == user_id)
    with db.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


class Reservation:
    """Bytes of one upload held in the store until its transaction ends; release is idempotent."""

    def __init__(self, key: str, size: int) -> None:
        #: The store counter holding it.
        self.key = key
        #: Bytes held.
        self.size = size
        self._released = False

    def release(self) -> None:
        """Give the bytes back (once; a failure is logged: the counter expires anyway)."""
        if self._released:
            return
        self._released = True
        try:
            store.incr(self.key, -self.size, _reservation_ttl())
        except Exception as exc:  # the slot expires on its own; never fail a commit for it
            log.warning("upload reservation %s not released: %s", self.key, exc)


def _reservation_ttl() -> float:
    return float(RESERVATION_SLOT * (RESERVATION_SLOTS + 1))


def _slot_key(user_id: int, slot: int) -> str:
    return f"upload:reserved:{user_id}:{slot}"


class UploadGuard:
    """The rate and quota of one user's uploads; see the module's docstring for the rules."""

    def __init__(self, user_id: int, policy: UploadPolicy) -> None:
        #: Whose uploads.
        self.user_id = user_id
        #: The limits applied.
        self.policy = policy

    @classmethod
    def for_user(cls, user: Any) -> UploadGuard | None:
        """The guard of ``user`` (a :class:`~cms.models.User` or None); None: no limits apply."""
        user_id = getattr(user, "id", None)
        if user_id is None:
            return None
        return cls(int(user_id), UploadPolicy.current())

    def count_upload(self) -> None:
        """Count one upload against the rate; raises :class:`UploadRateLimited` past it."""
        limit, minutes = self.policy.rate_count, self.policy.rate_minutes
        if limit <= 0:
            return
        window = minutes * 60
        if store.hit(f"upload:{self.user_id}:{window}", limit, window):
            return
        # store.hit uses fixed windows starting at multiples of their length since the epoch.
        retry_after = max(1, math.ceil(window - time.time() % window))
        when = format_timedelta(timedelta(seconds=retry_after), add_direction=True)
        raise UploadRateLimited(
            ngettext(
                "You have reached the upload limit (%(num)d image every %(minutes)d min); "
                "try again %(when)s.",
                "You have reached the upload limit (%(num)d images every %(minutes)d min); "
                "try again %(when)s.",
                limit,
                minutes=minutes,
                when=when,
            ),
            retry_after,
        )

    def _refuse(self, name: str, stored: int, room: int) -> UploadQuotaExceeded:
        """The refusal of ``name``, telling the user the ``stored`` bytes (not reservations).

        Uploads in flight are held in the quota but not shown: the user is told what
        they have, which the media screen's usage line says too.
        """
        return UploadQuotaExceeded(
            _(
                "%(name)s was not uploaded: your uploads would exceed your storage quota "
                "of %(quota)s (you use %(used)s).",
                name=name,
                quota=format_size(self.policy.quota_bytes),
                used=format_size(stored),
            ),
            max(0, room),
        )

    def _reserved(self, slot: int, *, skip: int | None = None) -> int:
        """Bytes held in the slots that count at ``slot`` (and the next one), but ``skip``."""
        # The next slot too: a host whose clock runs a little ahead reserves in it.
        slots = range(slot - RESERVATION_SLOTS + 1, slot + 2)
        keys = [_slot_key(self.user_id, s) for s in slots if s != skip]
        # A slot below zero holds a release of a reservation it never had: count it as empty.
        return sum(max(0, value) for value in store.get_many(keys).values())

    def check_room(self, name: str) -> None:
        """Refuse at once, before any decoding, when the quota has no room left at all.

        Raises :class:`UploadQuotaExceeded` (``room`` 0).
        """
        quota = self.policy.quota_bytes
        if quota <= 0:
            return
        stored = used_bytes(self.user_id)
        if stored + self._reserved(int(time.time() // RESERVATION_SLOT)) >= quota:
            raise self._refuse(name, stored, 0)

    def reserve(self, size: int, name: str) -> Reservation | None:
        """Hold ``size`` bytes for a file about to be written; None when there is no quota.

        Atomic across workers: the bytes are added to the store first, then the
        reservations and the stored images are read. Uploads reserving in the
        same slot are ordered by the counter (``INCRBY`` returns what the earlier
        ones hold), so each counts those before it and the first one that fits
        always passes; across slots each reads the other's, and of two uploads
        at least one sees the other. Raises :class:`UploadQuotaExceeded` (and
        holds nothing) when the file does not fit.
        """
        quota = self.policy.quota_bytes
        if quota <= 0:
            return None
        slot = int(time.time() // RESERVATION_SLOT)
        key = _slot_key(self.user_id, slot)
        ttl = _reservation_ttl()
        earlier = store.incr(key, size, ttl) - size
        reservation = Reservation(key, size)
        try:
            # Others' reservations, then the database: a row committed before its
            # reservation was released is seen in one or the other (or both).
            others = max(0, earlier) + self._reserved(slot, skip=slot)
            used = used_bytes(self.user_id)
        except BaseException:
            reservation.release()
            raise
        if used + others + size > quota:
            reservation.release()
            raise self._refuse(name, used, quota - used - others)
        return reservation


def _release_held(session: Session, transaction: SessionTransaction) -> None:
    """Release the reservations of ``session`` when its outermost transaction ends."""
    if transaction.parent is not None:
        return
    for reservation in session.info.pop(_HELD, []):
        reservation.release()


def hold_until_transaction_end(reservation: Reservation | None) -> None:
    """Keep ``reservation`` until the current session's transaction commits or rolls back.

    So the bytes stay counted until the row that stores them is visible to
    every worker (or is gone).
    """
    if reservation is None:
        return
    with _listener_lock:
        if not event.contains(Session, "after_transaction_end", _release_held):
            event.listen(Session, "after_transaction_end", _release_held)
    session = db.session()
    if session.get_transaction() is None:  # nothing to wait for
        reservation.release()
        return
    session.info.setdefault(_HELD, []).append(reservation)
