"""The public site: home, listings, articles, pages, search, feeds, sitemap, health."""

from cms.public.views import bp

__all__ = ["bp"]
