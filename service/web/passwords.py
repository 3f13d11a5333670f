"""Staff passwords (issue 14): the user's own change, and a reset by an e-mailed link.

The reset link (``/anmelden/passwort-neu/<token>``) works once and for 60 minutes; it is built
from the configured site address (service/links.py), never from the request's host. Opening
it only moves the token into the browser session and redirects to the token-free form page,
so the token does not stay in the address bar, the history or a Referer (as R15 asks of the
applicants' links). Whether an address has an account is never told: the request page says
the same for every address.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from .. import db, mail_texts
from ..adapters.mail import outbox
from ..adapters.mail.transport import Mail
from ..domain.passwords import MAX_LENGTH, MIN_LENGTH
from ..i18n import BabelLocalizer
from ..links import site_url
from ..operations import staff as ops
from .proxy import client_address
from .signed_in import SESSION_KEY, current_staff
from .uow import current_uow

RESET_KEY = "password_reset_token"


def _rendered(error: ops.WeakPassword) -> list[str]:
    localizer = BabelLocalizer()
    return [problem.render(localizer) for problem in error.problems]


def _form_password(name: str) -> str:
    return request.form.get(name, "")[: MAX_LENGTH + 1]


def password_change() -> ResponseReturnValue:
    user = current_staff()
    if user is None:  # the policy sends anonymous visitors to the login first
        return redirect(url_for("auth.login"))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        current = _form_password("current")
        new = _form_password("new")
        if new != _form_password("repeat"):
            errors["repeat"] = [_("The two new passwords differ. Please enter it twice alike.")]
        else:
            try:
                ops.change_password(
                    current_uow(),
                    user,
                    current,
                    new,
                    token=session.get(SESSION_KEY),
                    address=client_address(),
                )
            # caught here, not by the one handler: the form is shown again with the message
            # at its field – and the failed attempt must be counted, so the request commits
            # (failed attempts count, a success is kept: it commits either way)
            except (ops.TooManyAttempts, ops.WrongPassword) as error:
                errors["current"] = [error.render(BabelLocalizer())]
            except ops.WeakPassword as error:
                errors["new"] = _rendered(error)
            if not errors:
                flash(
                    _("Your password has been changed. You have been signed out everywhere else."),
                    "success",
                )
                return redirect(url_for("auth.home"))
    return render_template("staff/password_change.html", errors=errors, min_length=MIN_LENGTH), (
        422 if errors else 200
    )


def password_forgot() -> ResponseReturnValue:
    sent = False
    email = ""
    if request.method == "POST":
        email = request.form.get("email", "").strip()[:254]
        # the request's unit of work (committed when the view returned) binds the mail
        # transport when it is built
        uow = current_uow()
        try:
            user, token = ops.request_password_reset(uow, email, client_address())
        except LookupError:
            pass
        else:
            _queue_reset_mail(user.email, token)
        # the same page for every address: nobody learns who has an account
        sent = True
    return render_template("staff/password_forgot.html", sent=sent, email=email)


def _queue_reset_mail(email: str, token: str) -> None:
    body = mail_texts.password_reset_body(
        link=site_url("auth.password_reset_link", token=token),
        minutes=int(ops.RESET_LIFETIME.total_seconds() // 60),
        login=site_url("auth.login"),
    )
    # sent by the background sender: a mail delivered before the answer would make the
    # answer for a known address measurably slower than for an unknown one
    outbox.queue_mail(
        db.session(),
        Mail(to=email, subject=mail_texts.password_reset_subject(), body=body),
        background=True,
    )


def password_reset_link(token: str) -> ResponseReturnValue:
    # no state change on GET: the token waits in the session for the form's POST
    session[RESET_KEY] = token[:200]
    return redirect(url_for("auth.password_reset"))


def password_reset() -> ResponseReturnValue:
    token = session.get(RESET_KEY)
    try:
        user = ops.reset_link_user(db.session(), token)
    except ops.InvalidResetLink:
        session.pop(RESET_KEY, None)
        return render_template("staff/password_reset.html", valid=False), 410
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        new = _form_password("new")
        if new != _form_password("repeat"):
            errors["repeat"] = [_("The two new passwords differ. Please enter it twice alike.")]
        else:
            try:
                ops.reset_password(current_uow(), token, new, client_address())
            except ops.WeakPassword as error:
                errors["new"] = _rendered(error)
            except ops.InvalidResetLink:  # used up meanwhile, in another tab
                session.pop(RESET_KEY, None)
                return render_template("staff/password_reset.html", valid=False), 410
            else:
                session.clear()  # whoever was signed in in this browser is not any more
                flash(_("Your new password is set. Please sign in with it."), "success")
                return redirect(url_for("auth.login"))
    return render_template(
        "staff/password_reset.html",
        valid=True,
        email=user.email,
        errors=errors,
        min_length=MIN_LENGTH,
    ), (422 if errors else 200)


def add_routes(bp: Blueprint) -> None:
    """Add the password pages to the login blueprint ``bp`` (service/web/auth.py, before it
    is registered): added there, not imported from there, so neither module imports the
    other's blueprint back."""
    both = ["GET", "POST"]
    bp.add_url_rule("/intern/passwort", view_func=password_change, methods=both)
    bp.add_url_rule("/anmelden/passwort-vergessen", view_func=password_forgot, methods=both)
    bp.add_url_rule("/anmelden/passwort-neu/<token>", view_func=password_reset_link)
    bp.add_url_rule("/anmelden/passwort-neu", view_func=password_reset, methods=both)
