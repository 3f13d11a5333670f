"""The application's state machine: one table of transitions, German labels for every state."""

from __future__ import annotations

import pytest

from service.domain.meeting import WRITTEN_OUTCOMES
from service.domain.states import (
    TRANSITIONS,
    ApplicationState,
    DecisionOutcome,
    NoticeKind,
    NoticeState,
    TransitionNotAllowed,
    can_transition,
    require_transition,
)

S = ApplicationState


def _reachable_from_draft() -> set[ApplicationState]:
    seen = {S.draft}
    todo = [S.draft]
    while todo:
        for target in TRANSITIONS[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_every_state_can_be_reached_from_a_draft():
    assert _reachable_from_draft() == set(ApplicationState)


def test_every_state_that_is_not_final_can_still_end_closed_or_withdrawn():
    for state in ApplicationState:
        seen, todo = {state}, [state]
        while todo:
            for target in TRANSITIONS[todo.pop()]:
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        assert seen & {S.closed, S.withdrawn}, state


def test_only_closed_and_withdrawn_are_final():
    assert {state for state in ApplicationState if state.is_final} == {S.closed, S.withdrawn}


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.draft, S.submitted),
        (S.submitted, S.in_check),
        (S.in_check, S.info_requested),
        (S.info_requested, S.submitted),
        (S.in_check, S.on_agenda),
        (S.on_agenda, S.approved),
        (S.on_agenda, S.deferred),
        (S.deferred, S.on_agenda),
        (S.approved, S.notice_issued),
        (S.notice_issued, S.in_payment),
        (S.in_payment, S.report_submitted),
        (S.report_submitted, S.closed),
        (S.rejected, S.closed),
    ],
)
def test_the_usual_path_of_a_grant_is_allowed(current, target):
    assert can_transition(current, target)
    assert require_transition(current, target) is target


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.draft, S.approved),  # no grant without check and committee
        (S.submitted, S.on_agenda),  # the formal check comes first
        (S.on_agenda, S.notice_issued),  # the committee decides before the lead office grants
        (S.rejected, S.notice_issued),
        (S.closed, S.draft),
        (S.withdrawn, S.submitted),
        (S.in_payment, S.withdrawn),  # after money has flowed only a revocation ends a grant
    ],
)
def test_skipping_a_step_or_going_back_is_refused(current, target):
    assert not can_transition(current, target)
    with pytest.raises(TransitionNotAllowed) as raised:
        require_transition(current, target)
    assert (raised.value.current, raised.value.target) == (current, target)


def test_the_applicant_may_edit_only_drafts_and_applications_asked_for_more_information():
    editable = {state for state in ApplicationState if state.applicant_may_edit}
    assert editable == {S.draft, S.info_requested}


@pytest.mark.parametrize(
    ("outcome", "state"),
    [
        (DecisionOutcome.approved, S.approved),
        (DecisionOutcome.rejected, S.rejected),
        (DecisionOutcome.deferred, S.deferred),
        (DecisionOutcome.not_decided, S.deferred),
    ],
)
def test_each_committee_outcome_leads_to_a_state_reachable_from_the_agenda(outcome, state):
    assert outcome.application_state is state
    assert can_transition(S.on_agenda, outcome.application_state)


def test_outcome_values_are_those_of_the_meeting_interchange():
    assert [o.value for o in DecisionOutcome] == [
        "approved",
        "rejected",
        "deferred",
        "not-decided",
        "withdrawn",
    ]
    # every outcome a written vote can report (the meeting interchange's written_since)
    assert {o.value for o in DecisionOutcome} == set(WRITTEN_OUTCOMES)


def test_every_state_outcome_and_notice_kind_has_a_label():
    for enum in (ApplicationState, DecisionOutcome, NoticeKind, NoticeState):
        for member in enum:
            assert member.label, member
