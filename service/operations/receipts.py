"""The application PDF that goes with a submission's receipt e-mail.

Rendered from the frozen copy (``submission_snapshot``) when the receipt is sent – by the
background sender of the web process or by `mail send` – not inside the submit request.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import Application


class NothingToRender(LookupError):
    """The application is gone (purged) or its frozen copy yields no document."""


def application_pdf(session: Session, application_id: int) -> bytes:
    """The PDF/A of the application's frozen copy, on this process's warm LibreOffice."""
    from ..documents.partnership import parse_partnership
    from .documents import render_document, render_pdf

    application = session.get(Application, application_id)
    if application is None or application.submission_snapshot is None:
        raise NothingToRender(application_id)
    fund = application.fund
    letterhead = parse_partnership(fund.partnership.settings())
    outcome = render_document(
        "application", application.submission_snapshot, fund.guideline, letterhead
    )
    if outcome.document is None:
        raise NothingToRender(application_id)
    return render_pdf(outcome.document)
