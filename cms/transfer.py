"""``cms export`` / ``cms import``: a whole site in one ZIP file, and back.

The archive holds ``content.json`` and ``media/`` with every stored image file
(originals and resized variants). ``content.json`` is one JSON object::

    {"format": 2, "generator": "portal-cms 0.1.0", "exported_at": "...",
     "schema": ["<alembic revision>", ...],
     "tables": {"<table>": [{"<column>": value, ...}, ...], ...},
     "media": {"<file name>": {"size": 123, "sha256": "..."}, ...}}

Rows keep their ids, so an import into an empty site reproduces the same URLs,
references, old addresses (slug history), revisions, widget placements and
plugin states, and exporting it again gives the same ``tables`` and ``media``.
Which core tables travel and which do not (with the reason) is fixed by
:data:`EXPORTED` and :data:`EXCLUDED`; plugin tables (``<plugin>_...``) travel
whole. The format is described for webmasters in ``docs/export.md``.

An import runs in one transaction: a refused or failing archive leaves the
database and the media folder as they were.

Article view counts do not travel: they are statistics of one site, kept by
the plugin that counts them (``stats``), not content, so an import starts
every article at 0 views. An archive made before they moved there holds them in
``article.views``; its counts are handed to that plugin after the import
(hook ``article_views_restored``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from flask import current_app
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from cms import __version__, generations
from cms.content.events import all_content_created
from cms.content.search import refold_articles
from cms.db import UNMODELLED
from cms.extensions import db
from cms.models import UTCDateTime
from cms.plugins.registry import registry

log = logging.getLogger(__name__)

#: Version of the archive format written.
FORMAT = 2
#: Versions :func:`import_site` reads (1: content only, users without password hashes).
READABLE_FORMATS = (1, 2)

#: Core tables an archive holds. Import fills them in foreign-key order.
EXPORTED: tuple[str, ...] = (
    "setting",  # site settings, the active theme and URL prefixes included
    "user",  # with password hashes, so that people keep signing in
    "category",
    "tag",
    "media",
    "article",
    "article_tag",
    "article_revision",
    "page",  # the page tree and menu (parent, position, show_in_menu)
    "slug_history",  # old addresses keep answering 301
    "plugin_state",  # enabled, disabled or paused, and each plugin's settings
    "widget_instance",  # placements: theme, region, position, title, settings, visibility
    "audit_entry",  # who changed what: part of the site's record
)

#: Core tables an archive never holds, and why.
EXCLUDED: dict[str, str] = {
    "api_token": "API tokens are secrets that grant access; create new ones on the new site",
    "generation": "cache invalidation counters of one database; an import bumps them instead",
    "user_session": "sign-in sessions belong to the old site's cookies: people sign in again",
    "store_counter": "shared-store counters and rate limits are runtime state of one site",
    "store_presence": "who is online now is runtime state; it expires within minutes",
    "store_token": "single-use tokens (captcha answers) are short-lived secrets of one site",
    "page_cache_purge": "page-cache purges are runtime state of one site; an import drops them all",
}

#: Tables the import may find filled in an empty site (a fresh ``cms init``): merged by key.
MERGED = ("setting", "plugin_state")

#: Column of older archives' article rows that now lives in the shared store.
LEGACY_VIEWS = "views"

#: Names used by format 1 archives for what format 2 calls by table name.
FORMAT1_KEYS = {
    "settings": "setting",
    "users": "user",
    "categories": "category",
    "tags": "tag",
    "media": "media",
    "articles": "article",
    "article_tags": "article_tag",
    "pages": "page",
    "slug_history": "slug_history",
}

#: Limits that keep a damaged or hostile archive from exhausting memory or disk.
MAX_MEMBERS = 500_000
MAX_CONTENT_BYTES = 1024**3  # content.json, uncompressed
MAX_MEDIA_FILE_BYTES = 256 * 1024**2
MAX_TOTAL_BYTES = 64 * 1024**3
#: Largest uncompressed/compressed ratio accepted for a member over 1 MiB (a "ZIP bomb").
MAX_RATIO = 200
#: File name extensions media files may have.
MEDIA_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "gif", "webp", "avif"})

_MEDIA_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")
_CHUNK = 1024 * 1024


class TransferError(Exception):
    """An archive that cannot be imported, or a site that cannot take it (the message says why)."""


@dataclass
class Report:
    """What an export or import did: rows per table, media files, and warnings."""

    #: Table name -> number of rows.
    rows: dict[str, int] = field(default_factory=dict)
    #: Number of media files written.
    files: int = 0
    #: Things worth telling the webmaster (tables left out, ...).
    warnings: list[str] = field(default_factory=list)

    def count(self, table: str) -> int:
        """Rows of ``table`` (0 when absent)."""
        return self.rows.get(table, 0)


# -- which tables -------------------------------------------------------------------------


def _plugin_prefixes() -> tuple[str, ...]:
    plugins = registry()
    return tuple(f"{name}_" for name in [*plugins.plugins, *plugins.broken])


def core_tables() -> list[str]:
    """Names of the core's tables (every table of the models that no plugin owns)."""
    prefixes = _plugin_prefixes()
    return [
        t.name
        for t in db.metadata.sorted_tables
        if t.name in EXPORTED or t.name in EXCLUDED or not t.name.startswith(prefixes)
    ]


