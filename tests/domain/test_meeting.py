"""Sessions and written votes: quorum, conflicts, deputies, the chair's tie-break."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from service.domain.check import CheckResult, check_meeting

from .helpers import codes, meeting, pairs

# The example: voting m1 (chair), m2, m3 (civil), m4, m5 (admin); d5 deputy for m5.
# Present m1, m2, m4, d5 → 4 of 5 voting members represented.


def check(data: Any) -> CheckResult:
    result = check_meeting(data)
    assert not result.input_invalid, result.findings
    return result


def outcomes(result: CheckResult) -> list[str]:
    return [item["outcome"] for item in result.extra["items"]]


def with_votes(votes: dict[str, str], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = meeting()
    data["items"] = [data["items"][0]]
    data["items"][0]["votes"] = votes
    data.update(changes)
    return data


def test_the_example_session_approves_both_items() -> None:
    result = check(meeting())
    assert result.ok
    assert result.findings == []
    assert result.extra["quorate"] is True
    assert result.extra["items"] == [
        {
            "ref": "AIF-2026-007",
            "outcome": "approved",
            "yes": 3,
            "no": 0,
            "abstain": 1,
            "approved_amount": Decimal("600.00"),
        },
        {
            "ref": "AIF-2026-008",
            "outcome": "approved",
            "yes": 3,
            "no": 1,
            "abstain": 0,
            "approved_amount": Decimal("2000.00"),
        },
    ]


# -- quorum -------------------------------------------------------------------------------


def test_three_of_five_voting_members_are_quorate() -> None:
    data = with_votes({"m1": "yes", "m2": "yes", "m4": "no"}, present=["m1", "m2", "m4"])
    result = check(data)
    assert result.extra["quorate"] is True
    assert outcomes(result) == ["approved"]


def test_two_of_five_are_not_quorate_and_nothing_is_decided() -> None:
    data = meeting()
    data["present"] = ["m1", "m2"]
    for item in data["items"]:
        item["votes"] = {"m1": "yes", "m2": "yes"}
    result = check(data)
    assert result.extra["quorate"] is False
    assert pairs(result.findings) == {("meeting.not-quorate", "present")}
    assert outcomes(result) == ["not-decided", "not-decided"]
    assert [i["approved_amount"] for i in result.extra["items"]] == [None, None]


def test_a_deputy_counts_for_its_absent_member_in_the_quorum() -> None:
    # m1, m2, d5: without d5 only 2 of 5
    data = with_votes({"m1": "yes", "m2": "yes", "d5": "yes"}, present=["m1", "m2", "d5"])
    assert check(data).extra["quorate"] is True


def test_a_member_and_its_deputy_both_present_count_once() -> None:
    data = with_votes({"m1": "yes", "m5": "yes"}, present=["m1", "m5", "d5"])
    result = check(data)
    assert result.extra["quorate"] is False
    assert ("meeting.not-quorate", "present") in pairs(result.findings)


def test_a_committee_needs_at_least_three_present_even_when_small() -> None:
    data = with_votes({"m1": "yes", "m2": "yes"}, present=["m1", "m2"])
    data["members"] = [m for m in data["members"] if m["id"] in ("m1", "m2", "m3")]
    data["invited"] = ["m1", "m2", "m3"]
    # 2 of 3 is more than half but fewer than 3
    assert check(data).extra["quorate"] is False


def test_a_voting_member_not_invited_makes_the_meeting_not_quorate() -> None:
    data = meeting()
    data["invited"].remove("m3")
    result = check(data)
    assert result.extra["quorate"] is False
    assert pairs(result.findings) == {("meeting.not-all-invited", "invited")}
    assert outcomes(result) == ["not-decided", "not-decided"]


# -- conflicts ----------------------------------------------------------------------------


def test_an_item_loses_quorum_when_conflicted_members_leave() -> None:
    data = with_votes({"m4": "yes", "d5": "yes"})
    data["items"][0]["conflicts"] = ["m1", "m2"]
    result = check(data)
    assert result.extra["quorate"] is True
    assert pairs(result.findings) == {("item.not-quorate", "items[0].conflicts")}
    assert outcomes(result) == ["not-decided"]


def test_a_conflicted_member_who_votes_is_not_counted() -> None:
    data = with_votes({"m1": "yes", "m2": "no", "m4": "no", "d5": "abstain"})
    data["items"][0]["conflicts"] = ["m1"]
    result = check(data)
    assert pairs(result.findings) == {("vote.conflicted", "items[0].votes.m1")}
    assert result.extra["items"][0] | {"approved_amount": None} == {
        "ref": "AIF-2026-007",
        "outcome": "rejected",
        "yes": 0,
        "no": 2,
        "abstain": 1,
        "approved_amount": None,
    }


def test_a_deputy_acting_for_a_conflicted_member_is_conflicted_too() -> None:
    data = with_votes({"m1": "yes", "m2": "yes", "m4": "no", "d5": "no"})
    data["items"][0]["conflicts"] = ["m5"]
    result = check(data)
    assert pairs(result.findings) == {("vote.conflicted", "items[0].votes.d5")}
    assert outcomes(result) == ["approved"]


# -- votes that are not counted -----------------------------------------------------------


def test_a_vote_from_someone_absent_is_not_counted() -> None:
    data = with_votes({"m1": "no", "m2": "no", "m4": "yes", "m3": "yes"})
    result = check(data)
    assert pairs(result.findings) == {("vote.voter-absent", "items[0].votes.m3")}
    assert outcomes(result) == ["rejected"]


def test_a_vote_from_someone_who_is_no_member_is_not_counted() -> None:
    data = with_votes({"m1": "yes", "x9": "no", "g1": "no"})
    data["members"].append(
        {"id": "g1", "name": "Gast Beratend", "sector": "admin", "voting": False}
    )
    data["present"].append("g1")
    result = check(data)
    assert pairs(result.findings) == {
        ("vote.not-member", "items[0].votes.x9"),
        ("vote.not-member", "items[0].votes.g1"),
    }
    assert outcomes(result) == ["approved"]


def test_a_deputy_voting_beside_its_present_member_is_double_representation() -> None:
    data = with_votes({"m1": "yes", "m5": "no", "d5": "no"}, present=["m1", "m2", "m5", "d5"])
    result = check(data)
    assert pairs(result.findings) == {("vote.double-representation", "items[0].votes.d5")}
    assert result.extra["items"][0]["no"] == 1


def test_an_absent_deputy_of_a_present_member_gets_only_double_representation() -> None:
    data = with_votes(
        {"m1": "yes", "m2": "yes", "m5": "no", "d5": "no"}, present=["m1", "m2", "m5"]
    )
    findings = check(data).findings
    assert pairs(findings) == {("vote.double-representation", "items[0].votes.d5")}


def test_an_absent_conflicted_voter_gets_exactly_one_finding() -> None:
    data = with_votes({"m1": "yes", "m2": "yes", "m4": "yes", "m3": "no"})
    data["items"][0]["conflicts"] = ["m3"]
    findings = [f for f in check(data).findings if f.field == "items[0].votes.m3"]
    assert [f.code for f in findings] == ["vote.voter-absent"]


def test_a_second_deputy_of_the_same_member_does_not_vote() -> None:
    data = with_votes({"m1": "no", "m2": "no", "d5": "yes", "e5": "yes", "m4": "yes"})
    data["members"].append(
        {
            "id": "e5",
            "name": "Zweite Vertretung",
            "sector": "admin",
            "voting": False,
            "deputy_for": "m5",
        }
    )
    data["present"].append("e5")
    result = check(data)
    assert pairs(result.findings) == {("vote.double-representation", "items[0].votes.e5")}
    assert outcomes(result) == ["rejected"]  # 2:2, the chair voted no


# -- the chair's tie-break ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("chair_vote", "outcome"), [("yes", "approved"), ("no", "rejected"), ("abstain", "rejected")]
)
def test_on_a_tie_the_chairs_vote_decides(chair_vote: str, outcome: str) -> None:
    votes = {"m1": chair_vote, "m2": "yes", "m4": "no"}
    if chair_vote == "yes":
        votes["d5"] = "no"
    elif chair_vote == "no":
        votes["d5"] = "yes"
    assert outcomes(check(with_votes(votes))) == [outcome]


def test_the_chairs_vote_breaks_a_tie_only_if_it_was_counted() -> None:
    # m1 (chair) has a conflict: its yes is ignored, 1:1 remains a tie → rejected
    data = with_votes({"m1": "yes", "m2": "yes", "m4": "no", "d5": "abstain"})
    data["items"][0]["conflicts"] = ["m1"]
    data["present"] = ["m1", "m2", "m3", "m4", "d5"]
    result = check(data)
    assert outcomes(result) == ["rejected"]


# -- written votes ------------------------------------------------------------------------


def written(votes: dict[str, str], objections: list[str] | None = None) -> dict[str, Any]:
    data = with_votes(votes, mode="written", present=[], objections=objections or [])
    del data["place"]
    return data


def test_a_written_vote_without_objection_decides_by_majority_of_votes_cast() -> None:
    result = check(written({"m1": "yes", "m2": "yes", "m3": "no"}))
    assert result.ok
    assert result.extra["quorate"] is None
    assert outcomes(result) == ["approved"]


def test_a_tie_in_a_written_vote_is_rejected() -> None:
    assert outcomes(check(written({"m1": "yes", "m2": "no"}))) == ["rejected"]


def test_an_objection_stops_every_item_of_a_written_vote() -> None:
    data = written({"m1": "yes", "m2": "yes", "m3": "yes"}, objections=["m4"])
    data["items"].append(dict(data["items"][0], ref="AIF-2026-009"))
    result = check(data)
    assert pairs(result.findings) == {("written.objection", "objections")}
    assert outcomes(result) == ["not-decided", "not-decided"]


def test_in_a_written_vote_a_deputy_votes_only_for_a_member_who_did_not_vote() -> None:
    result = check(written({"m1": "yes", "m5": "no", "d5": "yes"}))
    assert pairs(result.findings) == {("vote.double-representation", "items[0].votes.d5")}
    assert result.extra["items"][0]["yes"] == 1
    result = check(written({"m1": "yes", "d5": "yes"}))
    assert result.findings == []
    assert result.extra["items"][0]["yes"] == 2


def test_in_a_written_vote_conflicted_members_are_not_counted() -> None:
    data = written({"m1": "yes", "m2": "no", "m3": "no"})
    data["items"][0]["conflicts"] = ["m2"]
    result = check(data)
    assert pairs(result.findings) == {("vote.conflicted", "items[0].votes.m2")}
    assert outcomes(result) == ["rejected"]  # 1:1 after m2 is ignored; no tie-break


# -- composition and input ----------------------------------------------------------------


def test_an_empty_vote_means_the_member_did_not_vote() -> None:
    data = with_votes({"m1": "yes", "m2": None, "m4": ""})
    result = check(data)
    assert result.findings == []
    assert (result.extra["items"][0]["yes"], result.extra["items"][0]["no"]) == (1, 0)


def test_a_monitoring_committee_without_civil_majority_is_warned_about() -> None:
    data = meeting()
    data["members"][2]["sector"] = "admin"
    result = check(data)
    assert result.ok
    assert pairs(result.findings) == {("committee.no-civil-majority", "members")}
    data["body"] = "jugendforum"
    assert check(data).findings == []


@pytest.mark.parametrize("key", ["body", "mode", "date", "place", "invited", "present"])
def test_the_essentials_of_a_session_are_required(key: str) -> None:
    data = meeting()
    del data[key]
    assert ("field.required", key) in pairs(check(data).findings)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["present"].append("m9"), "present[4]"),
        (lambda d: d["invited"].append(7), "invited[6]"),
        (
            lambda d: d["members"].append(
                {"id": "m1", "name": "Doppelt", "sector": "civil", "voting": False}
            ),
            "members[6].id",
        ),
        (lambda d: d["members"][5].update(deputy_for="m9"), "members[5].deputy_for"),
        (lambda d: d["items"][0]["votes"].update(m1="vielleicht"), "items[0].votes.m1"),
        (lambda d: d["items"][0].update(conflicts=["zz"]), "items[0].conflicts[0]"),
        (lambda d: d.update(mode="email"), "mode"),
        (lambda d: d["members"][0].update(sector="kirche"), "members[0].sector"),
        (lambda d: d.update(start_time="18.30"), "start_time"),
        (lambda d: d["members"][1].update(chair=True), "members[1].chair"),
    ],
)
def test_wrong_meeting_input_is_input_invalid(change: Any, field: str) -> None:
    data = meeting()
    change(data)
    result = check_meeting(data)
    assert result.input_invalid
    assert pairs(result.findings) == {("input.invalid", field)}
    assert codes(result.findings) == {"input.invalid"}
