"""What a plugin declares: :class:`Plugin`, and its :class:`Widget` types.

A plugin package exposes one ``plugin`` object. Nothing runs at import time,
so the engine can list, validate and show a plugin as broken without
executing it.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from cms.page_view import PageIdentity, Visitor

#: How a widget's HTML may be cached: ``"static"`` until invalidated, ``"live"``
#: never (rendered per visitor), or a number of seconds.
CachePolicy = Literal["static", "live"] | int
#: Most seconds a live widget's HTML may be shared by every reader (:attr:`Widget.live_max_age`):
#: values shared by all readers may be up to 2 seconds old.
LIVE_SHARED_MAX = 2.0


class Widget:
    """A widget type: a template plus the context it needs.

    Subclass it, set the class attributes and override :meth:`get_context`
    (cached widgets) or :meth:`live_context` (``cache = "live"``). A theme's
    ``<plugin>/<template>`` wins over the plugin's own copy.

    A **live** widget (``cache = "live"``) renders for every request, also when
    the rest of the page comes from the page cache: the engine calls
    :meth:`live_context` with the page's identity and the visitor's request
    facts, never with ORM objects or the Flask request. A live widget that does
    not override :meth:`live_context` is refused at load.
    """

    #: Identifier within the plugin, e.g. ``"box"`` (the full type is ``plugin.box``).
    type: ClassVar[str] = ""
    #: Human-readable name shown in the back office.
    title: ClassVar[Any] = ""
    #: Template rendered with the context, e.g. ``"latest/box.html"``.
    template: ClassVar[str] = ""
    #: Flask-WTF form class whose fields are the instance settings, or ``None``.
    settings_form: ClassVar[builtins.type | None] = None
    #: Settings of a new instance.
    default_settings: ClassVar[dict[str, Any]] = {}
    #: How the rendered HTML may be cached: ``"static"`` (until invalidated), a
    #: positive number of seconds, or ``"live"`` (rendered per request by
    #: :meth:`live_context`).
    cache: ClassVar[CachePolicy] = "static"
    #: Whether the HTML depends on the page it is shown on (the article, the category...).
    per_page: ClassVar[bool] = False
    #: Live widgets whose HTML is the same for every reader of a page (the clock, a
    #: site-wide counter): seconds it may be reused, at most :data:`LIVE_SHARED_MAX`
    #: (Drupal's ``max-age`` of a placeholder without per-user contexts). ``0``
    #: (default): rendered for each request, as anything per visitor must be.
    live_max_age: ClassVar[float] = 0.0

    def get_context(self, instance: Any, page: dict[str, Any]) -> dict[str, Any]:
        """Return the template context for ``instance`` on ``page`` (cached widgets).

        ``page`` holds what the page shows: ``kind`` (``home``, ``article``,
        ``page``, ``category``, ``search``, ``other``) and the object
        (``article``, ``page``, ``category``) when there is one. The result is
        rendered once and cached according to :attr:`cache`.
        """
        return {}

    def live_context(self, instance: Any, page: PageIdentity, visitor: Visitor) -> dict[str, Any]:
        """Return the template context of a live widget (``cache = "live"``) for one request.

        Called instead of :meth:`get_context`, for every request, within the
        widget time budget (``WIDGET_TIME_BUDGET`` seconds; over it, the widget
        is left out and counted as a failure of its plugin, like an exception).
        It is also what the page cache calls to fill the widget into a cached
        page, so it gets plain values only:

        - ``instance``: the placed instance (``id``, ``plugin``, ``widget_type``,
          ``title``, ``settings``);
        - ``page``: a :class:`cms.page_view.PageIdentity` (``kind``,
          ``object_id``, ``path``, ``status``, ``category_id``; ``kind`` is
          ``"other"`` on pages that are not public pages, e.g. an error page);
        - ``visitor``: a :class:`cms.page_view.Visitor` (``address``,
          ``user_agent``, ``method``, ``cookies``, ``user_id``, ``secure``,
          ``is_crawler``).

        It must not read ``flask.request``, ``flask.session`` or
        ``current_user``: on a page-cache hit they describe nothing useful. It
        may use the database, the shared store (:mod:`cms.store`), ``url_for``
        and ``_()``; it sets cookies with ``visitor.set_cookie(name, value,
        max_age=seconds)``, which the engine adds to the answer. The template
        gets ``instance``, ``settings`` (defaults overlaid with the instance's),
        ``page`` (the identity), ``visitor``, the returned keys, and
        ``csrf_token()``: a form token bound to the visitor's cookie, needing no
        session (:mod:`cms.visitor_csrf`); the site checks it on ``POST``.
        """
        raise NotImplementedError(f"{type(self).__name__} is live but defines no live_context")


@dataclass(frozen=True)
class AdminView:
    """A back-office screen of a plugin, mounted at ``/admin/plugins/<plugin><rule>``.

    The view renders inside the back-office layout (navigation, messages,
    error pages, CSRF); its templates live in the plugin's
    ``templates/<plugin>/admin/`` folder. A view without a valid ``role``
    refuses the whole plugin at load.
    """

    #: URL rule below the plugin's back-office prefix, e.g. ``"/"`` or ``"/<int:id>"``.
    rule: str
    #: The view function.
    view: Callable[..., Any]
    #: The least role that may open it: ``"admin"``, ``"editor"`` or ``"author"``.
    role: str = ""
    #: Menu label (a lazy translation string); ``None`` adds no menu entry.
    menu: Any = None
    #: HTTP methods the view answers.
    methods: tuple[str, ...] = ("GET",)
    #: Endpoint name within the plugin's back office (default: the function's name).
    endpoint: str = ""
    #: Menu position; lower comes first.
    order: int = 60
    #: ``badge()`` -> a number of things waiting for this screen (e.g. comments to
    #: moderate), shown beside its menu entry and on the dashboard when above 0.
    badge: Callable[[], int] | None = None
    #: What the badge counts, for the dashboard (a lazy translation string; default ``menu``).
    badge_label: Any = None

    @property
    def name(self) -> str:
        """The endpoint name within the plugin's back office."""
        return self.endpoint or getattr(self.view, "__name__", "")


#: Who may call a plugin API endpoint: anyone, any valid token, or a token of a role or above.
ApiAuth = Literal["public", "token", "author", "editor", "admin"]


@dataclass(frozen=True)
class ApiRoute:
    """One API endpoint of a plugin, mounted beside the core API (see docs/plugins.md).

    It gets what the core API has: bearer tokens and roles, JSON errors for
    every refusal (404, 405 with ``Allow``, 415, 422...), the API's CSRF rule
    and an operation in ``/api/v1/openapi.json``; anonymous writes are rate
    limited per client address (:attr:`rate_limit`). The view is called with the
    URL's values, plus ``data`` (the checked body, keyed by each field's
    ``service_name``) when ``body`` is given and ``query`` (the checked query
    parameters) when ``query`` is; it returns a JSON-able value
    (answered with ``status``), a :class:`flask.Response`, or ``None`` (204).
    """

    #: Full path, under ``/api/v1/``, in Flask's syntax: ``/api/v1/x/<int:article_id>``.
    path: str
    #: The view function.
    view: Callable[..., Any]
    #: The HTTP method (one route per method; several routes may share a path).
    method: str = "GET"
    #: Who may call it (:data:`ApiAuth`).
    auth: str = "public"
    #: The JSON body's fields (:class:`cms.api.validation.Field`), checked before the view.
    body: Sequence[Any] = ()
    #: Query parameters (:class:`cms.api.validation.Field` of a ``Text``, ``Integer``,
    #: ``Choice`` or ``Boolean`` kind), checked before the view, which gets those given
    #: as ``query`` (keyed by ``service_name``); a bad one is a 400 naming it.
    query: Sequence[Any] = ()
    #: JSON Schema of a successful answer (default: any object).
    response: dict[str, Any] | None = None
    #: Status of a successful answer.
    status: int = 200
    #: One line for the OpenAPI document.
    summary: str = ""
    #: Calls one client address may make without a token, in Flask-Limiter's syntax
    #: (``"30 per 10 minutes"``, several separated by ``;``), counted per route in the
    #: shared store, so every worker agrees. ``None``: the site's default for the
    #: route's kind, ``API_ANONYMOUS_WRITE_LIMIT`` for a public write (any method but
    #: GET), none for a read. ``""``: no limit (an explicit opt-out). Callers with a
    #: valid token are never counted; only ``auth="public"`` routes may set it.
    #: Past it: 429 ``rate_limited`` with ``Retry-After``.
    rate_limit: str | None = None


@dataclass(frozen=True)
class ApiField:
    """A field a plugin adds to a core API object (and to its OpenAPI schema).

    ``value(obj)`` gives it for one object; while the plugin is disabled or
    paused the field is ``null``.
    """

    #: The key in the object's JSON, e.g. ``"rating"``.
    name: str
    #: JSON Schema of a value (``null`` is added by the engine).
    schema: dict[str, Any]
    #: ``obj -> JSON-able value``.
    value: Callable[[Any], Any]
    #: The core object: ``"Article"``, ``"Page"``, ``"Category"`` or ``"Tag"``.
    on: str = "Article"


@dataclass(frozen=True)
class AdminColumn:
    """A column a plugin adds to a back-office list (WordPress's ``manage_posts_columns``).

    ``values`` gets the rows of the page being listed, at most one page (a
    list of ORM objects), and returns ``{row id: cell}``, a cell being text
    (escaped) or :class:`markupsafe.Markup`; a row it leaves out shows "—".
    One call per list page, so it can read everything it needs in one query.
    Shown only while the plugin is active; a column whose function raises
    shows "—" in every row and counts as a failure of its plugin.
    """

    #: Identifier within the plugin, e.g. ``"rating"`` (cells: ``data-column="<plugin>.<name>"``).
    name: str
    #: Column header (a lazy translation string).
    label: Any
    #: ``rows -> {id: cell}``.
    values: Callable[[Sequence[Any]], dict[int, Any]]
    #: The list: ``"Article"`` (the back office's article list).
    on: str = "Article"


@dataclass
class Plugin:
    """The declaration a plugin package exports as ``plugin``."""

    #: Unique name: blueprint name, template folder, static URL, table prefix all equal it.
    name: str
    #: The plugin's version string.
    version: str = "0.0.0"
    #: Human-readable name.
    title: Any = ""
    #: A sentence for the back office.
    description: Any = ""
    #: Widget types the plugin contributes.
    widgets: Sequence[type[Widget]] = ()
    #: A Flask blueprint (public routes, API routes under ``/api/v1/``) or a callable making one.
    blueprint: Any = None
    #: Modules defining the plugin's SQLAlchemy models (imported when the plugin loads).
    models: Sequence[str] = ()
    #: Back-office screens (:class:`AdminView`), each with the role it needs.
    admin_views: Sequence[AdminView] = ()
    #: Hook implementations: an object whose methods carry ``@hookimpl``.
    hooks: Any = None
    #: Flask-WTF form class of site-wide plugin settings (stored as JSON), or ``None``.
    settings_form: Any = None
    #: Plugin settings before an admin saves any.
    default_settings: dict[str, Any] = field(default_factory=dict)
    #: A click command or group added under ``cms <name>``.
    cli: Any = None
    #: Called once with the app when the plugin loads (register filters, config defaults...).
    setup: Callable[[Any], None] | None = None
    #: API endpoints under ``/api/v1/`` (:class:`ApiRoute`).
    api: Sequence[ApiRoute] = ()
    #: Fields added to core API objects (:class:`ApiField`).
    api_fields: Sequence[ApiField] = ()
    #: Columns added to back-office lists (:class:`AdminColumn`).
    admin_columns: Sequence[AdminColumn] = ()
    #: Called by ``cms demo`` once the demo content exists, in its transaction, while the
    #: plugin is active: adds the plugin's own sample data (never commits). See
    #: :func:`cms.demo.build_demo`.
    demo: Callable[[], None] | None = None
    #: URL paths crawlers are asked not to follow while the plugin is active (``Disallow``
    #: lines of ``/robots.txt``, RFC 9309), e.g. ``["/links/go"]`` for counted redirects.
    robots_disallow: Sequence[str] = ()
    #: Whether a fresh site enables the plugin.
    enabled_by_default: bool = True
    #: Set by the loader: the package folder (``templates/``, ``static/``, ``migrations/``).
    path: Path | None = field(default=None, repr=False)

    @property
    def templates(self) -> Path | None:
        """The plugin's template folder, if it has one."""
        return self.path / "templates" if self.path else None

    @property
    def static(self) -> Path | None:
        """The plugin's static folder, if it has one."""
        return self.path / "static" if self.path else None

    @property
    def migrations(self) -> Path | None:
        """The plugin's Alembic version folder, if it has one."""
        if self.path and (self.path / "migrations").is_dir():
            return self.path / "migrations"
        return None

    @property
    def translations(self) -> Path | None:
        """The plugin's translation catalogues (``translations/<locale>/LC_MESSAGES/``), if any."""
        if self.path and (self.path / "translations").is_dir():
            return self.path / "translations"
        return None

    def widget(self, widget_type: str) -> type[Widget] | None:
        """The widget class of type ``widget_type``, if the plugin declares it."""
        return next((w for w in self.widgets if w.type == widget_type), None)
