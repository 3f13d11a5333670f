"""The payment request (Mittelabruf): how much, needed by when."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField

from .fields import GermanDateField, GermanMoneyField


class PaymentRequestForm(FlaskForm):
    amount = GermanMoneyField(_l("Amount requested in euros"), render_kw={"inputmode": "decimal"})
    needed_on = GermanDateField(_l("Needed for payments by"), render_kw={"inputmode": "numeric"})
    idempotency_key = HiddenField()

    class Meta:
        csrf = False  # CSRFProtect checks the token before the view
