"""Staff login and logout (R16), the production configuration check (R17); changing and
resetting a password (issue 14) live in :mod:`.passwords`."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..config import DEFAULTS
from ..domain.messages import N_, Message
from ..links import InvalidBaseUrl, parse_base_url
from ..operations import staff as ops
from . import passwords
from .proxy import client_address
from .signed_in import SESSION_KEY, current_staff
from .uow import current_uow

log = logging.getLogger("foerderwerk.auth")

bp = Blueprint("auth", __name__)
# changing and resetting a password: their views live in .passwords, their endpoints are the
# login blueprint's ("auth.password_change" …), as the links in mails already sent name them
passwords.add_routes(bp)

MIN_SECRET_KEY_LENGTH = 32


class InsecureConfiguration(RuntimeError):
    """The app must not start like this in production.

    ``problems`` holds each problem as a translatable message, for ``foerderwerk serve`` to
    say in German what to change; the exception text stays English for logs."""

    def __init__(self, message: str, problems: tuple[Message, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


def check_production_config(config: dict[str, object]) -> None:
    """Refuse DEBUG and a weak SECRET_KEY in production; harden the cookies there."""
    if str(config.get("ENV", "")).lower() != "production":
        return
    problems = []
    messages: list[Message] = []
    if config.get("DEBUG"):
        problems.append("DEBUG is on")
        messages.append(Message(N_("Debug mode is on. Switch it off (FLASK_DEBUG=0).")))
    if config.get("TODAY"):
        problems.append("TODAY pins the date (demonstrations only)")
        messages.append(
            Message(
                N_(
                    "FOERDERWERK_TODAY pins the date; it is meant for demonstrations only. "
                    "Remove it."
                )
            )
        )
    base = str(config.get("BASE_URL") or "")
    try:
        scheme = parse_base_url(base)[0] if base else ""
    except InvalidBaseUrl:
        scheme = "invalid"
    if scheme != "https":
        problems.append("BASE_URL is missing or not an https:// address")
        messages.append(
            Message(
                N_(
                    "FOERDERWERK_BASE_URL must be the public https:// address of the service, "
                    "for example https://foerderwerk.kommune.example – every link in e-mails "
                    "and documents is built from it."
                )
            )
        )
    secret = str(config.get("SECRET_KEY") or "")
    if (
        len(secret) < MIN_SECRET_KEY_LENGTH
        or secret == DEFAULTS["SECRET_KEY"]
        or len(set(secret)) < 10
    ):
        problems.append(
            f"SECRET_KEY is weak (use at least {MIN_SECRET_KEY_LENGTH} random characters, "
            "e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
        messages.append(
            Message(
                N_(
                    "FOERDERWERK_SECRET_KEY is missing or too weak. Set it to at least "
                    "%(length)s random characters, for example the output of: "
                    "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
                ),
                {"length": MIN_SECRET_KEY_LENGTH},
            )
        )
    if problems:
        raise InsecureConfiguration(
            "refusing to start in production: " + "; ".join(problems), tuple(messages)
        )
    config["SESSION_COOKIE_SECURE"] = True
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    # only paths on this site: no scheme, no host, no protocol-relative //evil.example
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/anmelden", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if request.method == "GET":
        return _login_page()
    email = request.form.get("email", "")[:254]
    password = request.form.get("password", "")[:1024]
    # the request commits when the view returned: failed attempts count too
    result = ops.log_in(current_uow(), email, password, client_address())
    if result.result is ops.LoginResult.limited:
        return _login_page(
            email,
            _("Too many failed attempts. Please wait 15 minutes and try again."),
            429,
        )
    if result.result is ops.LoginResult.refused or result.token is None:
        # the same words for an unknown account, a wrong password and a locked account
        return _login_page(email, _("E-mail address or password is not correct."), 200)
    session.clear()
    session[SESSION_KEY] = result.token
    target = _safe_next(request.args.get("next"))
    return redirect(target or url_for("auth.home"))


def _login_page(
    email: str = "", error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    return render_template("staff/login.html", email=email, error=error), status


@bp.post("/abmelden")
def logout() -> ResponseReturnValue:
    ops.log_out(current_uow(), session.get(SESSION_KEY))
    session.clear()
    flash(_("You have been signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/intern")
def home() -> ResponseReturnValue:
    user = current_staff()
    if user is None:  # the policy sends anonymous visitors to the login first
        return redirect(url_for("auth.login"))
    partnerships = ops.partnerships_of(user)
    if len(partnerships) == 1:
        return redirect(url_for("staff.start", slug=partnerships[0].slug))
    return render_template("staff/home.html", partnerships=partnerships)


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    check_production_config(app.config)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.register_blueprint(bp)

    @app.context_processor
    def _staff_context() -> dict[str, object]:
        return {"current_staff": current_staff}
