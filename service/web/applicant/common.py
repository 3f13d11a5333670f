"""What every applicant page shares: the blueprint, the browser session's applications, the
partnership of the URL, the unit of work to read with, and helpers for the step forms.

The applicant is known by the browser session only: it remembers the numbers of the
applications started or opened in it (:func:`remember`), and a page opens an application only
when it is one of them (:func:`own`). Everything shown is read through the operations
(service/operations/applications.py, uploads.py) with :func:`reading` or, to change
something, the request's unit of work; nothing here queries a model.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, request, session
from wtforms import FieldList, FormField

from ...models import Application, Partnership
from ...operations import applications as ops
from ...uow import UnitOfWork
from ..address import is_youth as is_youth
from ..address import speak_to
from ..uow import current_uow

bp = Blueprint("apply", __name__, url_prefix="/p/<slug>")

# the applicant's keys of the browser session (the staff's live apart: web/auth.py)
SESSION_KEY = "applications"
ENDED_KEY = "ended_applications"
SEEN_KEY = "applicant_seen"
# a resume link's token, until its button is pressed
RESUME_TOKEN_KEY = "resume_token"  # noqa: S105 – the name of a session key, no secret
APPLICANT_KEYS = (SESSION_KEY, ENDED_KEY, SEEN_KEY, "visitor", RESUME_TOKEN_KEY)
# The largest step (60 cost lines × 7 inputs) stays well below this; more is an attack (R5).
MAX_FIELDS = 1000


# -- the request's context --------------------------------------------------------------------


# the actor of the reading unit of work: it records nothing (see :func:`reading`)
def reading() -> UnitOfWork:
    """The request's unit of work, for a page that only reads.

    Reading names nobody: the unit of work asks for the applicant's pseudonym (``visitor``
    in the session, service/web/uow.py) only when a use case records who acted, so after
    "Abmelden" the browser carries none until the person acts again (issue 14)."""
    return current_uow()


def now() -> int:
    """The current instant as seconds since the epoch (the session's idle clock)."""
    return int(reading().clock.now().timestamp())


def partnership_or_404(slug: str) -> Partnership:
    """The partnership of the URL, or the 404 page."""
    found = ops.partnership_by_slug(reading(), slug)
    if found is None:
        abort(404)
    return found


# -- the browser session's applications ---------------------------------------------------------


def remember(application: Application) -> None:
    """This browser session may work on ``application`` from now on."""
    # not permanent: the cookie ends with the browser, and after APPLICANT_SESSION_IDLE_MINUTES
    # without a request the session forgets its applications (issue 14: it lived 31 days)
    session[SEEN_KEY] = now()
    owned = [i for i in session.get(SESSION_KEY, []) if i != application.id]
    session[SESSION_KEY] = [*owned, application.id][-50:]


def owned_ids() -> list[int]:
    """The numbers of the applications this browser session may work on."""
    return list(session.get(SESSION_KEY, []))


def own(partnership: Partnership, app_id: int) -> Application | None:
    """The application if this browser session may work on it, else None. The page then
    speaks to its applicant: "du" in a youth fund (service/web/address.py)."""
    if app_id not in session.get(SESSION_KEY, []):
        return None
    application = ops.find_application(reading(), partnership, app_id)
    if application is not None:
        speak_to(application.fund)
    return application


def own_or_404(partnership: Partnership, app_id: int) -> Application:
    """The application if this browser session may work on it, else the 404 page – the same
    for another person's application as for a missing one (issue 14)."""
    application = own(partnership, app_id)
    if application is None:
        abort(404)
    return application


def ended_here(app_id: int) -> bool:
    """Whether ``app_id`` belonged to this browser's session before it ended (idle)."""
    return app_id in session.get(ENDED_KEY, [])


def forget_applicant() -> None:
    """End the applicant session: the browser no longer knows any application."""
    for key in APPLICANT_KEYS:
        session.pop(key, None)


@bp.before_request
def end_idle_session() -> None:
    """An applicant session idle for longer than APPLICANT_SESSION_IDLE_MINUTES forgets its
    applications. Their numbers stay as "ended", so that a form sent after the end still
    shows what was typed (R14) – for this browser's own applications only."""
    if not session.get(SESSION_KEY):
        return
    current = now()
    seen = session.get(SEEN_KEY)
    idle = int(current_app.config["APPLICANT_SESSION_IDLE_MINUTES"]) * 60
    if isinstance(seen, int) and current - seen > idle:
        ended = [*session.get(ENDED_KEY, []), *session.pop(SESSION_KEY)]
        session[ENDED_KEY] = ended[-50:]
        session.pop(SEEN_KEY, None)
        return
    if not isinstance(seen, int) or current - seen >= 60:  # not a new cookie on every request
        session[SEEN_KEY] = current


@bp.before_request
def refuse_too_many_fields() -> None:
    if request.method == "POST" and len(request.form) > MAX_FIELDS:
        abort(413)


# -- step forms ---------------------------------------------------------------------------------


def all_fields(form: Any) -> list[Any]:
    """The form's input fields, the rows' and sub-forms' fields included."""
    found: list[Any] = []

    def walk(field: Any) -> None:
        if isinstance(field, FormField):
            for sub in field.form:
                walk(sub)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                walk(entry)
        else:
            found.append(field)

    for field in form:
        walk(field)
    return found


def clear_errors(form: Any) -> Any:
    """Forget the validation errors (a row added or removed is no attempt to send yet); what
    could not even be read as typed keeps its message."""
    for field in all_fields(form):
        if not getattr(field, "process_errors", None):
            field.errors = []
    return form
