"""Step 3: the cost plan, one row per cost line; rows are added and removed by submit buttons
(and by apply.js where JavaScript runs)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, Form, FormField, SelectField, StringField

from .base import StepForm
from .fields import GermanDecimalField, GermanMoneyField, WholeNumberField

MAX_LINES = 60


class CostLineForm(Form):
    category = SelectField(_l("Cost category"), choices=[], validate_choice=False)
    description = StringField(_l("Description"))
    quantity = GermanDecimalField(
        _l("Quantity (optional)"), places=3, render_kw={"inputmode": "decimal"}
    )
    unit = StringField(_l("Unit (optional)"))
    unit_price = GermanDecimalField(
        _l("Price per unit in euros (optional)"), places=4, render_kw={"inputmode": "decimal"}
    )
    amount = GermanMoneyField(_l("Amount in euros"), render_kw={"inputmode": "decimal"})
    offers = WholeNumberField(_l("Number of offers obtained"), render_kw={"inputmode": "numeric"})


class CostsForm(StepForm):
    costs = FieldList(FormField(CostLineForm), min_entries=1, max_entries=MAX_LINES)

    def load(self, lines: list[dict[str, Any]]) -> None:
        while len(self.costs.entries):
            self.costs.pop_entry()
        for line in lines or [{}]:
            entry = self.costs.append_entry()
            entry.form.category.data = line.get("category") or ""
            entry.form.description.data = line.get("description") or ""
            entry.form.quantity.data = _decimal(line.get("quantity"))
            entry.form.unit.data = line.get("unit") or ""
            entry.form.unit_price.data = _decimal(line.get("unit_price"))
            entry.form.amount.data = _decimal(line.get("amount"))
            entry.form.offers.data = line.get("offers") or 0

    def to_data(self) -> list[dict[str, Any]]:
        lines = []
        for entry in self.costs.entries:
            line: dict[str, Any] = {
                "category": entry.form.category.data or "",
                "description": (entry.form.description.data or "").strip(),
                "amount": _json(entry.form.amount.data),
                "offers": entry.form.offers.data or 0,
            }
            if entry.form.quantity.data is not None:
                line["quantity"] = format(entry.form.quantity.data, "f")
            if (entry.form.unit.data or "").strip():
                line["unit"] = entry.form.unit.data.strip()
            if entry.form.unit_price.data is not None:
                line["unit_price"] = format(entry.form.unit_price.data, "f")
            if _is_blank(line):
                continue
            lines.append(line)
        return lines


def _is_blank(line: dict[str, Any]) -> bool:
    # an empty row left at the end is no cost line (the rules would call it incomplete)
    return not any(
        line.get(key)
        for key in ("category", "description", "amount", "quantity", "unit", "unit_price")
    )


def _decimal(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


def _json(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")
