"""Signing in and out, and changing one's password."""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from sqlalchemy import select

from cms.admin import bp
from cms.admin.forms import LoginForm, PasswordForm
from cms.admin.users import change_own_password
from cms.audit import record
from cms.extensions import db, limiter
from cms.form_status import form_status
from cms.limit_keys import client_key, keyed
from cms.models import User, utcnow
from cms.models.users import verify_password
from cms.security import safe_next
from cms.sessions import (
    current_session_id,
    end_session,
    end_sessions,
    sessions_of,
    sign_in,
    sign_out,
)

log = logging.getLogger(__name__)


def _account_key() -> str:
    return keyed("login-account", request.form.get("email", "").strip().lower()[:254])


def _failed(response: Any) -> bool:
    """Only failed sign-ins count towards the limits: a success redirects, and an
    answer of 500 or more (the database busy or down) checked no password."""
    return response.status_code != 302 and response.status_code < 500


def _login_limit_address() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def _login_limit_account() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit_address, key_func=client_key, methods=["POST"], deduct_when=_failed)
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
        # One hash check whether or not the account exists (no timing difference).
        if verify_password(user, form.password.data or "") and user is not None:
            sign_in(user, remember=bool(form.remember.data))
            user.last_login_at = utcnow()
            record("user.login", user, _("Signed in"))
            db.session.commit()
            return redirect(safe_next(form.next.data, url_for("admin.dashboard")))
        log.info("failed sign-in for %s from %s", email, get_remote_address())
        form.password.errors = [_("The email or password is wrong.")]
    return render_template("admin/login.html", form=form), form_status()


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """Sign out (a POST with a CSRF token, so no page can sign a user out).

    The session row is deleted, so copies of this browser's session and
    remember-me cookies stop working too.
    """
    if current_user.is_authenticated:
        record("user.logout", current_user, _("Signed out"))
    sign_out()
    db.session.commit()
    flash(_("You have been signed out."), "info")
    return redirect(url_for("admin.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> Any:
    """Change one's own password after confirming the current one.

    Every other browser of the user is signed out; this one stays signed in
    under a new session secret.
    """
    form = PasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data or ""):
            form.current.errors = [_("The current password is wrong.")]
        else:
            user = db.session.get_one(User, current_user.id)
            change_own_password(user, form.new.data or "")
            record("user.password", user, _("Changed their password"))
            db.session.commit()
            flash(
                _("Your password has been changed; other devices have been signed out."), "success"
            )
            return redirect(url_for("admin.dashboard"))
    return render_template("admin/password.html", form=form), form_status()


@bp.route("/sessions")
@login_required
def sessions() -> Any:
    """The browsers signed in to one's account, with a way to sign each out."""
    user = db.session.get_one(User, current_user.id)
    return render_template(
        "admin/sessions.html", rows=sessions_of(user), current_id=current_session_id()
    )


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def session_end(session_id: int) -> Any:
    """Sign one of one's browsers out (this one: a plain sign-out)."""
    if session_id == current_session_id():
        return logout()
    user = db.session.get_one(User, current_user.id)
    if not end_session(user, session_id):
        abort(404)
    record("user.session_end", user, _("Signed out another device"))
    db.session.commit()
    flash(_("That device has been signed out."), "success")
    return redirect(url_for("admin.sessions"))


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def sessions_end_others() -> Any:
    """Sign out every other browser of one's account; this one stays signed in."""
    user = db.session.get_one(User, current_user.id)
    ended = end_sessions(user, keep=current_session_id())
    if ended:
        record("user.session_end", user, _("Signed out every other device"), count=ended)
    db.session.commit()
    flash(_("Other devices signed out: %(num)d.", num=ended), "success")
    return redirect(url_for("admin.sessions"))
