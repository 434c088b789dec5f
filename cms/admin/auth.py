"""Signing in and out, and changing one's password."""

from __future__ import annotations

import logging
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from cms.admin import bp
from cms.admin.forms import LoginForm, PasswordForm
from cms.audit import record
from cms.extensions import db, limiter
from cms.models import User, utcnow
from cms.security import safe_next

log = logging.getLogger(__name__)


def _account_key() -> str:
    return "login-account:" + request.form.get("email", "").strip().lower()[:254]


def _failed(response: Any) -> bool:
    """Only failed sign-ins count towards the limits (a success redirects)."""
    return response.status_code != 302


def _login_limit_address() -> str:
    from flask import current_app

    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def _login_limit_account() -> str:
    from flask import current_app

    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_limit_address, key_func=get_remote_address, methods=["POST"], deduct_when=_failed
)
@limiter.limit(_login_limit_account, key_func=_account_key, methods=["POST"], deduct_when=_failed)
def login() -> Any:
    """The sign-in form; on success go to ``next`` when it is a path on this site."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data, url_for("admin.dashboard")))
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        user = db.session.execute(select(User).where(User.email == email)).scalar()
        if user is not None and user.is_active and user.check_password(form.password.data or ""):
            login_user(user, remember=bool(form.remember.data))
            user.last_login_at = utcnow()
            record("user.login", user, _("Signed in"))
            db.session.commit()
            return redirect(safe_next(form.next.data, url_for("admin.dashboard")))
        log.info("failed sign-in for %s from %s", email, get_remote_address())
        form.password.errors = [_("The email or password is wrong.")]
    return render_template("admin/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """Sign out (a POST with a CSRF token, so no page can sign a user out)."""
    if current_user.is_authenticated:
        record("user.logout", current_user, _("Signed out"))
        db.session.commit()
    logout_user()
    flash(_("You have been signed out."), "info")
    return redirect(url_for("admin.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> Any:
    """Change one's own password after confirming the current one."""
    form = PasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data or ""):
            form.current.errors = [_("The current password is wrong.")]
        else:
            current_user.set_password(form.new.data or "")
            record("user.password", current_user, _("Changed their password"))
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("admin.dashboard"))
    return render_template("admin/password.html", form=form)
