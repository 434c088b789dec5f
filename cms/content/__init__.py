"""Content services: what views, the API, the CLI and plugins call instead of raw queries."""

from cms.content.articles import (
    delete_article,
    filter_articles,
    find_article,
    latest_articles,
    paginate,
    public_articles,
    public_filter,
    save_article,
)
from cms.content.errors import ContentError
from cms.content.ordering import delete_page
from cms.content.pages import find_page, menu_pages, save_page
from cms.content.sanitize import sanitize_html
from cms.content.site import get_setting, set_setting
from cms.content.slugs import make_slug
from cms.content.taxonomy import (
    all_categories,
    category_tree,
    delete_category,
    delete_tag,
    find_category,
    find_tag,
    save_category,
    save_tag,
    tags_from_names,
)
from cms.content.text import clean_text, fold

__all__ = [
    "ContentError",
    "all_categories",
    "category_tree",
    "clean_text",
    "delete_article",
    "delete_category",
    "delete_page",
    "delete_tag",
    "filter_articles",
    "find_article",
    "find_category",
    "find_page",
    "find_tag",
    "fold",
    "get_setting",
    "latest_articles",
    "make_slug",
    "menu_pages",
    "paginate",
    "public_articles",
    "public_filter",
    "sanitize_html",
    "save_article",
    "save_category",
    "save_page",
    "save_tag",
    "set_setting",
    "tags_from_names",
]
