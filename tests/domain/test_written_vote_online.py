"""The rules of the written vote online (issue 20.4): who still has to answer, when a deputy
may vote, when votes are taken and when the one reminder is due – in service/domain/meeting.py,
on the same interchange the outcomes come from."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.domain.meeting import (
    meeting_outcomes,
    parse_meeting,
    reminder_due,
    written_answered,
    written_complete,
    written_due,
    written_missing,
    written_open,
    written_vote_refusal,
)


def _meeting(votes: list[dict[str, str]], objections: list[str] = (), conflicts=()) -> Any:
    data = {
        "body": "begleitausschuss",
        "mode": "written",
        "date": "2026-12-01",
        "members": [
            {"id": "m1", "name": "A", "sector": "civil", "voting": True, "chair": True},
            {"id": "m2", "name": "B", "sector": "civil", "voting": True},
            {"id": "m3", "name": "C", "sector": "admin", "voting": True},
            {"id": "d3", "name": "D", "sector": "admin", "voting": False, "deputy_for": "m3"},
            {"id": "e3", "name": "E", "sector": "admin", "voting": False, "deputy_for": "m3"},
        ],
        "objections": list(objections),
        "items": [
            {
                "ref": f"AIF-{i}",
                "applicant": "Verein",
                "requested": "100.00",
                "proposed_amount": "100.00",
                "conflicts": list(conflicts) if i == 0 else [],
                "votes": item_votes,
            }
            for i, item_votes in enumerate(votes)
        ],
    }
    meeting, problems = parse_meeting(data)
    assert not problems, problems
    return meeting


def test_votes_are_taken_through_the_deadline_day_and_never_once_closed():
    deadline = date(2026, 12, 15)
    assert written_open(deadline, date(2026, 12, 15), closed=False)
    assert not written_open(deadline, date(2026, 12, 16), closed=False)
    assert not written_open(deadline, date(2026, 12, 10), closed=True)
    assert not written_open(None, date(2026, 12, 10), closed=False)
    assert not written_due(deadline, deadline)
    assert written_due(deadline, date(2026, 12, 16))


def test_the_reminder_is_due_two_days_before_the_deadline_until_it():
    deadline = date(2026, 12, 15)
    assert [reminder_due(deadline, date(2026, 12, d)) for d in (12, 13, 14, 15, 16)] == [
        False,
        True,
        True,
        True,
        False,
    ]


def test_a_member_has_answered_when_voting_on_every_item_or_objecting():
    meeting = _meeting([{"m1": "yes"}, {}], objections=["m2"])
    assert not written_answered(meeting, "m1")  # the second item is missing
    assert written_answered(meeting, "m2")  # the objection answers everything
    assert written_missing(meeting) == ("m1", "m3")
    assert not written_complete(meeting)


def test_a_deputy_answers_for_its_principal_and_a_conflict_needs_no_vote():
    meeting = _meeting(
        [{"m2": "yes", "d3": "no"}, {"m1": "yes", "m2": "no", "m3": "abstain"}],
        conflicts=["m1"],
    )
    assert written_missing(meeting) == ()
    assert written_complete(meeting)


def test_a_deputy_votes_only_for_a_principal_who_has_not():
    meeting = _meeting([{"m3": "yes"}, {"d3": "no"}])
    assert written_vote_refusal(meeting, "m1", meeting.items[0]) is None
    assert written_vote_refusal(meeting, "d3", meeting.items[0]) == "principal-voted"
    # item 2: d3 voted for m3 – a second deputy may not, d3 may change its vote
    assert written_vote_refusal(meeting, "e3", meeting.items[1]) == "another-deputy"
    assert written_vote_refusal(meeting, "d3", meeting.items[1]) is None
    assert written_vote_refusal(meeting, "x9", meeting.items[1]) == "not-voting"
    objected = _meeting([{}], objections=["m3"])
    assert written_vote_refusal(objected, "d3", objected.items[0]) == "principal-objected"


def test_the_outcome_of_an_online_vote_is_the_engines_written_rule():
    five_yes = _meeting([{"m1": "yes", "m2": "yes", "m3": "no"}])
    assert meeting_outcomes(five_yes).items[0].outcome == "approved"
    objected = _meeting([{"m1": "yes", "m2": "yes"}], objections=["m3"])
    assert meeting_outcomes(objected).items[0].outcome == "not-decided"
