"""The core models; plugins define theirs in their own packages."""

from cms.models.audit import AuditEntry
from cms.models.content import (
    ARTICLE_STATUSES,
    PAGE_STATUSES,
    Article,
    ArticleRevision,
    Category,
    Media,
    Page,
    SlugHistory,
    Tag,
    article_tag,
    visible_now,
)
from cms.models.plugins import VISIBILITY, Generation, PageCachePurge, PluginState, WidgetInstance
from cms.models.settings import Setting
from cms.models.store import StoreCounter, StorePresence, StoreToken
from cms.models.types import UTCDateTime, utcnow
from cms.models.users import ROLES, ApiToken, User, UserSession

__all__ = [
    "ARTICLE_STATUSES",
    "PAGE_STATUSES",
    "ROLES",
    "ApiToken",
    "AuditEntry",
    "Article",
    "ArticleRevision",
    "Category",
    "Generation",
    "Media",
    "Page",
    "PageCachePurge",
    "PluginState",
    "Setting",
    "SlugHistory",
    "StoreCounter",
    "StorePresence",
    "StoreToken",
    "Tag",
    "UTCDateTime",
    "VISIBILITY",
    "User",
    "UserSession",
    "WidgetInstance",
    "article_tag",
    "utcnow",
    "visible_now",
]
