"""Related: the articles related to the one shown ("Tin liên quan"), under every article.

Same category and shared tags weigh most, then the similarity of titles and
summaries (folded Vietnamese syllables and syllable pairs, TF-IDF); the newest
wins among equals. Lists are computed when an article is published, edited,
unpublished or deleted, into the plugin's tables, never per request
(:mod:`plugins.related.index`); pages read them by key through the cached
``related.articles`` widget, the API through
``GET /api/v1/articles/<id>/related``; ``cms related rebuild`` computes them
all again.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cms.extensions import db
from cms.plugins import ApiRoute, Plugin
from plugins.related import index
from plugins.related.api import PATH, RESPONSE, related
from plugins.related.cli import cli
from plugins.related.hooks import Hooks
from plugins.related.widgets import DEFAULT_COUNT, NAME, RelatedArticles, RelatedSettingsForm


def demo() -> None:
    """``cms demo``: compute every list inside the demo's own transaction (never commits)."""
    connection = db.session.connection()
    index.rebuild(lambda step: step(connection))


plugin = Plugin(
    name=NAME,
    version="1.0.0",
    title=_l("Related articles"),
    description=_l(
        "Lists the articles related to the one shown: same category and tags first, "
        "then similar titles and summaries."
    ),
    widgets=[RelatedArticles],
    models=["plugins.related.models"],
    hooks=Hooks(),
    settings_form=RelatedSettingsForm,
    default_settings={"count": DEFAULT_COUNT},
    cli=cli,
    demo=demo,
    api=[ApiRoute(PATH, related, response=RESPONSE, summary="Articles related to an article")],
)
