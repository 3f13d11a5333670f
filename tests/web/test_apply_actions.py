"""The wizard's action protocol (service/web/applicant/actions.py): the button's value is read
once into an Action – and row editing (rows.py) keeps what was typed in the other rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask_babel import Babel
from werkzeug.datastructures import MultiDict

from forms.costs import CostsForm
from forms.financing import FinancingForm
from service.web.applicant.actions import Action, Verb, parse_action
from service.web.applicant.rows import change_rows, without_row


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, Action(Verb.NEXT)),
        ("next", Action(Verb.NEXT)),
        ("back", Action(Verb.BACK)),
        ("save", Action(Verb.SAVE)),
        ("autosave", Action(Verb.AUTOSAVE)),
        ("add:costs", Action(Verb.ADD_ROW, rows="costs")),
        ("remove:third_party:2", Action(Verb.REMOVE_ROW, rows="third_party", index=2)),
        # a row action whose row cannot be read removes nothing (the page is shown again)
        ("remove:costs:x", Action(Verb.REMOVE_ROW, rows="costs")),
        ("remove:costs:²", Action(Verb.REMOVE_ROW, rows="costs")),
        ("remove:costs:-1", Action(Verb.REMOVE_ROW, rows="costs")),
        # the declarations step's files (issue 17: buttons of the step's form)
        ("upload", Action(Verb.UPLOAD)),
        ("remove-file:12", Action(Verb.REMOVE_FILE, index=12)),
        ("remove-file:x", Action(Verb.REMOVE_FILE)),
        ("remove-file", Action(Verb.NEXT)),
        # a row verb without its list, and what names no verb, is the default
        ("add", Action(Verb.NEXT)),
        ("approve", Action(Verb.NEXT)),
        ("", Action(Verb.NEXT)),
    ],
)
def test_the_button_value_is_read_once_into_an_action(value: str | None, expected: Action) -> None:
    posted = MultiDict({} if value is None else {"action": value})
    assert parse_action(posted, Verb.NEXT) == expected


def test_the_report_form_defaults_to_recalculating() -> None:
    assert parse_action(MultiDict(), Verb.CALCULATE) == Action(Verb.CALCULATE)
    assert parse_action(MultiDict({"action": "submit"}), Verb.CALCULATE) == Action(Verb.SUBMIT)
    assert parse_action(MultiDict({"action": "add:receipts"}), Verb.CALCULATE).edits_rows


def test_a_removed_row_is_left_out_and_the_rows_after_it_move_up() -> None:
    posted = MultiDict(
        [
            ("title", "Sommerfest"),
            ("costs-0-description", "Bühne"),
            ("costs-1-description", "Technik"),
            ("costs-2-description", "Plakate"),
            ("costs-2-amount", "1.200,5"),  # kept exactly as typed
        ]
    )
    assert list(without_row(posted, "costs", 1).items(multi=True)) == [
        ("title", "Sommerfest"),
        ("costs-0-description", "Bühne"),
        ("costs-1-description", "Plakate"),
        ("costs-1-amount", "1.200,5"),
    ]


@pytest.fixture
def request_context() -> Iterator[None]:
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield


def _costs(*descriptions: str) -> MultiDict[str, str]:
    return MultiDict(
        {f"costs-{number}-description": text for number, text in enumerate(descriptions)}
    )


def _descriptions(form: CostsForm) -> list[str]:
    return [entry.form.description.data for entry in form.costs.entries]


@pytest.mark.usefixtures("request_context")
def test_rows_are_added_removed_and_one_cost_row_always_stays() -> None:
    posted = _costs("Bühne", "Technik")
    added = change_rows(CostsForm(formdata=posted), Action(Verb.ADD_ROW, rows="costs"), posted)
    assert _descriptions(added) == ["Bühne", "Technik", None]  # a new, empty row

    removed = change_rows(
        CostsForm(formdata=posted), Action(Verb.REMOVE_ROW, rows="costs", index=0), posted
    )
    assert _descriptions(removed) == ["Technik"]

    only = _costs("Bühne")
    emptied = change_rows(
        CostsForm(formdata=only), Action(Verb.REMOVE_ROW, rows="costs", index=0), only
    )
    assert _descriptions(emptied) == [None]  # an empty row to type into


@pytest.mark.usefixtures("request_context")
def test_a_row_action_on_another_list_or_without_a_row_changes_nothing() -> None:
    posted = _costs("Bühne", "Technik")
    form = CostsForm(formdata=posted)
    for action in (
        Action(Verb.ADD_ROW, rows="third_party"),  # not a list of this form
        Action(Verb.ADD_ROW, rows="state"),  # not a row list at all
        Action(Verb.REMOVE_ROW, rows="costs"),  # no readable row
        Action(Verb.SAVE),
    ):
        assert change_rows(form, action, posted) is form
    assert _descriptions(form) == ["Bühne", "Technik"]
    financing = FinancingForm(formdata=MultiDict())
    assert change_rows(financing, Action(Verb.ADD_ROW, rows="costs"), MultiDict()) is financing
