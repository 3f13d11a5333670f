"""Step 4: the financing plan – own funds, third-party funds (rows), revenue, requested grant."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, Form, FormField, StringField

from .base import StepForm
from .fields import GermanMoneyField

MAX_ROWS = 20


class ThirdPartyForm(Form):
    source = StringField(_l("Provider of the third-party funds"))
    amount = GermanMoneyField(_l("Amount in euros"), render_kw={"inputmode": "decimal"})


class FinancingForm(StepForm):
    own_funds = GermanMoneyField(_l("Own funds in euros"), render_kw={"inputmode": "decimal"})
    third_party = FieldList(FormField(ThirdPartyForm), min_entries=0, max_entries=MAX_ROWS)
    revenue = GermanMoneyField(
        _l("Revenue in euros (for example fees)"), render_kw={"inputmode": "decimal"}
    )
    requested = GermanMoneyField(_l("Requested grant in euros"), render_kw={"inputmode": "decimal"})

    def load(self, data: dict[str, Any]) -> None:
        for name in ("own_funds", "revenue", "requested"):
            value = data.get(name)
            self[name].data = Decimal(value) if value is not None else None
        while len(self.third_party.entries):
            self.third_party.pop_entry()
        for row in data.get("third_party") or []:
            entry = self.third_party.append_entry()
            entry.form.source.data = row.get("source") or ""
            entry.form.amount.data = (
                Decimal(row["amount"]) if row.get("amount") is not None else None
            )

    def to_data(self) -> dict[str, Any]:
        rows = [
            {
                "source": (entry.form.source.data or "").strip(),
                "amount": None
                if entry.form.amount.data is None
                else format(entry.form.amount.data, "f"),
            }
            for entry in self.third_party.entries
        ]
        return {
            "own_funds": _json(self.own_funds.data),
            "third_party": [row for row in rows if row["source"] or row["amount"] is not None],
            "revenue": _json(self.revenue.data),
            "requested": _json(self.requested.data),
        }


def _json(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")
