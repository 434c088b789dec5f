"""The theme engine: one Jinja environment per theme, built lazily, and theme assets.

Jinja caches templates by name, so one shared environment would keep serving
the old theme's files after a switch; each theme gets its own environment
whose loader looks in the theme, its parents, the plugins' template folders
(sorted by plugin name) and the core, in that order. ``!core/...``,
``!plugins/...`` and ``!<theme>/...`` reach past an override to what it
replaces, so an override can extend the original.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, PrefixLoader
from jinja2.exceptions import TemplateNotFound

from cms.themes.manifest import Theme, discover

log = logging.getLogger(__name__)

CORE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CORE_STATIC = Path(__file__).resolve().parent.parent / "static"


def is_admin_template(template: str) -> bool:
    """Whether ``template`` belongs to the back office: ``admin/...`` or ``<plugin>/admin/...``."""
    parts = template.split("/")
    return parts[0] == "admin" or (len(parts) > 2 and parts[1] == "admin")


class ThemeLoader(FileSystemLoader):
    """A theme's template folder; never serves back-office templates."""

    def get_source(self, environment: Environment, template: str) -> Any:
        """Refuse back-office templates, else look in the theme folder."""
        if is_admin_template(template):
            raise TemplateNotFound(template)
        return super().get_source(environment, template)


class AdminLoader(BaseLoader):
    """The templates Flask's own environment (the back office) renders.

    Lookup: the site's admin templates folder (``ADMIN_TEMPLATES_DIR``, for
    ``admin/...`` and ``<plugin>/admin/...`` only), then the core's
    templates, then ``<plugin>/admin/...`` from plugin ``<plugin>``'s own
    ``templates/`` folder. Themes never take part.
    """

    def __init__(self, themes: ThemeManager, override: Path | None) -> None:
        self.themes = themes
        self.override = FileSystemLoader(str(override)) if override else None
        self.core = FileSystemLoader(str(CORE_TEMPLATES))

    def get_source(self, environment: Environment, template: str) -> Any:
        """The source of ``template``; raises ``TemplateNotFound``."""
        if self.override is not None and is_admin_template(template):
            try:
                return self.override.get_source(environment, template)
            except TemplateNotFound:
                pass
        try:
            return self.core.get_source(environment, template)
        except TemplateNotFound:
            pass
        plugin = template.split("/")[0]
        folder = self.themes.plugin_template_dirs.get(plugin)
        if folder is not None and is_admin_template(template) and not template.startswith("admin/"):
            return FileSystemLoader(str(folder)).get_source(environment, template)
        raise TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        """Every template name this loader can serve."""
        names = set(self.core.list_templates())
        if self.override is not None and Path(self.override.searchpath[0]).is_dir():
            names.update(t for t in self.override.list_templates() if is_admin_template(t))
        for plugin, folder in self.themes.plugin_template_dirs.items():
            if folder.is_dir():
                names.update(
                    t
                    for t in FileSystemLoader(str(folder)).list_templates()
                    if t.startswith(f"{plugin}/admin/")
                )
        return sorted(names)


class ThemeManager:
    """The themes of one application and their Jinja environments."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        #: Theme name -> manifest.
        self.themes: dict[str, Theme] = discover(Path(app.config["THEMES_DIR"]))
        #: (plugin name, template folder) pairs that plugins contribute.
        self.plugin_template_dirs: dict[str, Path] = {}
        self._envs: dict[str, Environment] = {}
        self._asset_versions: dict[Path, str] = {}
        self._lock = threading.Lock()

    def chain(self, name: str) -> list[Theme]:
        """The theme ``name`` and its ancestors, nearest first; unknown names give ``[]``."""
        chain: list[Theme] = []
        while name in self.themes and all(t.name != name for t in chain):
            theme = self.themes[name]
            chain.append(theme)
            if not theme.parent:
                break
            if theme.parent not in self.themes:
                log.error("theme %s: parent %s not found", theme.name, theme.parent)
                break
            name = theme.parent
        return chain

    def add_plugin_templates(self, plugin: str, folder: Path) -> None:
        """Make ``folder`` part of every theme's lookup, after the themes and before the core."""
        with self._lock:
            self.plugin_template_dirs[plugin] = folder
            self._envs.clear()

    def environment(self, name: str) -> Environment:
        """The Jinja environment for theme ``name``, created on first use."""
        env = self._envs.get(name)
        if env is None:
            with self._lock:
                env = self._envs.get(name)
                if env is None:
                    env = self._build(name)
                    self._envs[name] = env
        return env

    def _loader(self, name: str) -> BaseLoader:
        chain = self.chain(name)
        theme_loaders = [ThemeLoader(str(t.templates)) for t in chain if t.templates.is_dir()]
        plugin_loaders = [
            FileSystemLoader(str(path))
            for _name, path in sorted(self.plugin_template_dirs.items())
            if path.is_dir()
        ]
        core = FileSystemLoader(str(CORE_TEMPLATES))
        escapes: dict[str, BaseLoader] = {"!core": core, "!plugins": ChoiceLoader(plugin_loaders)}
        for theme in chain:
            escapes[f"!{theme.name}"] = ThemeLoader(str(theme.templates))
        return ChoiceLoader([PrefixLoader(escapes), *theme_loaders, *plugin_loaders, core])

    def _build(self, name: str) -> Environment:
        base = self.app.jinja_env
        env = self.app.create_jinja_environment()
        env.loader = self._loader(name)
        for extension in base.extensions.values():
            env.add_extension(type(extension))
        env.filters.update(base.filters)
        env.tests.update(base.tests)
        env.globals.update(base.globals)
        env.policies.update(base.policies)
        env.newstyle_gettext = getattr(base, "newstyle_gettext", False)  # type: ignore[attr-defined]
        env.globals["theme_name"] = name
        return env

    def find_static(self, theme: str, filename: str) -> Path | None:
        """The file ``filename`` in the theme's static folder or its ancestors', else the core's."""
        from werkzeug.security import safe_join

        for folder in [t.static for t in self.chain(theme)] + [CORE_STATIC]:
            joined = safe_join(str(folder), filename)
            if joined and Path(joined).is_file():
                return Path(joined)
        return None

    def asset_version(self, path: Path) -> str:
        """A short content hash of ``path``, for cache-busting URLs (cached per process)."""
        version = self._asset_versions.get(path)
        if version is None or self.app.debug:
            version = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            self._asset_versions[path] = version
        return version


def manager() -> ThemeManager:
    """The theme manager of the current application."""
    return current_app.extensions["cms_themes"]
