"""Step 1: who applies (Antragsteller / Träger), with age and adult contact for the youth fund."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField, TelField

from .base import StepForm
from .fields import GermanDateField, GermanPostalCode, OneEmailAddress

TEXT_FIELDS = (
    "name",
    "street",
    "postal_code",
    "city",
    "representative",
    "contact_name",
    "email",
    "phone",
    "iban",
    "account_holder",
)


class ApplicantForm(StepForm):
    name = StringField(
        _l("Name of the organisation or group"), render_kw={"autocomplete": "organization"}
    )
    legal_form = SelectField(_l("Legal form"), choices=[], validate_choice=False)
    street = StringField(
        _l("Street and house number"), render_kw={"autocomplete": "street-address"}
    )
    postal_code = StringField(
        _l("Postal code"),
        validators=[GermanPostalCode()],
        render_kw={
            "autocomplete": "postal-code",
            "inputmode": "numeric",
            "pattern": "[0-9]{5}",
        },
    )
    city = StringField(_l("Town"), render_kw={"autocomplete": "address-level2"})
    representative = StringField(_l("Person authorised to represent the applicant"))
    contact_name = StringField(_l("Contact person"), render_kw={"autocomplete": "name"})
    email = EmailField(
        _l("E-mail address"),
        validators=[OneEmailAddress()],
        render_kw={"autocomplete": "email"},
    )
    phone = TelField(_l("Telephone (optional)"), render_kw={"autocomplete": "tel"})
    iban = StringField(_l("IBAN"), render_kw={"autocomplete": "off", "spellcheck": "false"})
    account_holder = StringField(_l("Account holder"))
    vat_deductible = BooleanField(_l("The applicant may deduct input VAT"))
    birth_date = GermanDateField(
        _l("Date of birth"), render_kw={"autocomplete": "bday", "inputmode": "numeric"}
    )
    adult_contact_name = StringField(_l("Name of the adult contact person"))
    adult_contact_email = EmailField(
        _l("E-mail of the adult contact person"),
        validators=[OneEmailAddress()],
        render_kw={"autocomplete": "off"},
    )
    adult_contact_phone = TelField(
        _l("Telephone of the adult contact person"), render_kw={"autocomplete": "off"}
    )

    def load(self, data: dict[str, Any]) -> None:
        for name in (*TEXT_FIELDS, "legal_form"):
            self[name].data = data.get(name) or ""
        self.vat_deductible.data = bool(data.get("vat_deductible"))
        birth = data.get("birth_date")
        self.birth_date.data = _iso_date(birth)
        contact = data.get("adult_contact") or {}
        self.adult_contact_name.data = contact.get("name") or ""
        self.adult_contact_email.data = contact.get("email") or ""
        self.adult_contact_phone.data = contact.get("phone") or ""

    def to_data(self, youth: bool) -> dict[str, Any]:
        data: dict[str, Any] = {name: (self[name].data or "").strip() for name in TEXT_FIELDS}
        data["legal_form"] = self.legal_form.data or ""
        data["vat_deductible"] = bool(self.vat_deductible.data)
        data["birth_date"] = (
            self.birth_date.data.isoformat() if youth and self.birth_date.data else None
        )
        contact = {
            "name": (self.adult_contact_name.data or "").strip(),
            "email": (self.adult_contact_email.data or "").strip(),
            "phone": (self.adult_contact_phone.data or "").strip(),
        }
        data["adult_contact"] = contact if youth and any(contact.values()) else None
        return data


def _iso_date(value: Any) -> Any:
    from datetime import date

    return date.fromisoformat(value) if isinstance(value, str) and value else None
