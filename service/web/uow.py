"""The unit of work of a web request: built on first use, committed when the view returned,
rolled back when it raised (``Foerderwerk.view_returned`` in service/app_factory.py, where
:func:`service.web.init_app` registers :func:`commit_request`).

Views get it with :func:`current_uow` and pass it to the operations. The actor is the signed-in
staff account on back-office pages, else the applicant's browser session.
"""

from __future__ import annotations

import uuid

from flask import current_app, g, request, session

from .. import db
from ..adapters.mail import outbox, sender, transport
from ..operations.outgoing import PREPARERS
from ..uow import Actor, UnitOfWork, build_uow, office_pdf
from .address import page_localizer
from .signed_in import current_staff


def current_uow() -> UnitOfWork:
    """This request's unit of work (one per request)."""
    uow: UnitOfWork | None = g.get("uow")
    if uow is None:
        uow = build_uow(
            db.session(),
            current_app.config,
            actor=request_actor,
            # the page's language and form of address ("du" for a youth fund's applicant)
            localizer=page_localizer(),
            # looked up per request, so that a test can put a stand-in for LibreOffice here
            pdf=office_pdf,
        )
        outbox.bind_transport(
            uow.session,
            transport.transport_from_config(current_app.config, current_app.instance_path),
            transport.sender(current_app.config),
            preparers=PREPARERS,
            background=sender.in_background(current_app.config["BACKGROUND_NICENESS"]),
        )
        g.uow = uow
    return uow


def request_actor() -> Actor:
    user = current_staff()
    if user is not None:
        return Actor("staff", str(user.id), user.name or user.email)
    # applicants are known by their browser session only
    session.setdefault("visitor", uuid.uuid4().hex[:12])
    return Actor("applicant", str(session["visitor"]))


def commit_request() -> None:
    """Commit the request's unit of work, if the view used one (a view that changes
    nothing needs none)."""
    uow: UnitOfWork | None = g.get("uow")
    if uow is not None and request:
        uow.commit()
