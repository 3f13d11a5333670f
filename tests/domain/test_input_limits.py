"""Bounds of an input's lists and objects (issue 14): 300,000 cost lines took 3.7 s to check.
A list over its bound is one input.invalid finding naming the list (exit 2, HTTP 400), read no
further; at most 200 input problems are listed."""

from __future__ import annotations

import copy
from typing import Any

from service.domain.application import MAX_COST_LINES
from service.domain.check import check_application, check_meeting, check_report
from service.domain.meeting import MAX_ITEMS, MAX_MEMBERS
from service.domain.messages import PlainLocalizer
from service.domain.reader import MAX_INPUT_FINDINGS, MAX_LIST
from service.domain.report import MAX_RECEIPTS
from service.domain.sizes import count, megabytes
from service.i18n import BabelLocalizer

from .helpers import TODAY, aif, application, meeting, report


def _only_finding(result: Any) -> tuple[str, str]:
    assert result.exit_code == 2
    assert [f.code for f in result.findings] == ["input.invalid"]
    finding = result.findings[0]
    return finding.field, finding.message.render(BabelLocalizer())


def test_300000_cost_lines_are_refused_as_one_finding_naming_the_list() -> None:
    data = application()
    data["costs"] = data["costs"][:1] * 300_000  # one line 300,000 times: only read
    field, message = _only_finding(check_application(data, aif(), today=TODAY))
    assert field == "costs"
    assert message == (
        "Diese Liste hat 300.000 Einträge; möglich sind höchstens 200. Bitte kürzen Sie die "
        "Liste oder teilen Sie die Eingabe auf."
    )


def test_the_most_cost_lines_allowed_are_checked_as_usual() -> None:
    data = application()
    line = data["costs"][0]
    data["costs"] = [copy.deepcopy(line) for _ in range(MAX_COST_LINES)]
    result = check_application(data, aif(), today=TODAY)
    assert not result.input_invalid
    assert len(result.parsed.costs) == MAX_COST_LINES
    data["costs"].append(copy.deepcopy(line))
    assert _only_finding(check_application(data, aif(), today=TODAY))[0] == "costs"


def test_long_lists_of_a_report_and_a_session_are_refused_by_path() -> None:
    data = report()
    data["receipts"] = [copy.deepcopy(data["receipts"][0]) for _ in range(MAX_RECEIPTS + 1)]
    assert _only_finding(check_report(data, aif(), today=TODAY))[0] == "receipts"

    data = meeting()
    data["items"] = [copy.deepcopy(data["items"][0]) for _ in range(MAX_ITEMS + 1)]
    assert _only_finding(check_meeting(data))[0] == "items"

    data = meeting()
    data["guests"] = ["Gast"] * (MAX_LIST + 1)
    assert _only_finding(check_meeting(data))[0] == "guests"


def test_an_item_with_more_votes_than_members_can_have_is_refused_at_its_votes() -> None:
    data = meeting()
    data["items"][0]["votes"] = {f"x{number}": "yes" for number in range(MAX_MEMBERS + 1)}
    field, message = _only_finding(check_meeting(data))
    assert field == "items[0].votes"
    assert "101 Felder" in message


def test_an_object_with_thousands_of_unknown_fields_is_one_finding() -> None:
    data = application()
    data["applicant"].update({f"feld{number}": 1 for number in range(5000)})
    field, message = _only_finding(check_application(data, aif(), today=TODAY))
    assert field == "applicant"
    assert "5.014 Felder; möglich sind höchstens 100" in message


def test_at_most_200_input_problems_are_listed_and_the_last_finding_says_so() -> None:
    data = application()
    data["costs"] = [
        {"category": "honorare", "amount": "1.001", "typo1": 1, "typo2": 2} for _ in range(100)
    ]
    result = check_application(data, aif(), today=TODAY)
    assert result.exit_code == 2
    assert len(result.findings) == MAX_INPUT_FINDINGS + 1
    more = [f for f in result.findings if f.field == ""]
    assert len(more) == 1
    assert "nur die ersten 200 sind aufgeführt" in more[0].message.render(BabelLocalizer())


def test_sizes_and_counts_read_as_in_german() -> None:
    assert megabytes(2 * 1024 * 1024) == "2 MB"
    assert megabytes(200_000) == "0,2 MB"
    assert megabytes(25 * 1024 * 1024) == "25 MB"
    assert megabytes(1) == "0,1 MB"  # a limit is never shown as 0 MB
    assert count(300_000) == "300.000"
    assert count(99) == "99"
    # the English msgids keep the same figures
    data = application()
    data["costs"] = [{}] * 201
    finding = check_application(data, aif(), today=TODAY).findings[0]
    assert "201 entries" in finding.message.render(PlainLocalizer())
