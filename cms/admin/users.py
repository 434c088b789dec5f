"""Back office: users (list, create, edit, deactivate, reset password) and API tokens.

Administrators manage every user and every user's tokens; any signed-in user
sees, creates and revokes their own tokens at ``/admin/tokens``. The rules
(unique emails, known roles, at least one active administrator...) live in the
service functions below, so the API and the CLI can apply the same ones.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cms.admin import bp
from cms.admin.menu import MenuItem
from cms.admin.permissions import role_required
from cms.admin.user_forms import (
    PASSWORD_MIN,
    ROLE_LABELS,
    PasswordResetForm,
    TokenForm,
    UserCreateForm,
    UserEditForm,
    is_email,
    normalise_email,
)
from cms.audit import record
from cms.content.errors import ContentError
from cms.extensions import db
from cms.form_status import form_status
from cms.models import ROLES, ApiToken, User, utcnow
from cms.sessions import current_session_id, end_sessions, renew_session, sessions_of

#: Menu entries of these screens.
MENU = [
    MenuItem("admin.users", _l("Users"), roles=("admin",), order=60, section="admin.user"),
    MenuItem("admin.tokens", _l("API tokens"), order=70, section="admin.token"),
]


# -- services ---------------------------------------------------------------------------------


def find_user_by_email(email: str, *, exclude: User | None = None) -> User | None:
    """The user with ``email`` (compared case-insensitively), other than ``exclude``."""
    query = select(User).where(func.lower(User.email) == normalise_email(email))
    if exclude is not None and exclude.id is not None:
        query = query.where(User.id != exclude.id)
    return db.session.execute(query.limit(1)).scalar()


def other_active_admins(user: User) -> int:
    """How many active administrators there are besides ``user``.

    The rows are locked (``FOR UPDATE`` where the database supports it), so two
    administrators demoting each other at the same moment cannot both succeed.
    """
    rows = db.session.execute(
        select(User.id).where(User.role == "admin", User.active.is_(True)).with_for_update()
    ).scalars()
    return sum(1 for user_id in rows if user_id != user.id)


def user_errors(user: User | None, values: dict[str, Any], acting: Any) -> dict[str, str]:
    """Why ``values`` cannot be applied to ``user`` (``None``: a new user) by ``acting``.

    ``values`` may hold ``email``, ``role`` and ``active``; returns field -> message,
    empty when the change is allowed.
    """
    errors: dict[str, str] = {}
    if "email" in values:
        email = normalise_email(values["email"])
        if not is_email(email):
            errors["email"] = _("Enter a valid email address, like name@example.org.")
        elif find_user_by_email(email, exclude=user) is not None:
            errors["email"] = _("Another user already has this email address.")
    role = values.get("role", user.role if user is not None else "author")
    active = bool(values.get("active", user.active if user is not None else True))
    if role not in ROLES:
        errors["role"] = _("Choose one of the listed roles.")
    if user is None or errors:
        return errors
    is_self = acting is not None and getattr(acting, "id", None) == user.id
    if is_self and role != "admin" and user.role == "admin":
        errors["role"] = _("You cannot remove your own administrator role.")
    if is_self and not active and user.active:
        errors["active"] = _("You cannot deactivate your own account.")
    if errors:
        return errors
    loses_admin = user.role == "admin" and user.active and (role != "admin" or not active)
    if loses_admin and other_active_admins(user) == 0:
        field = "role" if role != "admin" else "active"
        errors[field] = _("At least one active administrator must remain.")
    return errors


def create_user(values: dict[str, Any], acting: Any = None) -> User:
    """Add a user from ``email``, ``name``, ``role`` and ``password`` (the caller commits).

    Raises :class:`ContentError` when the values break a rule; nothing is added then.
    """
    errors = user_errors(None, values, acting)
    password = values.get("password") or ""
    if len(password) < PASSWORD_MIN:
        errors["password"] = _("Use at least %(min)d characters.", min=PASSWORD_MIN)
    if errors:
        raise ContentError(errors)
    user = User(
        email=normalise_email(values["email"]),
        name=str(values.get("name") or "").strip(),
        role=values.get("role") or "author",
        active=True,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, values: dict[str, Any], acting: Any = None) -> dict[str, list[Any]]:
    """Apply ``email``, ``name``, ``role`` and ``active`` to ``user`` (the caller commits).

    Returns what changed as field -> ``[old, new]``. Raises :class:`ContentError`
    (leaving ``user`` untouched) when a rule forbids the change. A new role or
    a deactivation ends every sign-in session of the user.
    """
    clean = {
        "email": normalise_email,
        "name": lambda v: str(v or "").strip(),
        "role": lambda v: v,
        "active": bool,
    }
    wanted = {k: convert(values[k]) for k, convert in clean.items() if k in values}
    changes = {k: [getattr(user, k), v] for k, v in wanted.items() if getattr(user, k) != v}
    if not changes:
        return {}
    checked: dict[str, Any] = {k: wanted[k] for k in ("email", "role", "active") if k in changes}
    errors = user_errors(user, checked, acting)
    if errors:
        raise ContentError(errors)
    for key, (_old, new) in changes.items():
        setattr(user, key, new)
    if "role" in changes or "active" in changes:
        end_sessions(user)
    return changes


def _check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise ContentError({"password": _("Use at least %(min)d characters.", min=PASSWORD_MIN)})


def set_password_by_admin(user: User, password: str) -> None:
    """Give ``user`` a new password chosen by an administrator (the caller commits).

    Every sign-in session of the user ends. Raises :class:`ContentError` for a
    password that is too short.
    """
    _check_password(password)
    user.set_password(password)
    end_sessions(user)


def change_own_password(user: User, password: str) -> None:
    """The signed-in ``user`` sets a new password (the caller commits).

    Every other session of the user ends; the current browser is signed in
    again under a new session secret. Raises :class:`ContentError` for a
    password that is too short.
    """
    _check_password(password)
    user.set_password(password)
    renew_session(user)


def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create an API token for ``user``; returns the row and the secret (shown only once).

    Raises :class:`ContentError` for a deactivated user or an empty name.
    """
    name = name.strip()
    if not name:
        raise ContentError({"name": _("Give the token a name, e.g. the program that uses it.")})
    if not user.active:
        raise ContentError(
            {"name": _("This user is deactivated: reactivate them before creating a token.")}
        )
    row, secret = ApiToken.issue(user, name=name[:120])
    db.session.add(row)
    db.session.flush()
    return row, secret


