"""Formatting and letterhead pieces shared by the context builders.

Contexts are plain data (str, bool, list, dict) so they can be stored next to the document
they produced and rendered again. Every text is already formatted the German way and cleaned
(:func:`service.rendering.docx.clean_text`). Wording lives in the templates; a context only
carries values and booleans that choose between the templates' wordings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from ...domain import formatting
from ...domain.findings import Finding
from ...domain.messages import Localizer
from ..docx import clean_text
from ..images import load_logo, png_image
from ..partnership import Partnership

LOCALE = "de"
Context = dict[str, Any]


class CheckOutcome(Protocol):
    """What the context builders need from the rules engine's CheckResult."""

    @property
    def findings(self) -> Sequence[Finding]: ...

    @property
    def extra(self) -> Mapping[str, Any]: ...


def get(data: Any, path: str, default: Any = None) -> Any:
    """``data["a"]["b"]`` for ``"a.b"``; ``default`` where anything on the way is missing.

    Builders read input that the rules engine has checked for types, but required values may
    still be missing (a rejection of an incomplete application must render), so no lookup fails.
    """
    node = data
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node or node[part] is None:
            return default
        node = node[part]
    return node


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ""
    return clean_text(str(value)).strip()


def decimal(value: Any) -> Decimal | None:
    return formatting.as_decimal(value)


# The formats are service.domain.formatting's – the same as on the pages and in e-mails –
# with an ordinary space before "€", so the text can be searched as it is printed.


def money(value: Any) -> str:
    """ "1.234,56 €"."""
    return formatting.money(value, locale=LOCALE, space=" ")


def number(value: Any) -> str:
    """A quantity in German notation: "2,5", "1.200"."""
    return formatting.number(value, locale=LOCALE)


def percent(value: Decimal) -> str:
    return formatting.percent(value, locale=LOCALE)


def as_date(value: Any) -> date | None:
    return formatting.as_date(value)


def long_date(value: Any) -> str:
    """ "1. Juni 2026" – dates in running text."""
    return formatting.long_date(value, locale=LOCALE)


def short_date(value: Any) -> str:
    """ "01.06.2026" – dates in tables and the information block."""
    return formatting.short_date(value, locale=LOCALE)


def weekday_date(value: Any) -> str:
    """ "Freitag, 4. Dezember 2026" – the day of a session."""
    return formatting.weekday_date(value, locale=LOCALE)


def period(start: Any, end: Any, localizer: Localizer) -> str:
    """ "1. Mai bis 30. Juni 2026"."""
    return text(formatting.period(start, end, localizer.gettext, locale=LOCALE))


def label(catalogue: Mapping[str, str], key: Any, localizer: Localizer) -> str:
    """The German label of a catalogue key; an unknown key is shown as it is."""
    if not isinstance(key, str):
        return ""
    return text(formatting.label(key, catalogue, gettext=localizer.gettext))


def labels(catalogue: Mapping[str, str], keys: Any, localizer: Localizer) -> str:
    if not isinstance(keys, list):
        return ""
    return ", ".join(label(catalogue, key, localizer) for key in keys)


def iban(value: Any) -> str:
    """Groups of four, as printed on German forms, joined by non-breaking spaces: a
    document's line never breaks inside an IBAN (issue 18)."""
    return formatting.iban(text(value), space=formatting.NBSP)


def findings_text(findings: Iterable[Finding], localizer: Localizer) -> list[str]:
    return [text(finding.message.render(localizer)) for finding in findings]


def lead_office(partnership: Partnership) -> Context:
    office = partnership.lead_office
    return {
        "name": text(office.name),
        "unit": text(office.unit),
        "street": text(office.street),
        "postal_code": text(office.postal_code),
        "city": text(office.city),
        "phone": text(office.phone),
        "email": text(office.email),
        # the footer never breaks an IBAN (issue 18): its groups are joined unbreakably
        "bank": formatting.unbreakable_ibans(text(office.bank)),
    }


def coordination_office(partnership: Partnership) -> Context:
    office = partnership.coordination_office
    return {
        "carrier": text(office.carrier),
        "name": text(office.name),
        "street": text(office.street),
        "postal_code": text(office.postal_code),
        "city": text(office.city),
        "contact": text(office.contact),
        "email": text(office.email),
    }


def letterhead(partnership: Partnership) -> Context:
    """Keys every template uses: the letterhead, the footer and the programme line."""
    return {
        "partnership": {
            "name": text(partnership.name),
            "programme_line": text(partnership.programme_line),
            # the picture itself, placed by the renderer; "" = the text letterhead alone
            "logo": _logo(partnership),
        },
        "lead_office": lead_office(partnership),
    }


def _logo(partnership: Partnership) -> Any:
    if partnership.logo_data:
        return png_image(partnership.logo_data, description=text(partnership.name))
    if partnership.logo:
        return load_logo(partnership.logo, text(partnership.name))
    return ""


# a posted notice counts as made known on this day after posting (§ 41 Abs. 2 VwVfG and the
# Land acts): the ordinal as the notices write it, "am vierten Tag"
_ORDINALS = {
    1: "ersten",
    2: "zweiten",
    3: "dritten",
    4: "vierten",
    5: "fünften",
    6: "sechsten",
    7: "siebten",
    8: "achten",
    9: "neunten",
    10: "zehnten",
}
# without [legal] (an older partnership): the federal act, an objection to the issuing
# authority – the notices' general wording before issue 18
DEFAULT_PROCEDURE_ACT = "VwVfG"


def legal(partnership: Partnership) -> Context:
    """The partnership's [legal] settings (issue 18, item 2): the procedure act the notices
    cite, the remedy (``objection`` or ``lawsuit``), where to lodge it and the day a posted
    notice counts as made known. An older partnership without [legal] gets the federal act
    and an objection to the lead office (``configured`` False)."""
    found = partnership.legal
    office = partnership.lead_office
    authority = ", ".join(
        part
        for part in (
            text(office.name),
            text(office.street),
            f"{text(office.postal_code)} {text(office.city)}".strip(),
        )
        if part
    )
    if found is None:
        return {
            "configured": False,
            "procedure_act": DEFAULT_PROCEDURE_ACT,
            "objection": True,
            "lawsuit": False,
            "remedy_body": authority,
            "notification_day": "",
        }
    days = found.notification_days
    return {
        "configured": True,
        "procedure_act": text(found.procedure_act),
        "objection": found.remedy == "widerspruch",
        "lawsuit": found.remedy == "klage",
        # the settings keep the address in lines; the notices name it in running text
        "remedy_body": ", ".join(
            line.strip() for line in text(found.remedy_body).splitlines() if line.strip()
        ),
        "notification_day": _ORDINALS.get(days, f"{days}."),
    }


def return_line(*parts: str) -> str:
    """The sender line above the address (DIN 5008 "Rücksendeangabe")."""
    return " · ".join(part for part in parts if part)


def lead_office_return_line(partnership: Partnership) -> str:
    office = partnership.lead_office
    return return_line(
        text(office.name), text(office.street), f"{text(office.postal_code)} {text(office.city)}"
    )


def coordination_office_return_line(partnership: Partnership) -> str:
    office = partnership.coordination_office
    # the carrier's name would make the line wrap; the office and its address suffice
    return return_line(
        text(office.name),
        text(office.street),
        f"{text(office.postal_code)} {text(office.city)}",
    )