def plugin_tables() -> list[str]:
    """Names of the tables of installed plugins (``<plugin>_...``) that exist in the database."""
    prefixes = _plugin_prefixes()
    existing = set(inspect(db.session.connection()).get_table_names())
    return [
        t.name
        for t in db.metadata.sorted_tables
        if t.name.startswith(prefixes)
        and t.name not in EXPORTED
        and t.name not in EXCLUDED
        and t.name in existing
    ]


def _tables_to_export(report: Report) -> list[Table]:
    """The tables an export writes, in foreign-key order; unknown ones become warnings."""
    names = set(EXPORTED) | set(plugin_tables())
    for name in core_tables():
        if name not in EXPORTED and name not in EXCLUDED:
            report.warnings.append(f"table {name} is not exported (its handling is not decided)")
    known = set(db.metadata.tables) | {"alembic_version"}
    for name in sorted(inspect(db.session.connection()).get_table_names()):
        if name not in known and not name.startswith(UNMODELLED):  # the search index is rebuilt
            report.warnings.append(
                f"table {name} belongs to no installed plugin and is not exported"
            )
    return [t for t in db.metadata.sorted_tables if t.name in names]


# -- export -------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _sort_key(table: Table) -> Any:
    columns = [c.name for c in table.primary_key.columns] or [c.name for c in table.columns]

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple((row[c] is None, row[c]) for c in columns)

    return key


def table_rows(table: Table) -> list[dict[str, Any]]:
    """Every row of ``table`` as JSON-ready values, ordered by primary key.

    The order is computed here, not by the database, so that SQLite and
    PostgreSQL give the same export.
    """
    result = db.session.execute(select(*table.columns))
    rows = [{k: _plain(v) for k, v in row._mapping.items()} for row in result]
    rows.sort(key=_sort_key(table))
    return rows


def _schema() -> list[str]:
    try:
        rows = db.session.execute(text("SELECT version_num FROM alembic_version"))
        return sorted(str(r[0]) for r in rows)
    except SQLAlchemyError:
        db.session.rollback()
        return []


def _media_files(rows: Iterable[dict[str, Any]]) -> list[str]:
    """Every file name a media row refers to (the original and its variants), sorted."""
    names: set[str] = set()
    for row in rows:
        if isinstance(row.get("filename"), str):
            names.add(row["filename"])
        variants = row.get("variants")
        if isinstance(variants, dict):
            names.update(v for v in variants.values() if isinstance(v, str))
    return sorted(names)


def _digest(path: Path) -> tuple[int, str]:
    sha, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return size, sha.hexdigest()


def export_site(path: Path) -> Report:
    """Write the whole site to the ZIP file ``path``; returns what was written.

    The file appears only when complete (written beside it, then renamed). On
    PostgreSQL the rows are read in one REPEATABLE READ snapshot, so an export
    taken while editors work is consistent.
    """
    report = Report()
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in _tables_to_export(report):
        tables[table.name] = table_rows(table)
        report.rows[table.name] = len(tables[table.name])
    schema = _schema()
    db.session.rollback()  # end the read snapshot

    media_dir = Path(current_app.config["MEDIA_DIR"])
    manifest: dict[str, dict[str, Any]] = {}
    for name in _media_files(tables.get("media", [])):
        source = media_dir / name
        if not _MEDIA_NAME.match(name):
            report.warnings.append(f"media file {name!r} has a name an archive cannot hold")
        elif source.is_file():
            size, sha = _digest(source)
            manifest[name] = {"size": size, "sha256": sha}
        else:
            report.warnings.append(f"media file {name} is missing from the media folder")
    content = {
        "format": FORMAT,
        "generator": f"portal-cms {__version__}",
        "exported_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "schema": schema,
        "tables": tables,
        "media": manifest,
    }
    path = Path(path)
    handle, partial = tempfile.mkstemp(prefix=".export-", suffix=".zip", dir=path.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "content.json", json.dumps(content, ensure_ascii=False, indent=1, sort_keys=True)
            )
            for name in manifest:
                archive.write(media_dir / name, f"media/{name}")
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    report.files = len(manifest)
    return report


