"""Where on the staff view of an application a field is (issue 17, item 4): every value of
the frozen copy has an anchor, a finding of the rules engine links to the field it is about,
and each item of the formal check's checklist links to the fields it asks about."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ...domain.catalogues import DECLARATIONS
from ...domain.findings import Finding
from ...domain.labels import FIELD_LABELS
from ...domain.messages import N_, Localizer

_INDEXED = re.compile(r"^(costs|financing\.third_party)\[([0-9]+)\]")
_PERIOD = ("project.start", "project.end")

# labels of the places a link can lead to that are no single field
PLACES: dict[str, str] = {
    "submitted_on": N_("Received on"),
    "application": N_("The submitted application"),
    "applicant.address": N_("Address"),
    "applicant.adult_contact": N_("Adult contact person"),
    "project.period": N_("Project period"),
    "project.early_start_requested": N_("Early start requested"),
    "costs": N_("Cost plan"),
    "financing": N_("Financing plan"),
    "financing.third_party": N_("Third-party funds"),
    "declarations": N_("Declarations"),
    "declarations.not_started": N_("Declaration: not started yet"),
    "declarations.no_double_funding": N_("Declaration: no double funding"),
    "uploads": N_("Uploads (offers and attachments)"),
    "pdf": N_("PDF of the application"),
}

# the checklist of the formal check (operations/staff.py CHECKLIST) → where to look
CHECKLIST_PLACES: dict[str, tuple[str, ...]] = {
    "complete": ("application", "uploads", "pdf"),
    "eligible": ("applicant.legal_form", "applicant.birth_date", "applicant.adult_contact"),
    "in_time": ("submitted_on", "project.period"),
    "not_started": ("project.period", "project.early_start_requested", "declarations.not_started"),
    "plan": ("costs", "financing"),
    "offers": ("costs", "uploads"),
    "no_double": ("financing.third_party", "declarations.no_double_funding"),
}
# every place the page has an element for (staff/application.html), besides the lines of
# the cost plan and of the third-party funds
PAGE_PLACES = frozenset(
    {"application", "pdf", "uploads", "submitted_on", "applicant", "project", "costs"}
    | {f"applicant.{name}" for name in ("name", "legal_form", "address", "representative")}
    | {f"applicant.{name}" for name in ("contact_name", "phone", "email", "iban")}
    | {f"applicant.{name}" for name in ("account_holder", "vat_deductible", "birth_date")}
    | {"applicant.adult_contact", "project.title", "project.period", "project.location"}
    | {"project.early_start_requested", "project.participants_planned", "project.summary"}
    | {"project.fields_of_action", "project.target_groups", "project.goals"}
    | {"financing", "financing.own_funds", "financing.third_party", "financing.revenue"}
    | {"financing.requested", "declarations"}
    | {f"declarations.{key}" for key in DECLARATIONS}
)
# places that exist on the page only for an application of the youth fund
YOUTH_ONLY = frozenset({"applicant.birth_date", "applicant.adult_contact"})


def place_of(path: str | None) -> str:
    """The place on the page a field path is shown at: a cost line for any of its values,
    the project period for its start and end, the adult contact for its name or e-mail."""
    if not path:
        return "application"
    indexed = _INDEXED.match(path)
    if indexed:
        return f"{indexed.group(1)}[{indexed.group(2)}]"
    if path in _PERIOD:
        return "project.period"
    if path.startswith("applicant.adult_contact"):
        return "applicant.adult_contact"
    if path in ("applicant.street", "applicant.postal_code", "applicant.city"):
        return "applicant.address"
    if path == "fund":
        return "submitted_on"
    while path not in PAGE_PLACES and "." in path:
        path = path.rpartition(".")[0]  # a part of the page that has no element of its own
    return path if path in PAGE_PLACES else "application"


def anchor(path: str | None) -> str:
    """The element id of a place: ``feld-costs-1``, ``feld-applicant-iban``."""
    return "feld-" + re.sub(r"[^a-z0-9]+", "-", place_of(path).lower()).strip("-")


def place_label(path: str) -> str:
    """The msgid of a place's name ("Legal form", "Cost plan")."""
    return PLACES.get(path) or FIELD_LABELS.get(re.sub(r"\[[0-9]+\]", "[]", path)) or path


@dataclass(frozen=True)
class FindingRow:
    severity: str
    message: str
    field: str
    field_label: str  # msgid; "" where the finding is about the whole application
    position: int | None  # 1-based line of the cost or third-party list
    anchor: str


def finding_rows(findings: Sequence[Finding], localizer: Localizer) -> list[FindingRow]:
    rows = []
    for found in findings:
        indexed = _INDEXED.match(found.field or "")
        label = FIELD_LABELS.get(re.sub(r"\[[0-9]+\]", "[]", found.field or ""), "")
        rows.append(
            FindingRow(
                severity=found.severity,
                message=found.message.render(localizer),
                field=found.field or "",
                field_label=label
                or (PLACES.get(place_of(found.field)) if found.field else "")
                or "",
                position=int(indexed.group(2)) + 1 if indexed else None,
                anchor=anchor(found.field),
            )
        )
    return rows


def checklist_places(youth: bool) -> Mapping[str, tuple[str, ...]]:
    return {
        key: tuple(p for p in places if youth or p not in YOUTH_ONLY)
        for key, places in CHECKLIST_PLACES.items()
    }
