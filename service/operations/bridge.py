"""A unit of work for the operations not yet converted to take one.

Their callers still pass session, storage and converter; :func:`bridge_uow` wraps those so the
publish pipeline (operations/publish.py) can be called the new way. Once an operation takes
``uow`` first, it passes that on and stops calling this.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..archive.storage import Storage
from ..clock import Clock
from ..domain.messages import Localizer, PlainLocalizer
from ..pdf import office_pdf
from ..uow import Actor, PdfPort, UnitOfWork


def bridge_uow(
    session: Session,
    *,
    localizer: Localizer | None = None,
    storage: Storage | None = None,
    pdf: PdfPort | None = None,
) -> UnitOfWork:
    """A unit of work around the parts an operation not yet converted to take one was given
    (its callers still pass session, storage and converter). Its actor is never recorded:
    those operations name their actor in the :class:`AuditEntry`."""

    def given_storage(_session: Session) -> Storage:
        if storage is None:
            raise RuntimeError("this operation was given no document store")
        return storage

    return UnitOfWork(
        session,
        actor=Actor.system("publish"),
        # filing renders no text; rendering is given the caller's localizer
        localizer=localizer or PlainLocalizer(),
        clock=Clock(),
        config={},
        pdf=pdf or office_pdf,
        storage_factory=given_storage,
    )
