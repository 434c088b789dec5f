"""``cms export`` / ``cms import``: the site's content and media in one ZIP file.

The archive holds ``content.json`` (settings, users without passwords,
categories, tags, media, articles, pages, slug history) and ``media/`` with
every stored file. Ids are kept, so an import into an empty site reproduces
the same URLs and references, and exporting it again gives the same archive.
"""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import DateTime, Integer, Table, func, select, text

from cms.extensions import db
from cms.models import (
    Article,
    Category,
    Media,
    Page,
    Setting,
    SlugHistory,
    Tag,
    User,
    UTCDateTime,
    article_tag,
)

#: Version of the archive format.
FORMAT = 1

#: Tables in dependency order: what ``content.json`` holds, and how import fills them.
TABLES: list[tuple[str, Any]] = [
    ("settings", Setting),
    ("users", User),
    ("categories", Category),
    ("tags", Tag),
    ("media", Media),
    ("articles", Article),
    ("article_tags", article_tag),
    ("pages", Page),
    ("slug_history", SlugHistory),
]

#: Columns never exported.
SECRET_COLUMNS = {"user": {"password_hash"}}


class TransferError(Exception):
    """An archive that cannot be imported, or a site that cannot take it."""


def _table(model: Any) -> Table:
    return model if isinstance(model, Table) else model.__table__


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _rows(model: Any) -> list[dict[str, Any]]:
    table = _table(model)
    skip = SECRET_COLUMNS.get(table.name, set())
    columns = [c for c in table.columns if c.name not in skip]
    order = list(table.primary_key.columns)
    result = db.session.execute(select(*columns).order_by(*order))
    return [{k: _plain(v) for k, v in row._mapping.items()} for row in result]


def export_site(path: Path) -> dict[str, int]:
    """Write the archive to ``path``; returns the number of rows per table."""
    media_dir = Path(current_app.config["MEDIA_DIR"])
    content: dict[str, Any] = {"format": FORMAT}
    counts = {}
    for key, model in TABLES:
        content[key] = _rows(model)
        counts[key] = len(content[key])
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "content.json", json.dumps(content, ensure_ascii=False, indent=1, sort_keys=True)
        )
        for item in content["media"]:
            for name in [item["filename"], *sorted((item.get("variants") or {}).values())]:
                source = media_dir / name
                if source.is_file():
                    archive.write(source, f"media/{name}")
    return counts


def _parse(model: Any, row: dict[str, Any]) -> dict[str, Any]:
    table = _table(model)
    values = {}
    for column in table.columns:
        if column.name not in row:
            continue
        value = row[column.name]
        is_time = isinstance(column.type, DateTime | UTCDateTime)
        if value is not None and is_time:
            value = datetime.fromisoformat(value)
        values[column.name] = value
    return values


def import_site(path: Path) -> dict[str, int]:
    """Load an archive into an empty site; refuses to mix it with existing content."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise TransferError(f"{path} is not a Portal CMS export: {exc}") from exc
    with archive:
        try:
            content = json.loads(archive.read("content.json").decode("utf-8"))
        except (KeyError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise TransferError(f"{path} has no readable content.json: {exc}") from exc
        if not isinstance(content, dict) or content.get("format") != FORMAT:
            raise TransferError(f"{path}: unsupported archive format {content.get('format')!r}")
        for key, model in TABLES:
            if key == "settings":
                continue
            if db.session.execute(select(func.count()).select_from(_table(model))).scalar():
                raise TransferError(f"the site already has {key}; import into an empty site")
        counts = {}
        for key, model in TABLES:
            rows = content.get(key, [])
            if not isinstance(rows, list):
                raise TransferError(f"content.json: {key} must be a list")
            if key == "settings":
                for row in rows:
                    db.session.merge(Setting(key=row["key"], value=row["value"]))
            elif rows:
                prepared = [_parse(model, r) for r in rows]
                if key == "users":
                    for r in prepared:
                        r["password_hash"] = ""  # passwords never travel: reset them after import
                db.session.execute(_table(model).insert(), prepared)
            counts[key] = len(rows)
        _reset_sequences()
        media_dir = Path(current_app.config["MEDIA_DIR"]).resolve()
        for member in archive.namelist():
            if not member.startswith("media/") or member.endswith("/"):
                continue
            target = (media_dir / member[len("media/") :]).resolve()
            if media_dir not in target.parents:
                raise TransferError(f"unsafe path in archive: {member}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(member))
    db.session.commit()
    return counts


def _reset_sequences() -> None:
    """After inserting explicit ids, PostgreSQL's sequences must continue after them."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for _key, model in TABLES:
        table = _table(model)
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{pk[0].name}'), "  # noqa: S608
                f'COALESCE((SELECT MAX({pk[0].name}) FROM "{table.name}"), 0) + 1, false)'
            )
        )