# -- reading an archive -------------------------------------------------------------------


def _check_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The members by name, after refusing unsafe names, links, encryption and bombs."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise TransferError(f"the archive has {len(infos)} files, more than {MAX_MEMBERS}")
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        if info.is_dir():
            continue
        if name in members:
            raise TransferError(f"the archive holds {name!r} twice")
        if name != "content.json" and not name.startswith("media/"):
            raise TransferError(f"unexpected file in the archive: {name!r}")
        if name.startswith("media/") and not _MEDIA_NAME.match(name[len("media/") :]):
            raise TransferError(f"unsafe path in archive: {name!r}")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise TransferError(f"the archive holds a symbolic link: {name!r}")
        if info.flag_bits & 0x1:
            raise TransferError(f"{name!r} is encrypted")
        limit = MAX_CONTENT_BYTES if name == "content.json" else MAX_MEDIA_FILE_BYTES
        if info.file_size > limit:
            raise TransferError(
                f"{name!r} is too large ({info.file_size} bytes, at most {limit} accepted)"
            )
        if info.file_size > _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise TransferError(f"{name!r} is compressed suspiciously well (a ZIP bomb?)")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise TransferError(f"the archive unpacks to more than {MAX_TOTAL_BYTES} bytes")
        members[name] = info
    return members


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, never more than ``limit`` whatever its header claims."""
    parts, size = [], 0
    with archive.open(info) as handle:
        while chunk := handle.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise TransferError(f"{info.filename!r} is larger than {limit} bytes")
            parts.append(chunk)
    return b"".join(parts)


def _load_content(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> dict:
    info = members.get("content.json")
    if info is None:
        raise TransferError("the archive has no content.json: it is not a Portal CMS export")
    try:
        content = json.loads(_read(archive, info, MAX_CONTENT_BYTES).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise TransferError(f"content.json is not readable JSON: {exc}") from exc
    if not isinstance(content, dict):
        raise TransferError("content.json must hold a JSON object")
    version = content.get("format")
    if isinstance(version, bool) or version not in READABLE_FORMATS:
        readable = " and ".join(str(v) for v in READABLE_FORMATS)
        raise TransferError(
            f"unsupported archive format {version!r} (this version of Portal CMS reads "
            f"formats {readable}; an archive from a newer version needs that version)"
        )
    if version == 1:
        content = {
            "format": 1,
            "tables": {FORMAT1_KEYS[k]: v for k, v in content.items() if k in FORMAT1_KEYS},
            "media": None,
        }
    tables = content.get("tables")
    if not isinstance(tables, dict):
        raise TransferError("content.json: tables must be an object")
    for name, rows in tables.items():
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise TransferError(f"content.json: the rows of {name} must be a list of objects")
    manifest = content.get("media")
    if manifest is not None and (
        not isinstance(manifest, dict)
        or not all(
            isinstance(v, dict)
            and isinstance(v.get("size"), int)
            and isinstance(v.get("sha256"), str)
            for v in manifest.values()
        )
    ):
        raise TransferError("content.json: media must map file names to their size and sha256")
    return content


def _coerce(table: Table, index: int, row: dict[str, Any]) -> dict[str, Any]:
    """One archive row as values for ``table``, checked against its columns' types."""
    values: dict[str, Any] = {}
    where = f"content.json: {table.name} row {index + 1}"
    for key in row:
        if key not in table.columns:
            raise TransferError(
                f"{where}: unknown column {key!r} (is the archive from a newer version?)"
            )
    for column in table.columns:
        if column.name not in row:
            if column.primary_key and column.default is None:
                raise TransferError(f"{where}: {column.name} is missing")
            continue
        value = row[column.name]
        if value is None:
            if not column.nullable:
                raise TransferError(f"{where}: {column.name} may not be null")
            values[column.name] = None
            continue
        kind = column.type
        ok = True
        if isinstance(kind, UTCDateTime | DateTime):
            try:
                value = datetime.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                value = None
            ok = value is not None
        elif isinstance(kind, Boolean):
            ok = isinstance(value, bool)
        elif isinstance(kind, Integer):
            ok = isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63
        elif isinstance(kind, String | Text):
            length = getattr(kind, "length", None)
            ok = isinstance(value, str) and (length is None or len(value) <= length)
            ok = ok and "\x00" not in value
        elif not isinstance(kind, JSON):
            ok = isinstance(value, str | int | float | bool)
        if not ok:
            raise TransferError(f"{where}: {column.name} has a value of the wrong type or size")
        values[column.name] = value
    return values


