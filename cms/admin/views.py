"""The dashboard."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from cms.admin import bp
from cms.admin.menu import badge_count, menu_for
from cms.extensions import db
from cms.models import Article, Category, Page, User


@bp.route("/")
@login_required
def dashboard() -> Any:
    """Counts, what waits in plugins' screens (menu badges), the latest drafts and quick links."""
    counts = dict(
        db.session.execute(select(Article.status, func.count()).group_by(Article.status)).all()
    )
    drafts_query = select(Article).where(Article.status == "draft")
    if not current_user.can("editor"):
        drafts_query = drafts_query.where(Article.author_id == current_user.id)
    drafts = (
        db.session.execute(drafts_query.order_by(Article.updated_at.desc()).limit(8))
        .unique()
        .scalars()
        .all()
    )
    totals = {
        "pages": db.session.execute(select(func.count()).select_from(Page)).scalar_one(),
        "categories": db.session.execute(select(func.count()).select_from(Category)).scalar_one(),
        "users": db.session.execute(select(func.count()).select_from(User)).scalar_one(),
    }
    waiting = [
        (item, n) for item in menu_for(current_user) if item.badge and (n := badge_count(item))
    ]
    return render_template(
        "admin/dashboard.html", counts=counts, drafts=drafts, totals=totals, waiting=waiting
    )
