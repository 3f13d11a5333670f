"""People's names for the fields of the interchange shapes, used in "please fill in" messages.

Keys are paths with list indices removed (``costs[].amount``).
"""

from __future__ import annotations

import re

from .findings import COMMON, Finding, define
from .messages import N_, Message

FIELD_REQUIRED = define(
    COMMON,
    "field.required",
    "error",
    {
        "labelled": N_("Please fill in: %(label)s."),
        "unlabelled": N_("Please fill in this field."),
    },
)

FIELD_LABELS: dict[str, str] = {
    # application
    "fund": N_("Fund"),
    "applicant.name": N_("Name of the applicant"),
    "applicant.legal_form": N_("Legal form"),
    "applicant.street": N_("Street and house number"),
    "applicant.postal_code": N_("Postal code"),
    "applicant.city": N_("Town"),
    "applicant.representative": N_("Person authorised to represent the applicant"),
    "applicant.contact_name": N_("Contact person"),
    "applicant.email": N_("E-mail address"),
    "applicant.iban": N_("IBAN"),
    "applicant.account_holder": N_("Account holder"),
    "applicant.birth_date": N_("Date of birth"),
    "applicant.adult_contact.name": N_("Name of the adult contact person"),
    "applicant.adult_contact.email": N_("E-mail address of the adult contact person"),
    "project.title": N_("Project title"),
    "project.summary": N_("Short description of the project"),
    "project.goals": N_("Goals of the project"),
    "project.fields_of_action": N_("Fields of action"),
    "project.target_groups": N_("Target groups"),
    "project.location": N_("Place where the project takes place"),
    "project.start": N_("Project start"),
    "project.end": N_("Project end"),
    "project.participants_planned": N_("Planned number of participants"),
    "project.early_start_requested": N_("Early start of the project requested (yes/no)"),
    "costs[].category": N_("Cost category"),
    "costs[].description": N_("Description of the cost item"),
    "costs[].amount": N_("Amount of the cost item"),
    "financing.own_funds": N_("Own funds"),
    "financing.third_party": N_("Third-party funds (a list, which may be empty)"),
    "financing.third_party[].source": N_("Provider of the third-party funds"),
    "financing.third_party[].amount": N_("Amount of the third-party funds"),
    "financing.revenue": N_("Revenue"),
    "financing.requested": N_("Requested grant"),
    # report
    "notice.number": N_("Number of the grant notice"),
    "notice.start": N_("Start of the approved period"),
    "notice.end": N_("End of the approved period"),
    "notice.grant": N_("Approved grant"),
    "notice.paid": N_("Amount paid out so far"),
    "notice.plan": N_("Approved cost plan"),
    "notice.own_funds": N_("Planned own funds"),
    "notice.third_party": N_("Planned third-party funds"),
    "notice.revenue": N_("Planned revenue"),
    "receipts": N_("List of receipts"),
    "receipts[].number": N_("Receipt number"),
    "receipts[].date": N_("Date of the receipt"),
    "receipts[].payee": N_("Payee"),
    "receipts[].purpose": N_("Purpose of the payment"),
    "receipts[].category": N_("Cost category"),
    "receipts[].amount": N_("Amount of the receipt"),
    "receipts[].kind": N_("Kind of receipt (expense or income)"),
    "income.own_funds": N_("Own funds actually used"),
    "income.third_party": N_("Third-party funds actually received"),
    "income.revenue": N_("Revenue actually received"),
    "narrative.activities": N_("What was done"),
    "narrative.goals_reached": N_("Which goals were reached"),
    "narrative.deviations": N_("Deviations from the plan and their reasons"),
    "narrative.participants_actual": N_("Actual number of participants"),
    # meeting
    "body": N_("Deciding body"),
    "mode": N_("Kind of decision (session or written vote)"),
    "date": N_("Date"),
    "place": N_("Place of the session"),
    "members": N_("Members"),
    "members[].id": N_("Member's identifier"),
    "members[].name": N_("Member's name"),
    "members[].sector": N_("Member's group (civil society, administration or politics)"),
    "members[].voting": N_("Member's voting right (yes/no)"),
    "invited": N_("Members invited"),
    "present": N_("Members present"),
    "items": N_("Agenda items"),
    "items[].ref": N_("Reference number of the application"),
    "items[].applicant": N_("Applicant"),
    "items[].requested": N_("Amount requested"),
    "items[].proposed_amount": N_("Amount proposed for the decision"),
    "items[].votes": N_("Votes"),
    # closing (refund and interest)
    "final_grant": N_("Final grant"),
    "payouts": N_("Payouts (a list, which may be empty)"),
    "payouts[].date": N_("Date of the payout"),
    "payouts[].amount": N_("Amount of the payout"),
    "expenses": N_("Expenses (a list, which may be empty)"),
    "expenses[].date": N_("Date of the expense"),
    "expenses[].amount": N_("Amount of the expense"),
    "grant_share": N_("Share of each expense paid from the grant"),
    "effective": N_("Day the revocation takes effect"),
    "refund_on": N_("Day of the refund"),
    "base_rates": N_("Base rates (Basiszinssatz)"),
    "base_rates[].from": N_("First day of the base rate"),
    "base_rates[].rate": N_("Base rate in percent"),
    "margin": N_("Percentage points above the base rate"),
    "use_within_days": N_("Days within which a payout is to be used"),
    "waiver_below": N_("Interest below this amount is not claimed"),
}

_INDEX = re.compile(r"\[[0-9]+\]")


def field_label(path: str) -> Message | None:
    msgid = FIELD_LABELS.get(_INDEX.sub("[]", path))
    return Message(msgid) if msgid else None


def required(path: str) -> Finding:
    """``field.required``: the value at ``path`` is missing or empty."""
    label = field_label(path)
    if label is None:
        return FIELD_REQUIRED.finding(path, variant="unlabelled")
    return FIELD_REQUIRED.finding(path, {"label": label}, variant="labelled")
