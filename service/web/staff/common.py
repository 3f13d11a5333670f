"""Shared helpers of the back-office views: the blueprint, actor, scoped lookups, form
handling with mass-assignment protection (R13) and the version conflict page (R19)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Blueprint, Response, abort, g, render_template, request
from flask.typing import ResponseReturnValue

from ... import db
from ...models import Application, Partnership, StaffRole, StaffUser
from ...operations import audit
from ...operations import staff as ops
from .. import parse
from ..signed_in import current_staff
from ..uow import current_uow

log = logging.getLogger("foerderwerk.staff")

bp = Blueprint("staff", __name__, url_prefix="/p/<slug>/staff")

# The back office's stylesheet; outside /p/<slug>/ because a static view takes no slug.
assets = Blueprint(
    "staff_assets", __name__, static_folder="static", static_url_path="/static/staff"
)


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _context() -> dict[str, Any]:
    return {
        "partnership": g.get("partnership"),
        "roles": g.get("staff_roles", set()),
        "Role": StaffRole,
    }


def partnership() -> Partnership:
    found: Partnership | None = g.get("partnership")
    if found is None:  # the policy sets it for every staff route
        abort(404)
    return found


def user() -> StaffUser:
    found = current_staff()
    if found is None:
        abort(404)
    return found


def has_role(*roles: StaffRole) -> bool:
    return bool(set(g.get("staff_roles", set())) & set(roles))


def application_or_404(app_id: int) -> Application:
    found = ops.get_application(db.session(), partnership(), app_id)
    if found is None:
        abort(404)
    return found


def form_values(allowed: Iterable[str], prefixes: Iterable[str] = ()) -> dict[str, str]:
    """The posted fields this form has; anything else is ignored and logged (R13).

    A posted ``state=approved`` or ``approved_amount=999999`` must never reach a model.
    """
    allowed_set = set(allowed) | {"csrf_token"}
    prefix_tuple = tuple(prefixes)
    values: dict[str, str] = {}
    ignored: list[str] = []
    for key in request.form:
        if key in allowed_set or (prefix_tuple and key.startswith(prefix_tuple)):
            values[key] = request.form.get(key, "")
        else:
            ignored.append(key)
    if ignored:
        names = sorted({audit.escape(name)[:64] for name in ignored})[:20]
        log.warning("ignored unexpected form fields on %s: %s", request.endpoint, names)
        uow = current_uow()
        audit.record(
            uow.session,
            uow.actor,
            "request.ignored_fields",
            "endpoint",
            request.endpoint or "",
            partnership_id=partnership().id,
            fields=names,
        )
        # the entry must survive even when the change itself fails afterwards: the one
        # deliberate early commit of a request (nothing else is pending this early)
        uow.commit()
    values.pop("csrf_token", None)
    return values


def form_list(name: str) -> list[str]:
    return request.form.getlist(name)


def version_from(values: Mapping[str, str]) -> int:
    version = parse.integer(values.get("version"))
    if version is None:
        abort(400)
    return version


def conflict_page(
    title: str, yours: Mapping[str, Any], stored: Mapping[str, Any], back: str
) -> ResponseReturnValue:
    """Someone saved the record after this form was opened (R19): show both versions.
    Whatever the failed change flushed is discarded; the request then commits nothing.
    (A rollback by hand: the page shows both versions and returns normally, so the one
    refusal handler never sees it.)"""
    current_uow().rollback()
    return (
        render_template("staff/conflict.html", title=title, yours=yours, stored=stored, back=back),
        409,
    )
