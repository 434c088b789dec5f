"""Rating: 1 to 5 stars per article, one vote per visitor, and a top-rated list.

Under each article the ``rating.stars`` widget shows the stars, the number of
votes and the average in the reference page's words ("Đánh giá: lượt đánh giá:
12, trung bình: 4,3"), and a form to vote that works with and without
JavaScript. One vote per visitor and article, by a rule of the plugin settings
(browser cookie, address, either, or signed-in user); counted exactly by any
number of workers (:mod:`plugins.rating.voting`). ``rating.top_rated`` ranks
articles by a Bayesian average. The API has ``GET|POST
/api/v1/articles/<id>/rating`` and a ``rating`` field on articles; the back
office a column in the article list, the vote log and a reset.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cms.api.validation import Field, Integer
from cms.plugins import AdminColumn, AdminView, ApiField, ApiRoute, Plugin
from plugins.rating.cli import rating_cli
from plugins.rating.demo import demo
from plugins.rating.forms import RatingSettingsForm
from plugins.rating.hooks import Hooks
from plugins.rating.views import admin_column, api_field, api_totals, api_vote, bp, reset, votes
from plugins.rating.voters import DEFAULT_SETTINGS
from plugins.rating.widgets import Stars, TopRated

#: JSON Schema of ``{"count", "average"}``.
TOTALS_SCHEMA = {
    "type": "object",
    "properties": {
        "count": {"type": "integer", "minimum": 0, "description": "Number of votes."},
        "average": {
            "type": "number",
            "minimum": 0,
            "maximum": 5,
            "description": "Mean stars, two decimals; 0 without votes.",
        },
    },
    "required": ["count", "average"],
}
PATH = "/api/v1/articles/<int:article_id>/rating"
STARS = Field("stars", Integer(1, 5), required=True, description="Stars given, 1 to 5.")

plugin = Plugin(
    name="rating",
    version="1.0.0",
    title=_l("Rating"),
    description=_l("Star ratings of articles: one vote per reader, and a top-rated list."),
    widgets=[Stars, TopRated],
    blueprint=bp,
    models=["plugins.rating.models"],
    hooks=Hooks(),
    settings_form=RatingSettingsForm,
    default_settings=dict(DEFAULT_SETTINGS),
    cli=rating_cli,
    api=[
        ApiRoute(PATH, api_totals, response=TOTALS_SCHEMA, summary="The rating of an article"),
        ApiRoute(
            PATH,
            api_vote,
            "POST",
            body=[STARS],
            response=TOTALS_SCHEMA,
            summary="Rate an article (one vote per reader)",
        ),
    ],
    api_fields=[ApiField("rating", TOTALS_SCHEMA, api_field)],
    admin_views=[
        AdminView("/", votes, role="editor", menu=_l("Article ratings")),
        AdminView(
            "/articles/<int(max=2147483647):article_id>/reset",
            reset,
            role="editor",
            methods=("GET", "POST"),
        ),
    ],
    admin_columns=[AdminColumn("rating", _l("Rating"), admin_column)],
    demo=demo,
)
