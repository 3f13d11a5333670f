"""The life of an application as a state machine, and the small vocabularies around it.

Pure Python: the models store these values, the operations ask :func:`can_transition` before
they move an application, the web shows :attr:`ApplicationState.label`. The transitions are
defined here and nowhere else.

The committee *decides* (``approved``/``rejected``/``deferred``); only the lead office's notice
makes a grant (``notice_issued``). The two are separate steps on purpose (domain.md).
"""

from __future__ import annotations

from collections.abc import Mapping

from .labelled import LabelledEnum
from .messages import N_


class ApplicationState(LabelledEnum):
    draft = "draft", N_("Draft")
    submitted = "submitted", N_("Submitted")
    in_check = "in_check", N_("Formal check")
    info_requested = "info_requested", N_("Information requested")
    on_agenda = "on_agenda", N_("On the agenda")
    approved = "approved", N_("Approved by the committee")
    rejected = "rejected", N_("Rejected by the committee")
    deferred = "deferred", N_("Deferred")
    notice_issued = "notice_issued", N_("Grant notice issued")
    in_payment = "in_payment", N_("Funds being paid out")
    report_submitted = "report_submitted", N_("Usage-of-funds report submitted")
    revoked = "revoked", N_("Grant revoked")
    withdrawn = "withdrawn", N_("Withdrawn")
    closed = "closed", N_("Closed")

    @property
    def next_states(self) -> frozenset[ApplicationState]:
        return TRANSITIONS[self]

    @property
    def is_final(self) -> bool:
        return not TRANSITIONS[self]

    @property
    def applicant_may_edit(self) -> bool:
        # The applicant changes the content only before submitting and when the coordination
        # office has asked for more information; afterwards the submitted copy is binding.
        return self in (ApplicationState.draft, ApplicationState.info_requested)


S = ApplicationState


TRANSITIONS: Mapping[ApplicationState, frozenset[ApplicationState]] = {
    S.draft: frozenset({S.submitted, S.withdrawn}),
    S.submitted: frozenset({S.in_check, S.withdrawn}),
    # the coordination office checks formally; it may ask for more information or put the
    # application on the agenda of the deciding body's next session
    S.in_check: frozenset({S.info_requested, S.on_agenda, S.withdrawn}),
    # the applicant answers by resubmitting; information sent by post lets the office resume
    S.info_requested: frozenset({S.submitted, S.in_check, S.withdrawn}),
    # taken off the agenda before the session → back to the check
    S.on_agenda: frozenset({S.approved, S.rejected, S.deferred, S.in_check, S.withdrawn}),
    S.deferred: frozenset({S.on_agenda, S.info_requested, S.in_check, S.withdrawn}),
    # the recipient may still step back before the lead office issues the notice
    S.approved: frozenset({S.notice_issued, S.withdrawn}),
    # the rejection notice (Ablehnungsbescheid) ends the file
    S.rejected: frozenset({S.closed}),
    # renouncing a grant before any payment ends it without a revocation
    S.notice_issued: frozenset({S.in_payment, S.report_submitted, S.revoked, S.withdrawn}),
    S.in_payment: frozenset({S.report_submitted, S.revoked}),
    S.report_submitted: frozenset({S.closed, S.revoked}),
    # a refund demand is settled, then the file is closed
    S.revoked: frozenset({S.closed}),
    S.withdrawn: frozenset(),
    S.closed: frozenset(),
}


class TransitionNotAllowed(ValueError):
    """An operation tried a step the state machine does not allow (a stale form, a bug)."""

    def __init__(self, current: ApplicationState, target: ApplicationState) -> None:
        self.current = current
        self.target = target
        super().__init__(f"an application cannot go from {current.value} to {target.value}")


def can_transition(current: ApplicationState, target: ApplicationState) -> bool:
    return target in TRANSITIONS[current]


def require_transition(current: ApplicationState, target: ApplicationState) -> ApplicationState:
    """The target state, or :class:`TransitionNotAllowed`."""
    if not can_transition(current, target):
        raise TransitionNotAllowed(current, target)
    return target


class DecisionOutcome(LabelledEnum):
    """The committee's outcome for one agenda item; the values of the meeting interchange."""

    approved = "approved", N_("Approved")
    rejected = "rejected", N_("Rejected")
    deferred = "deferred", N_("Deferred")
    not_decided = "not-decided", N_("Not decided")
    # the applicant withdrew the application before the vote (issue 18)
    withdrawn = "withdrawn", N_("Withdrawn")

    @property
    def application_state(self) -> ApplicationState:
        """The state an application on the agenda reaches through this outcome."""
        return _STATE_AFTER_OUTCOME[self]


_STATE_AFTER_OUTCOME: Mapping[DecisionOutcome, ApplicationState] = {
    DecisionOutcome.approved: S.approved,
    DecisionOutcome.rejected: S.rejected,
    DecisionOutcome.deferred: S.deferred,
    # without quorum nothing was decided: the application waits for the next session
    DecisionOutcome.not_decided: S.deferred,
    DecisionOutcome.withdrawn: S.withdrawn,
}


class NoticeKind(LabelledEnum):
    zuwendung = "zuwendung", N_("Grant notice")
    ablehnung = "ablehnung", N_("Rejection notice")
    aenderung = "aenderung", N_("Amendment notice")
    widerruf = "widerruf", N_("Revocation and refund notice")


class NoticeState(LabelledEnum):
    draft = "draft", N_("Draft")
    issued = "issued", N_("Issued")


class JobState(LabelledEnum):
    """A batch job (regeneration of notices): planned, then worked off item by item."""

    running = "running", N_("Running")
    done = "done", N_("Finished")
    cancelled = "cancelled", N_("Cancelled")


class ItemState(LabelledEnum):
    """One record of a batch job. ``done`` is written in the same transaction as the
    documents it produced, so an item is either finished with its documents or not at all."""

    pending = "pending", N_("Waiting")
    done = "done", N_("Rendered")
    failed = "failed", N_("Failed")