def revoke_token(token: ApiToken) -> bool:
    """Revoke ``token`` at once; returns ``False`` when it already was (the caller commits)."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    return True


def tokens_of(user: User) -> list[ApiToken]:
    """The tokens of ``user``: active ones first, newest first."""
    return list(
        db.session.execute(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(
                ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc()
            )
        ).scalars()
    )


# -- views ------------------------------------------------------------------------------------


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _show_errors(form: Any, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        target = getattr(form, name, None)
        if target is not None:
            target.errors = [*target.errors, message]
        else:
            flash(message, "error")


def _duplicate_email(form: Any) -> None:
    db.session.rollback()
    form.email.errors = [_("Another user already has this email address.")]


def _no_store(html: str) -> Any:
    """A page that holds a secret: no cache may keep it."""
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/users")
@role_required("admin")
def users() -> Any:
    """Every user with their role, state and last sign-in."""
    rows = db.session.execute(select(User).order_by(User.email)).scalars().all()
    return render_template("admin/users/index.html", users=rows, role_labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def user_new() -> Any:
    """Create a user with a role and a first password."""
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                {
                    "email": form.email.data,
                    "name": form.name.data,
                    "role": form.role.data,
                    "password": form.password.data,
                },
                acting=current_user,
            )
            record(
                "user.create",
                user,
                _("Created user %(email)s (%(role)s)", email=user.email, role=user.role),
                email=user.email,
                role=user.role,
            )
            db.session.commit()
        except ContentError as exc:
            db.session.rollback()
            _show_errors(form, exc.errors)
        except IntegrityError:  # the same email was added meanwhile
            _duplicate_email(form)
        else:
            flash(_("User %(email)s created.", email=user.email), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/users/new.html", form=form), form_status()


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user_edit(user_id: int) -> Any:
    """Edit a user's email, name, role and state."""
    user = _user_or_404(user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        try:
            changes = update_user(
                user,
                {
                    "email": form.email.data,
                    "name": form.name.data,
                    "role": form.role.data,
                    "active": form.active.data,
                },
                acting=current_user,
            )
            if not changes:
                flash(_("Nothing changed."), "info")
                return redirect(url_for("admin.user_edit", user_id=user.id))
            _record_update(user, changes)
            db.session.commit()
        except ContentError as exc:
            db.session.rollback()
            _show_errors(form, exc.errors)
        except IntegrityError:
            _duplicate_email(form)
        else:
            flash(_("User %(email)s saved.", email=user.email), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    active_tokens = sum(1 for t in user.tokens if t.revoked_at is None)
    return render_template(
        "admin/users/edit.html",
        form=form,
        user=user,
        role_labels=ROLE_LABELS,
        active_tokens=active_tokens,
        signed_in_devices=len(sessions_of(user)),
    ), form_status()


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
@role_required("admin")
def user_sessions_end(user_id: int) -> Any:
    """Sign a user out of every browser (an administrator's own current one excepted)."""
    user = _user_or_404(user_id)
    keep = current_session_id() if user.id == current_user.id else None
    ended = end_sessions(user, keep=keep)
    record(
        "user.session_end",
        user,
        _("Signed %(email)s out of every device", email=user.email),
        count=ended,
    )
    db.session.commit()
    flash(_("Devices signed out: %(num)d.", num=ended), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


def _record_update(user: User, changes: dict[str, list[Any]]) -> None:
    """One entry for the state change (deactivate/reactivate), one for the other fields."""
    if "active" in changes:
        _record_state(user)
    others = {k: v for k, v in changes.items() if k != "active"}
    if others:
        record(
            "user.update",
            user,
            _(
                "Updated user %(email)s: %(fields)s",
                email=user.email,
                fields=", ".join(sorted(others)),
            ),
            changes=others,
        )


def _record_state(user: User) -> None:
    if user.active:
        record("user.reactivate", user, _("Reactivated user %(email)s", email=user.email))
    else:
        record("user.deactivate", user, _("Deactivated user %(email)s", email=user.email))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required("admin")
def user_active(user_id: int) -> Any:
    """Deactivate (``action=deactivate``) or reactivate (``action=activate``) a user."""
    user = _user_or_404(user_id)
    action = request.form.get("action")
    if action not in ("activate", "deactivate"):
        abort(400)
    try:
        changes = update_user(user, {"active": action == "activate"}, acting=current_user)
    except ContentError as exc:
        db.session.rollback()
        for message in exc.errors.values():
            flash(message, "error")
    else:
        if changes:
            _record_state(user)
            db.session.commit()
        if user.active:
            flash(_("%(email)s may sign in again.", email=user.email), "success")
        else:
            flash(
                _(
                    "%(email)s is deactivated: they cannot sign in or use their API tokens.",
                    email=user.email,
                ),
                "success",
            )
    return redirect(
        request.form.get("back") == "list"
        and url_for("admin.users")
        or url_for("admin.user_edit", user_id=user.id)
    )


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@role_required("admin")
def user_password(user_id: int) -> Any:
    """An administrator sets a new password for a user."""
    user = _user_or_404(user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        set_password_by_admin(user, form.password.data or "")
        record("user.password_reset", user, _("Set a new password for %(email)s", email=user.email))
        db.session.commit()
        flash(_("The password of %(email)s has been changed.", email=user.email), "success")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/users/password.html", form=form, user=user), form_status()


def _tokens_page(user: User, admin_view: bool, form: TokenForm, secret: str | None = None) -> Any:
    own = user.id == current_user.id
    heading = _("Your API tokens") if own else _("API tokens of %(email)s", email=user.email)
    html = render_template(
        "admin/users/tokens.html",
        user=user,
        admin_view=admin_view,
        heading=heading,
        form=form,
        tokens=tokens_of(user),
        secret=secret,
    )
    return _no_store(html) if secret else html


def _create_token(user: User, admin_view: bool) -> Any:
    """Handle the token form; on success render the page with the secret, once."""
    form = TokenForm()
    if form.validate_on_submit():
        try:
            row, secret = issue_token(user, form.name.data or "")
        except ContentError as exc:
            db.session.rollback()
            _show_errors(form, exc.errors)
        else:
            record(
                "token.create",
                row,
                _(
                    "Created API token %(name)s (%(prefix)s…) for %(email)s",
                    name=row.name,
                    prefix=row.prefix,
                    email=user.email,
                ),
                user_email=user.email,
                prefix=row.prefix,
            )
            db.session.commit()
            return _tokens_page(user, admin_view, TokenForm(formdata=None), secret=secret)
    return _tokens_page(user, admin_view, form), form_status()


def _revoke(token: ApiToken) -> None:
    if revoke_token(token):
        record(
            "token.revoke",
            token,
            _(
                "Revoked API token %(name)s (%(prefix)s…) of %(email)s",
                name=token.name,
                prefix=token.prefix,
                email=token.user.email,
            ),
            user_email=token.user.email,
            prefix=token.prefix,
        )
        db.session.commit()
        flash(_("The token %(name)s is revoked: it no longer works.", name=token.name), "success")
    else:
        flash(_("The token %(name)s was already revoked.", name=token.name), "info")


@bp.route("/users/<int:user_id>/tokens", methods=["GET", "POST"])
@role_required("admin")
def user_tokens(user_id: int) -> Any:
    """A user's API tokens; an administrator may create and revoke them."""
    user = _user_or_404(user_id)
    return _create_token(user, admin_view=True)


@bp.route("/users/<int:user_id>/tokens/<int:token_id>/revoke", methods=["POST"])
@role_required("admin")
def user_token_revoke(user_id: int, token_id: int) -> Any:
    """Revoke one of a user's tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        abort(404)
    _revoke(token)
    return redirect(url_for("admin.user_tokens", user_id=user_id))


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens() -> Any:
    """One's own API tokens (every role): list, create, revoke."""
    return _create_token(db.session.get_one(User, current_user.id), admin_view=False)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def token_revoke(token_id: int) -> Any:
    """Revoke one of one's own tokens (another user's answers 404)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    _revoke(token)
    return redirect(url_for("admin.tokens"))
