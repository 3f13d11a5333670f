"""One refusal type for everything a person is told "no" about.

An operation that cannot do what was asked – the object is not there, someone saved it in the
meantime, the state does not allow it, a rule forbids it – raises :class:`Refused` with a
German-ready :class:`~service.domain.messages.Message` (rendered in the reader's locale by the
entry point) and an HTTP status. One Flask handler (service/web/refusals.py: flash and back, or
JSON) and one click handler (service/cli: the message on stderr, exit 1) turn it into an answer;
views and commands catch nothing of it themselves. Everything else that goes wrong is a bug and
stays a 500 – which is why no view catches ``ValueError``.

Pure Python: the domain's messages, no Flask, no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .domain.messages import Localizer, Message

if TYPE_CHECKING:
    from .domain.findings import Finding


class Refused(Exception):
    """What was asked cannot be done; ``message`` says why and what to do instead.

    ``findings`` carry the rules engine's findings where a rule refused (shown as a list);
    ``back`` is where a page should send the person (default: the page they came from)."""

    status = 422

    def __init__(
        self,
        message: Message,
        *,
        findings: Sequence[Finding] = (),
        status: int | None = None,
        back: str | None = None,
    ) -> None:
        super().__init__(message.msgid)
        self.message = message
        self.findings = tuple(findings)
        if status is not None:
            self.status = status
        self.back = back

    def render(self, localizer: Localizer) -> str:
        """The message, followed by the first findings' messages where a rule refused."""
        text = self.message.render(localizer)
        details = [f.message.render(localizer) for f in self.findings[:5]]
        return " ".join([text, *details]) if details else text


class NotFound(Refused):
    """The object does not exist – or belongs to someone else, which must look the same."""

    status = 404


class StaleVersion(Refused):
    """Someone saved the record after it was read (R19); ``latest`` is the stored state."""

    status = 409

    def __init__(self, message: Message, *, latest: object = None, back: str | None = None) -> None:
        super().__init__(message, back=back)
        self.latest = latest


class TransitionRefused(Refused):
    """The record's state does not allow this step (e.g. a notice for a draft)."""

    status = 409


class Unavailable(Refused):
    """A part the use case needs (LibreOffice, the document store) failed; the person is
    told to try again later. The entry point logs the cause before raising this."""

    status = 503
