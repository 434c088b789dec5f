"""Comments: readers comment under articles, a captcha keeps robots out, editors moderate.

The ``comments.thread`` live block, placed in ``article_footer``, lists an
article's approved comments (oldest first, with replies) and the form: name,
optional email (never shown), text, and an image captcha drawn on the server
(:mod:`plugins.comments.captcha`). Spam defences besides: a honeypot, a
least fill time (the age of the form's challenge: signed, bound to the
visitor, single-use, so no old time can be replayed), rate limits per
address and per article in the shared store, repeats refused, many links
held for moderation. Editors moderate in the back office (a pending count
in the menu and on the dashboard) and the API; the count of approved
comments shows in the article's meta line.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cms.api.validation import Choice, Field, Integer, Reference, Text
from cms.paging import PAGE_MAX
from cms.plugins import AdminView, ApiRoute, Plugin
from plugins.comments.admin import edit_comment, erase, moderate, queue
from plugins.comments.api import (
    CHALLENGE_SCHEMA,
    CREATED_SCHEMA,
    LIST_SCHEMA,
    MODERATED_SCHEMA,
    api_challenge,
    api_delete,
    api_list,
    api_patch,
    api_post,
)
from plugins.comments.demo import demo
from plugins.comments.hooks import Hooks
from plugins.comments.models import BODY_MAX, EMAIL_MAX, NAME_MAX, STATUSES
from plugins.comments.moderation import pending_count
from plugins.comments.settings import DEFAULT_SETTINGS
from plugins.comments.settings_form import CommentSettingsForm
from plugins.comments.views import CHALLENGES_PER_MINUTE, bp, setup
from plugins.comments.widgets import Thread

ARTICLE = "/api/v1/articles/<int:article_id>/comments"
COMMENT = "/api/v1/comments/<int:comment_id>"
#: The body of a new comment.
NEW_COMMENT = [
    Field("name", Text(NAME_MAX), required=True, description="The commenter's name (shown)."),
    Field("email", Text(EMAIL_MAX, nullable=True), description="Never shown; optional."),
    Field("body", Text(BODY_MAX, single_line=False), required=True, description="Plain text."),
    Field("parent_id", Reference(), description="The approved comment answered, if any."),
    Field("captcha_id", Text(200), required=True, description="From POST /api/v1/captcha."),
    Field("captcha_answer", Text(20), required=True, description="The characters in its image."),
]
#: The body of a new challenge: ``{}``, or the challenge it replaces (then burnt).
REPLACED = Field(
    "previous", Text(200, nullable=True), description="A challenge this one replaces (burnt)."
)
#: What editors may change.
CHANGES = [
    Field("status", Choice(STATUSES), description="pending, approved or spam."),
    Field("name", Text(NAME_MAX)),
    Field("body", Text(BODY_MAX, single_line=False)),
]

plugin = Plugin(
    name="comments",
    version="1.0.0",
    title=_l("Comments"),
    description=_l("Reader comments under articles, with an image captcha and moderation."),
    widgets=[Thread],
    blueprint=bp,
    setup=setup,
    models=["plugins.comments.models"],
    hooks=Hooks(),
    settings_form=CommentSettingsForm,
    default_settings=dict(DEFAULT_SETTINGS),
    api=[
        ApiRoute(
            ARTICLE,
            api_list,
            query=[
                Field(
                    "page",
                    Integer(1, PAGE_MAX),
                    description="Page of top-level comments; past the last one: empty.",
                )
            ],
            response=LIST_SCHEMA,
            summary="The approved comments of an article",
        ),
        ApiRoute(
            ARTICLE,
            api_post,
            "POST",
            body=NEW_COMMENT,
            response=CREATED_SCHEMA,
            status=201,
            summary="Send a comment (needs a solved captcha)",
        ),
        ApiRoute(
            "/api/v1/captcha",
            api_challenge,
            "POST",
            body=[REPLACED],
            response=CHALLENGE_SCHEMA,
            status=201,
            rate_limit=f"{CHALLENGES_PER_MINUTE} per minute",
            summary="A new captcha challenge",
        ),
        ApiRoute(
            COMMENT,
            api_patch,
            "PATCH",
            auth="editor",
            body=CHANGES,
            response=MODERATED_SCHEMA,
            summary="Moderate or edit a comment",
        ),
        ApiRoute(
            COMMENT, api_delete, "DELETE", auth="editor", status=204, summary="Delete a comment"
        ),
    ],
    admin_views=[
        AdminView(
            "/",
            queue,
            role="editor",
            menu=_l("Comments"),
            badge=pending_count,
            badge_label=_l("Comments awaiting moderation"),
        ),
        AdminView("/moderate", moderate, role="editor", methods=("POST",)),
        AdminView(
            "/<int(max=2147483647):comment_id>/edit",
            edit_comment,
            role="editor",
            methods=("GET", "POST"),
        ),
        AdminView("/erase", erase, role="editor", methods=("GET", "POST")),
    ],
    demo=demo,
)
