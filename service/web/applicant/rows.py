"""Adding and removing rows of a form's lists: cost items, other funders, the receipts of the
usage-of-funds report – without JavaScript, by the buttons ``add:<rows>`` and
``remove:<rows>:N`` (actions.py).

A removed row is taken out of the posted data and the rows after it are renumbered, so that
what was typed in the other rows stays exactly as typed (nothing is read and written again).
The page shown after the change opens with the focus in the row added, or where the removed
one was (:func:`row_focus`, :func:`autofocus`).
"""

from __future__ import annotations

import re
from typing import Any

from werkzeug.datastructures import MultiDict

from .actions import Action, Verb

# the lists a person may add rows to or remove rows from
ROW_LISTS = ("costs", "third_party", "receipts")
# the most rows a list gets when its field names no limit
DEFAULT_MAX_ROWS = 60
# the lists that always keep one (empty) row to type into
KEEP_ONE_ROW = ("costs", "receipts")


def change_rows(form: Any, action: Action, formdata: MultiDict[str, str]) -> Any:
    """The form after ``action`` (add or remove a row) on the posted ``formdata``; the same
    form when the action names no list of the form, no readable row, or the list is full."""
    name = action.rows
    if not action.edits_rows or name not in ROW_LISTS or name not in form:
        return form
    rows = form[name]
    if action.verb is Verb.ADD_ROW:
        if len(rows.entries) < (rows.max_entries or DEFAULT_MAX_ROWS):
            rows.append_entry()
        return form
    if action.index is None:
        return form
    rebuilt = type(form)(formdata=without_row(formdata, name, action.index))
    if name in KEEP_ONE_ROW and not rebuilt[name].entries:
        rebuilt[name].append_entry()
    return rebuilt


def without_row(formdata: MultiDict[str, str], name: str, removed: int) -> MultiDict[str, str]:
    """``formdata`` without the inputs of row ``removed`` of the list ``name``
    (``name-N-field``), the rows after it moved up by one."""
    pattern = re.compile(rf"{name}-(\d+)-(.+)")
    renumbered: MultiDict[str, str] = MultiDict()
    for key, value in formdata.items(multi=True):
        match = pattern.fullmatch(key)
        if match is None:
            renumbered.add(key, value)
            continue
        position = int(match.group(1))
        if position == removed:
            continue
        shifted = position - 1 if position > removed else position
        renumbered.add(f"{name}-{shifted}-{match.group(2)}", value)
    return renumbered


def row_focus(form: Any, action: Action) -> tuple[str, int] | None:
    """Where the focus goes after ``action`` added or removed a row of ``form`` (the form
    after the change): the new row, or the row that took the removed one's place (the last
    one when the removed row was the last). None when the list has no rows left."""
    name = action.rows
    if name not in ROW_LISTS or name not in form or not form[name].entries:
        return None
    last = len(form[name].entries) - 1
    if action.verb is Verb.ADD_ROW or action.index is None:
        return name, last
    return name, min(action.index, last)


def autofocus(form: Any, focus: tuple[str, int]) -> None:
    """Put ``autofocus`` on the first input of the row ``focus`` (list, index): the page
    opens with the focus there, also without JavaScript (issue 17: it jumped to the top)."""
    name, index = focus
    first = next(iter(form[name].entries[index].form), None)
    if first is not None:
        first.render_kw = {**(first.render_kw or {}), "autofocus": True}
