"""The usage-of-funds report (Verwendungsnachweis): narrative, receipts list, income."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField

from .fields import GermanDateField, GermanMoneyField, WholeNumberField

MAX_RECEIPTS = 100


class ReceiptForm(Form):
    number = StringField(_l("Receipt no."))
    date = GermanDateField(_l("Date"), render_kw={"inputmode": "numeric"})
    payee = StringField(_l("Paid to / received from"))
    purpose = StringField(_l("Purpose"))
    category = SelectField(_l("Cost category"), choices=[], validate_choice=False)
    amount = GermanMoneyField(_l("Amount in euros"), render_kw={"inputmode": "decimal"})
    kind = SelectField(_l("Kind"), choices=[], validate_choice=False)


class ReportForm(FlaskForm):
    activities = TextAreaField(_l("What took place?"), render_kw={"rows": 5})
    goals_reached = TextAreaField(_l("Were the goals reached?"), render_kw={"rows": 4})
    deviations = TextAreaField(_l("Deviations from the plan and why"), render_kw={"rows": 3})
    participants_actual = WholeNumberField(
        _l("Number of participants"), render_kw={"inputmode": "numeric"}
    )
    receipts = FieldList(FormField(ReceiptForm), min_entries=1, max_entries=MAX_RECEIPTS)
    own_funds = GermanMoneyField(_l("Own funds spent in euros"), render_kw={"inputmode": "decimal"})
    third_party = GermanMoneyField(
        _l("Third-party funds received in euros"), render_kw={"inputmode": "decimal"}
    )
    revenue = GermanMoneyField(_l("Revenue in euros"), render_kw={"inputmode": "decimal"})
    idempotency_key = HiddenField()

    class Meta:
        csrf = False  # CSRFProtect checks the token before the view

    def to_data(self) -> dict[str, Any]:
        receipts = []
        for entry in self.receipts.entries:
            row = entry.form
            receipt = {
                "number": (row.number.data or "").strip(),
                "date": row.date.data.isoformat() if row.date.data else None,
                "payee": (row.payee.data or "").strip(),
                "purpose": (row.purpose.data or "").strip(),
                "category": row.category.data or "",
                "amount": _json(row.amount.data),
                "kind": row.kind.data or "expense",
            }
            if any(receipt[k] for k in ("number", "date", "payee", "purpose", "amount")):
                receipts.append(receipt)
        return {
            "narrative": {
                "activities": (self.activities.data or "").strip(),
                "goals_reached": (self.goals_reached.data or "").strip(),
                "deviations": (self.deviations.data or "").strip(),
                "participants_actual": self.participants_actual.data,
            },
            "receipts": receipts,
            "income": {
                "own_funds": _json(self.own_funds.data) or "0.00",
                "third_party": _json(self.third_party.data) or "0.00",
                "revenue": _json(self.revenue.data) or "0.00",
            },
        }


def _json(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")
