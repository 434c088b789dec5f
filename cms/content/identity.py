"""The site's permanent identity: what Atom ids are built from, fixed once and never changed.

Feed readers recognise an entry by its ``<id>`` alone (RFC 4287 section 4.2.6:
"an entry's id MUST NOT change"), so ids are not built from the current URL,
which changes with a slug, an URL prefix, the ``Host`` of a request or a later
``CMS_SITE_URL``. Instead the site records, once, a random UUID and (when
``CMS_SITE_URL`` is set at that moment) its host and the day: ``cms init``
records it, and a site created before that records it on first need. The
record lives in the settings table under :data:`IDENTITY_KEY`, so ``cms export``
and ``cms import`` carry it to a new server and the ids stay the same there.

Ids are ``tag:`` URIs (RFC 4151) when a host was known, such as
``tag:news.example.org,2024-05-14:article/42``, else ``urn:uuid:`` URNs
(RFC 9562 version 5 UUIDs of the site UUID and the same name).
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from flask import current_app, g, has_app_context
from sqlalchemy.dialects import postgresql, sqlite

from cms.extensions import db
from cms.models import Setting, utcnow

log = logging.getLogger(__name__)

#: The settings key of the identity record.
IDENTITY_KEY = "site_identity"
#: An RFC 4151 ``DNSname``: labels of letters, digits and inner hyphens, separated by dots.
_DNS_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")
#: An URL ``scheme://host[:port]`` as ``CMS_SITE_URL`` holds it once validated.
_SITE_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://([^/:\[\]]+)(?::\d+)?/?$", re.IGNORECASE)


def tag_authority(site_url: str | None, day: str) -> str | None:
    """The ``authorityName,date`` of RFC 4151 for ``site_url`` on ``day`` (``YYYY-MM-DD``).

    ``None`` when there is no site URL or its host is not a DNS name (an IPv6
    literal, for example): ids then use ``urn:uuid:``. Internationalised host
    names are taken in their ASCII (IDNA) form.
    """
    if not site_url:
        return None
    match = _SITE_HOST.match(site_url.strip())
    if match is None:
        return None
    try:
        host = match.group(1).rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    if not _DNS_NAME.fullmatch(host):
        return None
    return f"{host},{day}"


def _new_identity(site_url: str | None) -> dict[str, Any]:
    now = utcnow()
    return {
        "uuid": str(uuid.uuid4()),
        "tag_authority": tag_authority(site_url, now.date().isoformat()),
        "recorded_at": now.isoformat(),
    }


def _valid(value: object) -> dict[str, Any] | None:
    """A copy of ``value`` when it is a well-formed identity record, else ``None``."""
    if not isinstance(value, dict):
        return None
    try:
        uuid.UUID(str(value.get("uuid")))
    except ValueError:
        return None
    authority = value.get("tag_authority")
    return dict(value) if authority is None or isinstance(authority, str) else None


def record_identity(site_url: str | None = None) -> dict[str, Any]:
    """Record the site's identity unless one is recorded already; return the recorded one.

    Safe when several processes do it at once: the row is inserted only if
    absent (``INSERT ... ON CONFLICT DO NOTHING``), then read back, so every
    process gets the same identity. Commits the session. ``site_url`` is the
    site's ``scheme://host`` (default: ``CMS_SITE_URL``).
    """
    if site_url is None:
        site_url = current_app.config.get("SITE_URL")
    dialect = db.session.get_bind().dialect.name
    values = {"key": IDENTITY_KEY, "value": _new_identity(site_url)}
    if dialect == "postgresql":
        statement: Any = postgresql.insert(Setting).values(values)
    else:
        statement = sqlite.insert(Setting).values(values)
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["key"]))
    db.session.commit()
    if has_app_context():
        g.pop("cms_settings", None)
        g.pop("cms_identity", None)
    row = db.session.get(Setting, IDENTITY_KEY, populate_existing=True)
    recorded = _valid(row.value) if row is not None else None
    if recorded is None:  # an unreadable record: replace it, loudly
        log.error("the stored site identity is not valid; recording a new one")
        fresh = _new_identity(site_url)
        if row is None:
            db.session.add(Setting(key=IDENTITY_KEY, value=fresh))
        else:
            row.value = fresh
        db.session.commit()
        return fresh
    return recorded


def site_identity() -> dict[str, Any]:
    """The recorded identity ``{"uuid", "tag_authority", "recorded_at"}``, recorded if absent.

    Read once per request (kept on :data:`flask.g`).
    """
    if has_app_context() and "cms_identity" in g:
        return g.cms_identity
    row = db.session.get(Setting, IDENTITY_KEY)
    value = _valid(row.value) if row is not None else None
    if value is None:
        value = record_identity()
    if has_app_context():
        g.cms_identity = value
    return value


def permanent_id(name: str) -> str:
    """The permanent id of the thing called ``name`` on this site (``article/42``, ``feed``).

    ``tag:<host>,<day>:<name>`` when the site recorded a host, else
    ``urn:uuid:<uuid5(site uuid, name)>``. ``name`` uses only URI path
    characters (letters, digits, ``/``, ``-``).
    """
    identity = site_identity()
    authority = identity.get("tag_authority")
    if authority:
        return f"tag:{authority}:{name}"
    return f"urn:uuid:{uuid.uuid5(uuid.UUID(identity['uuid']), name)}"


def article_id_uri(article_id: int) -> str:
    """The Atom ``<id>`` of an article: permanent, whatever its slug, URL or host."""
    return permanent_id(f"article/{int(article_id)}")


def feed_id_uri(category_id: int | None = None) -> str:
    """The Atom ``<id>`` of the site's feed, or of one category's feed."""
    if category_id is None:
        return permanent_id("feed")
    return permanent_id(f"category/{int(category_id)}/feed")
