"""Cross-site request protection besides the form token (R14).

Flask-WTF's ``WTF_CSRF_SSL_STRICT`` refuses every HTTPS POST without a ``Referer`` of this site
(issue 14: a browser or privacy add-on that sends no Referer could submit no form at all). It
is switched off; instead the browser's own statements about where a request comes from are
checked, and only when it makes them:

* ``Sec-Fetch-Site: cross-site`` or ``same-site`` (another site, or a sibling sub-domain) –
  refused;
* an ``Origin`` that is neither the configured site (``BASE_URL``, service/links.py) nor the
  address the request was sent to (a host the trusted-host check let through) – refused.

A POST with neither header – old browsers, privacy settings – is accepted when its form token
is valid: the token (Flask-WTF, bound to the session) is what proves the form came from our
page; the headers only refuse earlier and more plainly what a browser says is foreign.
``Origin: null`` (sandboxed frames, some privacy settings, Chrome under a no-referrer policy)
decides nothing by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, flash, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from ..links import base_url, parse_base_url

_STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FOREIGN_FETCH_SITES = frozenset({"cross-site", "same-site"})


def _exempt() -> bool:
    # the check API is a public JSON interface without cookies or form tokens (csrf.exempt)
    return request.path.startswith("/api/") or request.blueprint == "api_check"


def _allowed_origins() -> set[str]:
    origins = {f"{request.scheme}://{request.host}".lower()}
    if current_app.config.get("BASE_URL"):
        scheme, netloc, _prefix = parse_base_url(base_url())
        origins.add(f"{scheme}://{netloc}")
    return origins


def is_cross_site() -> bool:
    """Whether the browser says this request was sent from another site."""
    if request.headers.get("Sec-Fetch-Site", "").strip().lower() in _FOREIGN_FETCH_SITES:
        return True
    origin = request.headers.get("Origin", "").strip().lower().rstrip("/")
    return bool(origin) and origin != "null" and origin not in _allowed_origins()


def check_origin() -> ResponseReturnValue | None:
    if request.method not in _STATE_CHANGING or _exempt() or not is_cross_site():
        return None
    current_app.logger.warning(
        "cross-site %s %s refused (Origin %r, Sec-Fetch-Site %r)",
        request.method,
        request.path,
        request.headers.get("Origin", "")[:100],
        request.headers.get("Sec-Fetch-Site", "")[:30],
    )
    return (
        render_template(
            "error.html",
            title=_("This form was sent from another website"),
            hint=_(
                "For your security we only accept forms sent from the pages of this service. "
                "Please open the service at its usual address, fill in the form there and "
                "send it again."
            ),
            code=403,
        ),
        403,
        {"Cache-Control": "no-store"},
    )


def init_app(app: Flask) -> None:
    # replaced by check_origin: the form token stays required (Flask-WTF, CSRFProtect)
    app.config["WTF_CSRF_SSL_STRICT"] = False
    app.before_request(check_origin)
    app.register_error_handler(CSRFError, form_expired)
    app.jinja_env.globals.update(kept=kept, kept_checked=kept_checked)


# --- an expired form token on a staff form: the same page again, WITH the typed text (R14) --

# The form's endpoint → the page that shows it (its URL arguments are a subset of the form's).
# Every staff form that takes typed text; password forms are not among them – a password is
# never written back into a page.
KEPT_FORMS: dict[str, str] = {
    "staff.formal_check": "staff.application",
    "staff.comment": "staff.application",
    "staff.request_info": "staff.application",
    "staff.notice_issue": "staff.notices",
    "staff.notice_amend": "staff.notices",
    "staff.notice_waiver_record": "staff.notice_waiver",
    "staff.session_new": "staff.sessions",
    "staff.session_attendance": "staff.session",
    "staff.session_item": "staff.session",
    "staff.session_edit_save": "staff.session_edit",
    "staff.session_cancel": "staff.session_cancel_confirm",
    "staff.session_next": "staff.session",
    "staff.regenerate_start": "staff.regenerate",
}
# Sign-in and "forgot password": their page takes the typed e-mail address (never the password).
_EMAIL_FORMS = {
    "auth.login": "staff/login.html",
    "auth.password_forgot": "staff/password_forgot.html",
}


@dataclass(frozen=True)
class KeptForm:
    action: str  # the path the form posts to: only that form on the page gets the values
    values: MultiDict[str, str]


def kept_values() -> MultiDict[str, str]:
    """The posted values to show again (never the token, never a password)."""
    kept: MultiDict[str, str] = MultiDict()
    for key, value in request.form.items(multi=True):
        if key == "csrf_token" or "password" in key.lower():
            continue
        kept.add(key, value)
    return kept


def kept(action: str, name: str, default: object = "") -> object:
    """In a template: the value typed into ``name`` of the form posting to ``action`` when its
    token had expired, else ``default`` (what the page shows normally)."""
    form: KeptForm | None = g.get("kept_form")
    if form is None or form.action != action:
        return default
    return form.values.get(name, "")


def kept_checked(action: str, name: str, value: str, default: bool) -> bool:
    """For checkboxes, radio buttons and options: whether ``value`` was chosen."""
    form: KeptForm | None = g.get("kept_form")
    if form is None or form.action != action:
        return default
    return value in form.values.getlist(name)


def _expired_note() -> str:
    return str(
        _(
            "For your security this form expired before it was sent. Nothing you typed is "
            "lost: please check your entries below and send the form again."
        )
    )


def _page_again(page: str) -> ResponseReturnValue:
    from . import policy

    # The token is checked before the route's policy: without this the page would be shown
    # to whoever sent the form.
    try:
        refused = policy.enforce()
    except HTTPException as exc:
        return current_app.handle_http_exception(exc)
    if refused is not None:
        return refused
    args = request.view_args or {}
    wanted = set().union(*(rule.arguments for rule in current_app.url_map.iter_rules(page)))
    g.kept_form = KeptForm(request.path, kept_values())
    flash(_expired_note(), "error")
    try:
        view: Any = current_app.view_functions[page]  # any view's answer, as Flask takes it
        response = current_app.make_response(view(**{k: v for k, v in args.items() if k in wanted}))
    except HTTPException as exc:
        return current_app.handle_http_exception(exc)
    response.status_code = 400
    response.headers["Cache-Control"] = "no-store"
    return response


def form_expired(error: CSRFError) -> ResponseReturnValue:
    """An expired or missing form token outside the applicant's wizard (which has its own)."""
    endpoint = request.endpoint or ""
    if endpoint in KEPT_FORMS:
        return _page_again(KEPT_FORMS[endpoint])
    if endpoint in _EMAIL_FORMS:
        email = request.form.get("email", "").strip()[:254]
        return (
            render_template(_EMAIL_FORMS[endpoint], email=email, error=_expired_note()),
            400,
            {"Cache-Control": "no-store"},
        )
    return expired_form_page()


def expired_form_page() -> ResponseReturnValue:
    """The German 400 page for an expired form token where no form can be shown again
    (staff and applicant side alike)."""
    return (
        render_template(
            "error.html",
            title=_("The form has expired"),
            hint=_(
                "For your security forms expire after a while. Please go back, reload the "
                "page and send it again."
            ),
            code=400,
        ),
        400,
    )
