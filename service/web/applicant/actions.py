"""The wizard's action protocol: what a button of a step (or of the report form) asks for.

Every submit button of a form is named ``action``; its value says what to do:

===================  =====================================================================
``next``             save the step and go on (also Enter in a field: the form's first button)
``back``             save the step and go to the one before
``save``             save the draft and stay (the page says so)
``autosave``         save in the background (the page's script; answered with JSON)
``add:<rows>``       add a row to the list ``rows`` (``costs``, ``third_party``, ``receipts``)
``remove:<rows>:N``  remove row N (from 0) of the list ``rows``
``upload``           save the step and add the chosen file (the declarations step)
``remove-file:N``    save the step and remove the uploaded file with the id N
``calculate``        recalculate the usage-of-funds report (its script, or the button)
``submit``           submit the usage-of-funds report
===================  =====================================================================

The value is read once per request, by :func:`parse_action`; views ask the :class:`Action`,
never the form. Every button of a step is a button of the step's one form, so whatever it
does, what was typed and ticked on the page is saved with it (issue 17: ticked declarations
were lost when a file was uploaded by a form of its own). The submission of the application
is a form of its own, with its own URL (views.py), and no ``action``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .. import parse


class Verb(StrEnum):
    NEXT = "next"
    BACK = "back"
    SAVE = "save"
    AUTOSAVE = "autosave"
    ADD_ROW = "add"
    REMOVE_ROW = "remove"
    UPLOAD = "upload"
    REMOVE_FILE = "remove-file"
    CALCULATE = "calculate"
    SUBMIT = "submit"


ROW_VERBS = (Verb.ADD_ROW, Verb.REMOVE_ROW)
FILE_VERBS = (Verb.UPLOAD, Verb.REMOVE_FILE)


@dataclass(frozen=True)
class Action:
    """One button's request. ``rows`` is the row list an add or remove acts on, ``index`` the
    row removed – or, for ``remove-file``, the id of the file removed (None when the value
    named none that can be read)."""

    verb: Verb
    rows: str = ""
    index: int | None = None

    @property
    def edits_rows(self) -> bool:
        return self.verb in ROW_VERBS

    @property
    def edits_files(self) -> bool:
        return self.verb in FILE_VERBS


def parse_action(form: Mapping[str, str], default: Verb) -> Action:
    """The action the request's form asks for. No ``action`` is ``default`` (Enter in a form
    without buttons, the autosave script of old pages); so is a value that names no verb.
    A row verb keeps what it names even when that is no list of the form: the page is then
    shown again unchanged."""
    raw = form.get("action")
    if raw is None:
        return Action(default)
    verb, colon, rest = raw.partition(":")
    if colon and verb == Verb.ADD_ROW:
        return Action(Verb.ADD_ROW, rows=rest)
    if colon and verb == Verb.REMOVE_ROW:
        rows, _colon, index = rest.partition(":")
        return Action(Verb.REMOVE_ROW, rows=rows, index=_number(index))
    if colon and verb == Verb.REMOVE_FILE:
        return Action(Verb.REMOVE_FILE, index=_number(rest))
    plain = parse.member(Verb, raw)
    if plain is None or plain in ROW_VERBS or plain is Verb.REMOVE_FILE:
        return Action(default)
    return Action(plain)


def _number(text: str) -> int | None:
    """``text`` as a row number or id, or None when it is none (``x``, ``-1``, ``²``)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None
