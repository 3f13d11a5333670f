"""The review page's submit form: the idempotency key makes a double click one submission."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class SubmitForm(FlaskForm):
    idempotency_key = HiddenField()
    version = HiddenField()

    class Meta:
        csrf = False
