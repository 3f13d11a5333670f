"""The unit of work: everything one use case needs, and the one place it commits.

An entry point builds exactly one :class:`UnitOfWork` per request (service/web/uow.py), per
CLI command (service/cli/uow.py) and per batch item (service/batch/work.py), and hands it to an
operation as its first argument: ``issue_notice(uow, decision, reasons=…)``. Operations read
the session, the document store, the PDF converter, the localizer, the clock and the actor from
it; they flush, never commit. The entry point commits once when the use case succeeded and
rolls back when it raised; e-mails the operations queued (:meth:`UnitOfWork.mail`) are in the
outbox table of the same transaction and go out only after the commit (R20).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.orm import Session

from .clock import Clock, clock_from_config
from .domain.messages import Localizer
from .pdf import office_pdf as office_pdf  # the production PdfPort

if TYPE_CHECKING:
    from .adapters.mail.transport import Mail
    from .archive.storage import Storage


@dataclass(frozen=True)
class Actor:
    """Who acts – recorded in the audit log as ``kind:ident``.

    ``kind``: ``applicant`` (a browser session), ``staff`` (an account id), ``member`` (a
    committee member's account), ``system`` (cron, CLI, batch). ``name`` is shown to people
    (e.g. the signatory of a sign-off), never used to decide anything."""

    kind: str
    ident: str
    name: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.ident}"

    @classmethod
    def system(cls, what: str = "cli") -> Actor:
        return cls("system", what)


class PdfPort(Protocol):
    """DOCX → PDF/A with document metadata; ``watermark`` across every page (drafts)."""

    def __call__(
        self, docx: bytes, title: str, subject: str, author: str, *, watermark: str | None = None
    ) -> bytes: ...


class UnitOfWork:
    """One use case's session, adapters and context. Built by an entry point, never by an
    operation; ``storage`` is made on first use (most use cases store no document)."""

    def __init__(
        self,
        session: Session,
        *,
        actor: Actor,
        localizer: Localizer,
        clock: Clock,
        config: Mapping[str, Any],
        pdf: PdfPort = office_pdf,
        storage_factory: Callable[[Session], Storage] | None = None,
    ) -> None:
        self.session = session
        self.actor = actor
        self.localizer = localizer
        self.clock = clock
        # model events that stamp a day (an application's ended_on) read it from the session
        session.info["clock"] = clock
        self.config = config
        self.pdf = pdf
        self._storage_factory = storage_factory
        self._storage: Storage | None = None

    @property
    def storage(self) -> Storage:
        if self._storage is None:
            if self._storage_factory is not None:
                self._storage = self._storage_factory(self.session)
            else:
                from .archive.backends import storage_from_config

                self._storage = storage_from_config(self.config, self.session)
        return self._storage

    def today(self) -> date:
        return self.clock.today()

    def mail(self, mail: Mail) -> None:
        """Queue an e-mail: written to the outbox in this transaction, sent after the commit."""
        from .adapters.mail.outbox import queue_mail

        queue_mail(self.session, mail)

    def commit(self) -> None:
        """End the use case: the transaction commits, then the queued e-mails are delivered
        (by the transport the entry point bound to the session)."""
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


def build_uow(
    session: Session,
    config: Mapping[str, Any],
    *,
    actor: Actor,
    localizer: Localizer,
    pdf: PdfPort = office_pdf,
) -> UnitOfWork:
    """A unit of work on ``session`` with the clock and the document store of ``config``."""
    return UnitOfWork(
        session,
        actor=actor,
        localizer=localizer,
        clock=clock_from_config(config),
        config=config,
        pdf=pdf,
    )
