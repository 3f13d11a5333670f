"""An agenda item can be postponed or withdrawn without a vote (issue 18, item 4): it is
neither approved nor rejected, needs no votes, and votes recorded on it are not counted."""

from __future__ import annotations

from service.domain.check import check_meeting

from .helpers import meeting


def _items(data):
    return check_meeting(data).extra["items"]


def test_a_postponed_item_is_deferred_and_a_withdrawn_one_withdrawn_without_votes():
    data = meeting()
    for item in data["items"]:
        del item["votes"]
    data["items"][0]["status"] = "postponed"
    data["items"][0]["note"] = "Das Angebot fehlt noch."
    data["items"][1]["status"] = "withdrawn"

    result = check_meeting(data)

    assert result.ok, result.findings
    assert [
        (i["outcome"], i["yes"], i["no"], i["approved_amount"]) for i in result.extra["items"]
    ] == [
        ("deferred", 0, 0, None),
        ("withdrawn", 0, 0, None),
    ]


def test_an_item_voted_on_still_needs_its_votes():
    data = meeting()
    del data["items"][0]["votes"]

    findings = check_meeting(data).findings

    assert [(f.code, f.field) for f in findings] == [("field.required", "items[0].votes")]


def test_votes_on_a_postponed_item_are_not_counted_and_said_so():
    data = meeting()
    data["items"][1]["status"] = "postponed"

    result = check_meeting(data)

    assert [(f.code, f.field) for f in result.findings] == [("item.not-voted-on", "items[1].votes")]
    assert result.extra["items"][1]["outcome"] == "deferred"
    assert result.extra["items"][1]["yes"] == 0
    # the other item is decided as before
    assert result.extra["items"][0]["outcome"] == "approved"


def test_a_written_vote_can_postpone_an_item_too_and_reports_the_counted_voters():
    data = meeting()
    data["mode"] = "written"
    data["items"][1] = {**data["items"][1], "status": "withdrawn"}
    del data["items"][1]["votes"]

    items = _items(data)

    assert [i["outcome"] for i in items] == ["approved", "withdrawn"]


def test_an_unknown_status_is_input_invalid():
    data = meeting()
    data["items"][0]["status"] = "vertagt"

    result = check_meeting(data)

    assert result.input_invalid
