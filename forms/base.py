"""Shared pieces of the step forms: the draft version, choice lists from the catalogues."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, widgets


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes; an unknown key stays for the rules engine to report."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form: object) -> None:
        # the catalogue check belongs to the rules engine (input.invalid), not to the form
        return None


def choices(
    catalogue: Mapping[str, str], keys: tuple[str, ...] | None = None
) -> list[tuple[str, str]]:
    """(key, German label) pairs of a catalogue, limited to ``keys`` where given."""
    return [(key, _(label)) for key, label in catalogue.items() if keys is None or key in keys]


class StepForm(FlaskForm):
    """A step of the application; ``version`` is the draft version the form showed (R19)."""

    version = HiddenField()

    class Meta:
        # the session's token is checked by CSRFProtect before the view; a second check here
        # would report the same expired token twice
        csrf = False