# -- import -------------------------------------------------------------------------------


def _refuse_unless_empty(tables: list[Table]) -> None:
    filled = []
    for table in tables:
        if table.name in MERGED:
            continue
        if db.session.execute(select(func.count()).select_from(table)).scalar():
            filled.append(table.name)
    if filled:
        raise TransferError(
            f"the site already has content ({', '.join(filled)}); "
            "import into an empty site (a new database after `cms init`)"
        )


def _insert(table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` with their ids; self-references are set once every row exists."""
    if not rows:
        return
    if table.name in MERGED:
        keys = [c.name for c in table.primary_key.columns]
        for row in rows:
            condition = [table.c[k] == row[k] for k in keys]
            db.session.execute(table.delete().where(*condition))
    own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    later: list[dict[str, Any]] = []
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        if any(row.get(name) is not None for name in own):
            later.append(row)
            row = {**row, **dict.fromkeys(own)}
        groups.setdefault(tuple(sorted(row)), []).append(row)
    for group in groups.values():
        db.session.execute(table.insert(), group)
    keys = [c.name for c in table.primary_key.columns]
    stamped = [c.name for c in table.columns if c.onupdate is not None]
    for row in later:
        values = {name: row.get(name) for name in own}
        values.update({name: row[name] for name in stamped if name in row})  # keep the times
        db.session.execute(
            update(table).where(*[table.c[k] == row[k] for k in keys]).values(**values)
        )


def _reset_sequences(tables: Iterable[Table]) -> None:
    """After inserting explicit ids, PostgreSQL's sequences must continue after them."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        sequence = db.session.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": f'"{table.name}"', "column": pk[0].name},
        ).scalar()
        if sequence is None:
            continue
        db.session.execute(
            text(
                f"SELECT setval(:sequence, COALESCE((SELECT MAX({pk[0].name}) "  # noqa: S608 (names from the models)
                f'FROM "{table.name}"), 0) + 1, false)'
            ),
            {"sequence": sequence},
        )


def _media_plan(
    content: dict, members: dict[str, zipfile.ZipInfo], media_rows: list[dict[str, Any]]
) -> dict[str, zipfile.ZipInfo]:
    """Archive member -> file to write, after checking each against the media rows."""
    wanted = set(_media_files(media_rows))
    manifest = content.get("media")
    plan: dict[str, zipfile.ZipInfo] = {}
    for member, info in members.items():
        if not member.startswith("media/"):
            continue
        name = member[len("media/") :]
        if name not in wanted:
            raise TransferError(f"{member!r} belongs to no media item of the archive")
        if name.rpartition(".")[2].lower() not in MEDIA_EXTENSIONS:
            raise TransferError(f"{member!r} is not an image file name")
        if manifest is not None:
            expected = manifest.get(name)
            if expected is None or expected["size"] != info.file_size:
                raise TransferError(f"{member!r} does not match the archive's media list")
        plan[name] = info
    if manifest is not None:
        absent = sorted(set(manifest) - set(plan))
        if absent:
            raise TransferError(f"media file {absent[0]!r} is listed but not in the archive")
    return plan


def _stage_media(
    archive: zipfile.ZipFile, content: dict, plan: dict[str, zipfile.ZipInfo], staging: Path
) -> None:
    """Unpack the media files into ``staging``, checking sizes and checksums."""
    manifest = content.get("media") or {}
    for name, info in plan.items():
        target = staging / PurePosixPath(name)
        if staging.resolve() not in target.resolve().parents:
            raise TransferError(f"unsafe path in archive: media/{name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        sha, size = hashlib.sha256(), 0
        with archive.open(info) as source, target.open("wb") as out:
            while chunk := source.read(_CHUNK):
                size += len(chunk)
                if size > MAX_MEDIA_FILE_BYTES:
                    raise TransferError(f"media/{name} is larger than {MAX_MEDIA_FILE_BYTES}")
                sha.update(chunk)
                out.write(chunk)
        expected = manifest.get(name)
        if expected is not None and expected["sha256"] != sha.hexdigest():
            raise TransferError(f"media/{name} is damaged (its checksum does not match)")


def import_site(path: Path) -> Report:
    """Load an archive made by :func:`export_site` into an empty site.

    Raises :class:`TransferError` (and changes nothing: database and media
    folder stay as they were) for a file that is not a readable archive of a
    known format, an unsafe or oversized member, rows that do not fit the
    tables, tables of a plugin this site lacks, or a site that already has
    content. Settings and plugin states already stored are replaced by the
    archive's. The caller need not commit.
    """
    report = Report()
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise TransferError(f"{path} is not a Portal CMS export: {exc}") from exc
    media_dir = Path(current_app.config["MEDIA_DIR"]).resolve()
    with archive:
        try:
            members = _check_members(archive)
            content = _load_content(archive, members)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise TransferError(f"{path} is damaged: {exc}") from exc
        if content["format"] == 1:
            report.warnings.append(
                "this archive (format 1) holds no passwords: give the imported users new ones"
            )
        tables = _target_tables(content["tables"])
        legacy_views = _take_legacy_views(content["tables"])
        prepared = {
            table.name: [_coerce(table, i, r) for i, r in enumerate(content["tables"][table.name])]
            for table in tables
            if table.name in content["tables"]
        }
        plan = _media_plan(content, members, content["tables"].get("media", []))
        media_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".import-", dir=media_dir))
        moved: list[Path] = []
        try:
            try:
                _stage_media(archive, content, plan, staging)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise TransferError(f"{path} is damaged: {exc}") from exc
            _refuse_unless_empty(tables)
            for table in tables:
                rows = prepared.get(table.name, [])
                _insert(table, rows)
                report.rows[table.name] = len(rows)
            _reset_sequences(tables)
            # An archive from an older release holds text folded the old way.
            refold_articles(db.session.connection())
            generations.bump(generations.PLUGINS, generations.WIDGETS)
            all_content_created()  # plugins hear of every article and page after the commit
            db.session.flush()
            for name in plan:
                target = media_dir / PurePosixPath(name)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / PurePosixPath(name), target)
                moved.append(target)
            db.session.commit()
        except SQLAlchemyError as exc:
            db.session.rollback()
            _unlink(moved)
            message = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise TransferError(f"the archive's rows do not fit this site: {message}") from exc
        except BaseException:
            db.session.rollback()
            _unlink(moved)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    report.files = len(plan)
    _restart_views(legacy_views, report)
    log.info("site imported from %s: %s rows, %s media files", path, report.rows, report.files)
    return report


def _take_legacy_views(archived: dict[str, Any]) -> dict[int, int]:
    """Remove ``views`` from the article rows of an older archive; ``{article id: views}``.

    Raises :class:`TransferError` for a count that is not a whole number from 0.
    """
    counts: dict[int, int] = {}
    for index, row in enumerate(archived.get("article", [])):
        if LEGACY_VIEWS not in row:
            continue
        value = row.pop(LEGACY_VIEWS)
        article_id = row.get("id")
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value < 2**63
            or isinstance(article_id, bool)
            or not isinstance(article_id, int)
        ):
            raise TransferError(
                f"content.json: article row {index + 1}: views has a value of the wrong type "
                "or size"
            )
        if value:
            counts[article_id] = value
    return counts


def _restart_views(legacy: dict[int, int], report: Report) -> None:
    """After an import: no view counter of an earlier site remains; an older archive's are added.

    The import is committed by then: a store failure becomes a warning, not an error.
    """
    try:
        registry().call("article_views_restored", installed=True, counts=legacy, replace=True)
    except SQLAlchemyError as exc:
        message = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        report.warnings.append(f"article view counts were not reset or restored: {message}")


def _unlink(paths: Iterable[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _target_tables(archived: dict[str, Any]) -> list[Table]:
    """This site's tables that the archive fills, in foreign-key order.

    Refuses tables this site cannot take: excluded ones, and those of a
    plugin that is not installed here or whose tables were never created.
    """
    exported = set(EXPORTED)
    plugins = set(plugin_tables())
    for name in sorted(archived):
        if name in EXCLUDED:
            raise TransferError(f"content.json holds {name}, which is never imported")
        if name in exported or name in plugins:
            continue
        if name in db.metadata.tables:
            raise TransferError(
                f"content.json holds table {name} of a plugin whose tables this site has not "
                "created yet: run `cms init` (or enable the plugin), then import again"
            )
        raise TransferError(
            f"content.json holds table {name}, which this site does not have: install the "
            "plugin it belongs to and run `cms init`, then import again"
        )
    wanted = exported | plugins
    return [t for t in db.metadata.sorted_tables if t.name in wanted]
